"""Run Alembic programmatically: `geo-service db upgrade` and the test setup."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, make_url, text

from geo_service.db import make_engine

HERE = Path(__file__).resolve().parent


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    if url is not None:
        # ConfigParser treats % specially; URLs may carry %-escaped passwords.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    """Bring the schema to the newest revision."""
    command.upgrade(alembic_config(url, connection), "head")


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (needs the CREATEDB right)."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).first()
        if not found:
            # An identifier cannot be a bound parameter; quoting keeps any name intact.
            name = str(target.database).replace('"', '""')
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

"""Alembic environment: our models' metadata, with GeoAlchemy2's helpers."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import Connection

from geo_service.config import database_url
from geo_service.db import make_engine
from geo_service.models import Base

config = context.config


def run_with(connection: Connection) -> None:
    """Run the migrations on one open connection."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Connect (or reuse the caller's connection) and migrate."""
    given = config.attributes.get("connection")
    if given is not None:
        run_with(given)
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        run_with(connection)
    engine.dispose()


run_online()

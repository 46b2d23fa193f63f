"""Fixtures: a real PostGIS test database, one rolled-back transaction per test.

The database is TEST_DATABASE_URL, else DATABASE_URL's server with `_test` added to
the database name (created when missing), else the project's local cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.orm import Session

from geo_service import create_app, migrate
from geo_service.config import LOCAL_DATABASE_URL, database_url
from geo_service.db import make_engine
from geo_service.queries.users import create_user

DATA = Path(__file__).parent / "data"


def database_url_for_tests() -> str:
    """Where the tests run: never the development database itself."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    base = make_url(database_url() if os.environ.get("DATABASE_URL") else LOCAL_DATABASE_URL)
    name = base.database or "yinhu"
    return base.set(database=name if name.endswith("_test") else name + "_test").render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The migrated test database."""
    url = database_url_for_tests()
    migrate.ensure_database(url)
    eng = make_engine(url)
    migrate.upgrade(url)
    yield eng
    eng.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture()
def session(connection: Connection) -> Iterator[Session]:
    """An ORM session on the test's connection; its commits become savepoints."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as s:
        yield s


@pytest.fixture()
def app(connection: Connection):  # type: ignore[no-untyped-def]
    """The app bound to the test's connection."""
    return create_app({"TESTING": True, "MAX_UPLOAD_BYTES": 2 * 1024 * 1024}, bind=connection)


@pytest.fixture()
def client(app: APIFlask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture()
def make_token(session: Session) -> Callable[..., str]:
    """make_token(role="member", name=None) → a bearer token for a new user."""
    counter = iter(range(10_000))

    def make(role: str = "member", name: str | None = None) -> str:
        _, token = create_user(session, name or f"{role}-{next(counter)}", role)
        session.commit()
        return token

    return make


@pytest.fixture()
def token(make_token: Callable[..., str]) -> str:
    """A member's token."""
    return make_token("member")


def gpx_bytes(name: str) -> bytes:
    """The bytes of a fixture file in tests/data/gpx."""
    return (DATA / "gpx" / name).read_bytes()

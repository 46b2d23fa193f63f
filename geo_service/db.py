"""Engine and a SQLAlchemy session per request, closed when the request ends."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "yinhu_db"


# JIT compilation pays off for long analytic queries only; on our spatial
# statements its planner estimates made it cost a second per query.
# psycopg prepares a statement after its 5th use on a connection, and PostgreSQL
# then switches to a generic plan, one blind to the parameters: for the
# along-route search that plan took 8 s instead of 0.1 s from the 11th call on
# (docs/benchmarks.md). Custom plans cost a few tenths of a millisecond.
CONNECT_OPTIONS = "-c jit=off -c plan_cache_mode=force_custom_plan"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with settings suited to short web requests."""
    connect_args = {"options": CONNECT_OPTIONS} | kwargs.pop("connect_args", {})
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def init_app(app: Flask, bind: Engine | Connection | None = None) -> None:
    """Attach a session factory to the app; tests pass `bind` (one connection)."""
    if bind is None:
        bind = make_engine(app.config["DATABASE_URL"])
    # A test binds one connection inside an outer transaction; commits in the
    # code under test then only release savepoints and the test rolls it all back.
    if isinstance(bind, Connection):
        factory = sessionmaker(
            bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
    else:
        factory = sessionmaker(bind=bind, expire_on_commit=False)
    app.extensions[EXTENSION_KEY] = factory
    app.teardown_appcontext(close_session)


def get_session() -> Session:
    """The session of the current request, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION_KEY]()
    session: Session = g.db_session
    return session


def close_session(exc: BaseException | None = None) -> None:
    """Roll back anything uncommitted and close the request's session."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()

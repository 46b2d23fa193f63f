"""Engine and a SQLAlchemy session per request, closed when the request ends."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "yinhu_db"
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


# JIT compilation pays off for long analytic queries only; on our spatial
# statements its planner estimates made it cost a second per query.
CONNECT_OPTIONS = "-c jit=off"
# Nothing is prepared unless the code asks (`prepare=True`). psycopg would prepare
# any statement after its 5th use on a connection, and PostgreSQL then may switch to
# a generic plan, blind to the parameters: for the along-route search that plan took
# 8 s instead of 0.1 s (docs/benchmarks.md). The unfiltered k-nearest and radius
# searches ask, because their generic plans are as good as custom ones and skip
# planning (queries/venues.py).
# (None would disable prepare=True too.)
PREPARE_THRESHOLD = 2**31
CONNECT_ARGS: dict[str, Any] = {"options": CONNECT_OPTIONS, "prepare_threshold": PREPARE_THRESHOLD}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with settings suited to short web requests."""
    connect_args = CONNECT_ARGS | kwargs.pop("connect_args", {})
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def init_app(app: Flask, bind: Engine | Connection | None = None) -> None:
    """Attach a session factory to the app; tests pass `bind` (one connection)."""
    if bind is None:
        # Web requests only: a statement past the timeout is cancelled and answered
        # with 503 (errors.py) instead of holding a worker and a backend. Imports and
        # migrations from the command line keep no limit.
        timeout = int(app.config["STATEMENT_TIMEOUT_MS"])
        options = f"{CONNECT_OPTIONS} -c statement_timeout={timeout}"
        bind = make_engine(app.config["DATABASE_URL"], connect_args={"options": options})
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
    """The session of the current request, created on first use.

    GET and HEAD requests only read, so their statements run in autocommit: no
    BEGIN and ROLLBACK round trips, and the statements prepared on the connection
    survive (psycopg forgets them on every ROLLBACK). Tests bind one connection
    inside their own transaction and keep it.
    """
    if "db_session" not in g:
        session = current_app.extensions[EXTENSION_KEY]()
        if (has_request_context() and request.method in READ_ONLY_METHODS
                and not isinstance(session.bind, Connection)):
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.db_session = session
    session_: Session = g.db_session
    return session_


def close_session(exc: BaseException | None = None) -> None:
    """Roll back anything uncommitted and close the request's session."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()

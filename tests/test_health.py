"""GET /healthz and the app's error envelope basics."""

from __future__ import annotations

from sqlalchemy import text

from geo_service import create_app
from geo_service.db import EXTENSION_KEY, get_session, make_engine
from tests.conftest import database_url_for_tests


def test_healthz_answers_200_when_the_database_answers(client) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(monkeypatch) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["error"]["code"] == "database_unavailable"


def test_an_unknown_api_path_answers_the_json_envelope(client) -> None:
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.is_json
    assert resp.json["error"]["code"] == "not_found"
    assert "message" in resp.json["error"]


def test_the_openapi_document_is_served(client) -> None:
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert "/api/v1/routes" in resp.json["paths"]


def test_the_app_works_on_its_own_engine_as_in_production(engine) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url_for_tests()})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    resp = client.get("/api/v1/routes?lat=30.09&lon=120.05&radius_m=1000")
    assert resp.status_code == 200
    assert resp.json["type"] == "FeatureCollection"
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()  # close its pooled connections


def test_every_connection_plans_for_its_parameters(engine) -> None:
    # Without these, a prepared along-route search fell back to a generic plan
    # 80x slower after ten calls, and JIT added a second to spatial queries.
    eng = make_engine(database_url_for_tests())
    with eng.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar() == "off"
        for _ in range(12):
            conn.execute(text("SELECT count(*) FROM venues WHERE id > :n"), {"n": 0})
        prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
        assert prepared == 0  # psycopg prepares only what the code asks for
    eng.dispose()


def test_reads_run_in_autocommit_and_writes_in_a_transaction(engine) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url_for_tests()})
    try:
        for method, autocommit in [("GET", True), ("HEAD", True), ("POST", False),
                                   ("PATCH", False), ("DELETE", False)]:
            with app.test_request_context("/", method=method):
                raw = get_session().connection().connection.driver_connection
                assert raw is not None and raw.autocommit is autocommit, method
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_web_statements_have_a_timeout_and_the_command_line_none(engine) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url_for_tests(),
                      "STATEMENT_TIMEOUT_MS": 1234})
    try:
        with app.test_request_context("/"):
            assert get_session().execute(text("SHOW statement_timeout")).scalar() == "1234ms"
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()
    cli_engine = make_engine(database_url_for_tests())
    with cli_engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    cli_engine.dispose()


def test_a_statement_past_the_timeout_answers_503_and_the_next_request_works(
    engine, monkeypatch
) -> None:
    from geo_service.queries import venues as q

    def slow_raw(session, *args, **kwargs):  # the psycopg path (k nearest)
        q._run(session, "SELECT pg_sleep(1)", {}, False)

    def slow_orm(session, *args, **kwargs):  # the SQLAlchemy path (bbox)
        session.execute(text("SELECT pg_sleep(1)"))

    monkeypatch.setattr(q, "venues_nearest", slow_raw)
    monkeypatch.setattr(q, "venues_in_bbox", slow_orm)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url_for_tests(),
                      "STATEMENT_TIMEOUT_MS": 50})
    client = app.test_client()
    try:
        for path in ("/api/v1/venues?lat=30.09&lon=120.05&k=3",
                     "/api/v1/venues?bbox=120,30,120.1,30.1"):
            resp = client.get(path)
            assert resp.status_code == 503, resp.json
            assert resp.json["error"]["code"] == "query_timeout"
            assert resp.json["error"]["details"] == {"timeout_ms": 50}
            assert client.get("/healthz").status_code == 200
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_any_other_database_failure_is_a_500_envelope() -> None:
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    resp = app.test_client().get("/api/v1/venues?lat=30.09&lon=120.05&k=3")
    assert resp.status_code == 500
    assert resp.json["error"]["code"] == "internal_error"

"""GET /healthz: 200 only when the database answers."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from geo_service.db import get_session

bp = APIBlueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Ask the database for `SELECT 1`; 503 when it does not answer."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        error = {"code": "database_unavailable", "message": "The database does not answer."}
        return {"error": {**error, "details": {}}}, 503
    return {"status": "ok", "database": "ok"}

"""One error envelope for the whole API, registered once in create_app.

Every status ≥ 400 under /api/ answers
`{"error": {"code": "snake_case", "message": "…", "details": {…}}}`.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, render_template_string, request
from psycopg.errors import QueryCanceled
from sqlalchemy.exc import DataError, OperationalError

from importers.errors import RejectedFile

# Codes for statuses that Werkzeug or APIFlask raise on their own.
_DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    500: "internal_error",
}

_HTML_ERROR = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ status }}</title><body><h1>{{ status }}</h1><p>{{ message }}</p>
<p><a href="/">Yinhu Trails &amp; Places</a></p></body></html>"""


class ApiError(HTTPError):
    """An error with a machine code; raise it anywhere below a view."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(status, message, detail=details or {}, extra_data={"code": code})


def bad_parameter(name: str, message: str, **details: Any) -> ApiError:
    """A 400 that names the request parameter at fault."""
    return ApiError(400, "invalid_parameter", message, {"parameter": name, **details})


def not_found(what: str, ident: object) -> ApiError:
    """A 404 for an unknown id."""
    return ApiError(404, "not_found", f"No {what} with id {ident}.", {"id": ident})


def in_use(what: str, events: int) -> ApiError:
    """A 409 for deleting a venue or route that events still use."""
    return ApiError(
        409, "in_use", f"The {what} has {events} event(s); move or delete them first.",
        {"events": events},
    )


def _validation_message(detail: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Turn APIFlask's {location: {field: [msg]}} into a sentence naming the field."""
    for location, fields in detail.items():
        if isinstance(fields, dict) and fields:
            name, msgs = next(iter(fields.items()))
            text = msgs[0] if isinstance(msgs, list) and msgs else str(msgs)
            if isinstance(text, dict):  # nested (e.g. list items): flatten once
                text = str(text)
            return (
                f"Invalid parameter '{name}': {text}",
                {"parameter": name, "location": location, "fields": fields},
            )
    return "The request is not valid.", {"fields": detail}


def _envelope(error: HTTPError) -> tuple[str, str, dict[str, Any]]:
    """Code, message and details of any HTTPError."""
    code = error.extra_data.get("code") if error.extra_data else None
    detail = error.detail if isinstance(error.detail, dict) else {}
    message = error.message or ""
    if code is None and error.status_code == 400 and detail:
        # APIFlask's request validation (VALIDATION_ERROR_STATUS_CODE = 400).
        message, detail = _validation_message(detail)
        code = "invalid_parameter"
    if code is None:
        code = _DEFAULT_CODES.get(error.status_code, "error")
    if error.status_code == 413:
        message = "The upload is larger than the configured limit."
    return code, message, detail


def register(app: APIFlask) -> None:
    """Install the envelope for API paths and plain HTML for pages."""
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 400

    @app.error_processor
    def envelope(error: HTTPError) -> Any:
        """Render any HTTP error: JSON under /api/, a short page elsewhere."""
        code, message, details = _envelope(error)
        if not request.path.startswith("/api/"):
            html = render_template_string(_HTML_ERROR, status=error.status_code, message=message)
            return Response(html, error.status_code, mimetype="text/html")
        body = {"error": {"code": code, "message": message, "details": details}}
        return body, error.status_code, error.headers

    @app.errorhandler(DataError)
    def data_error(exc: DataError) -> Any:
        """A value PostgreSQL refused (out of range, bad encoding): the client's fault."""
        return envelope(ApiError(400, "invalid_value", "A value in the request is not valid."))

    def timed_out() -> Any:
        app.logger.warning("statement timeout on %s %s", request.method, request.full_path)
        return envelope(ApiError(
            503, "query_timeout",
            "The database took too long to answer; narrow the search (a smaller radius,"
            " fewer or other filters).",
            {"timeout_ms": app.config["STATEMENT_TIMEOUT_MS"]},
        ))

    @app.errorhandler(QueryCanceled)
    def query_canceled(exc: QueryCanceled) -> Any:
        """A statement past STATEMENT_TIMEOUT_MS, run through psycopg directly."""
        return timed_out()

    @app.errorhandler(OperationalError)
    def operational_error(exc: OperationalError) -> Any:
        """The same through SQLAlchemy; any other database failure goes on as a 500."""
        if isinstance(exc.orig, QueryCanceled):
            return timed_out()
        raise exc

    @app.errorhandler(RejectedFile)
    def rejected_file(exc: RejectedFile) -> Any:
        """A file the importers refused: its own status, code and reason."""
        return envelope(ApiError(exc.status, exc.code, exc.message, dict(exc.details)))

"""How responses travel to a phone: compressed, and static files cached by the browser.

Our users are mostly on phones, often on slow mobile networks, and the service runs
under gunicorn with no proxy in front to do this. Flask-Compress compresses every
text response (pages, API JSON and GeoJSON, GPX, iCalendar, scripts, stylesheets)
for clients that ask (`Accept-Encoding`; browsers offer gzip on plain HTTP, brotli
and zstd over HTTPS). Leaflet, Bootstrap and Font Awesome alone are ~600 KB as
files and ~170 KB gzipped.

Static files are linked with their content hash (`assets.href`: `…/leaflet.js?v=…`),
so a browser may keep them for a year without asking again: a changed file gets a new
link. Files a stylesheet links by relative path (fonts, marker images) cannot carry
the hash and are kept for a day, then revalidated (ETag, usually a 304).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, cast

from flask import Flask, Response, request, send_from_directory
from flask_compress import Compress

from geo_service.assets import STATIC_DIR, file_version

YEAR: Final = 365 * 24 * 3600
DAY: Final = 24 * 3600

COMPRESSED_TYPES: Final = [
    "text/html", "text/css", "text/plain", "text/xml", "text/calendar",
    "text/javascript", "application/javascript", "application/json",
    "application/geo+json", "application/gpx+xml", "application/xml", "image/svg+xml",
]


class _StaticCache:
    """Flask-Compress's cache, holding compressed static files only.

    The extension caches by request key whatever the response: API answers must never
    be served from it, so their key is empty and ignored here. A static file's key
    carries its content hash, so an edited file is compressed afresh.
    """

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        """The compressed bytes under `key` ("<algorithm>;<file>@<hash>")."""
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        """Keep static files only (their set is bounded by the static folder)."""
        if not key.endswith(";"):
            self._data[key] = value


def _cache_key(req: object) -> str:
    """A static file's name and content hash; empty (not cached) for anything else."""
    if request.endpoint != "static" or not request.view_args:
        return ""
    filename = str(request.view_args.get("filename", ""))
    return f"{filename}@{file_version(filename)}"


def _static(filename: str) -> Response:
    """A file of the static folder; a year's caching when linked with its hash."""
    version = file_version(filename)
    immutable = version is not None and request.args.get("v") == version
    response = send_from_directory(STATIC_DIR, filename, max_age=YEAR if immutable else DAY)
    if immutable:
        response.cache_control.immutable = True
    # Whole bytes instead of a file stream: Flask-Compress compresses streams only as
    # brotli, zstd or deflate, and browsers offer gzip alone over plain HTTP.
    if response.status_code == 200:
        stream = response.response
        try:
            body = b"".join(cast("Iterable[bytes]", stream))  # a file wrapper
        finally:
            getattr(stream, "close", lambda: None)()
        response.direct_passthrough = False
        response.set_data(body)
    return response


# Answers a client may ask again with If-None-Match (API JSON, GPX, iCalendar). Pages
# are left out: folium gives every render new element ids, so their hash never repeats.
REVALIDATED_TYPES: Final = frozenset({
    "application/json", "application/geo+json", "application/gpx+xml", "text/calendar",
})


def _revalidate(response: Response) -> Response:
    """An ETag (hash of the body) on a read, and 304 when the client has that body.

    A phone opening the same route again gets a few hundred bytes instead of the whole
    line (3 MB of GeoJSON at 100,000 points). `no-cache`: keep it, but ask first.
    """
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and request.endpoint != "static" and response.mimetype in REVALIDATED_TYPES
            and not response.direct_passthrough and "ETag" not in response.headers):
        response.add_etag()
        response.headers["Cache-Control"] = "no-cache"
        # Only a request that names an ETag can be answered 304 (this hook runs on
        # every k-nearest search: werkzeug's full check costs ~50 µs).
        if "If-None-Match" in request.headers:
            response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Compress responses, answer repeated reads with 304, cache static files long."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_CACHE_BACKEND", _StaticCache)
    app.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
    # Nothing here streams but a partial static file (a Range request), whose
    # Content-Range counts uncompressed bytes: it must go out as it is.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    # Registered after Compress, so it runs before it: the ETag hashes the plain body
    # (Flask-Compress then marks it per encoding, "…:gzip", and answers 304 itself).
    app.after_request(_revalidate)
    app.view_functions["static"] = _static

"""Settings from the environment, with the defaults a newcomer's machine needs."""

from __future__ import annotations

import os
from typing import Any

# The project's own cluster (scripts/localdb); used when DATABASE_URL is not set.
LOCAL_PORT = os.environ.get("YINHU_PG_PORT", "54329")
LOCAL_DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:{LOCAL_PORT}/yinhu"


def database_url() -> str:
    """The SQLAlchemy URL of the database: DATABASE_URL or the local cluster."""
    url = os.environ.get("DATABASE_URL") or LOCAL_DATABASE_URL
    # Accept the libpq spellings too; we always talk to PostgreSQL through psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_env() -> dict[str, Any]:
    """The app configuration, read from the environment once at start-up."""
    max_mb = float(os.environ.get("MAX_UPLOAD_MB", "25"))
    return {
        "DATABASE_URL": database_url(),
        # An upload over this answers 413 (create_app derives MAX_CONTENT_LENGTH).
        "MAX_UPLOAD_BYTES": int(max_mb * 1024 * 1024),
        "MAX_RADIUS_M": float(os.environ.get("MAX_RADIUS_M", "50000")),
        # A web request's statement running longer is cancelled (503 query_timeout).
        "STATEMENT_TIMEOUT_MS": int(os.environ.get("STATEMENT_TIMEOUT_MS", "30000")),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-not-secret"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Tianditu tiles need a key (console.tianditu.gov.cn); without one they are not offered.
        "TIANDITU_KEY": os.environ.get("TIANDITU_KEY", ""),
    }


def default_workers() -> int:
    """gunicorn sync workers: 2 per core + 1, gunicorn's own rule of thumb, since a
    worker waiting on PostgreSQL leaves its core to another."""
    return 2 * (os.cpu_count() or 1) + 1

"""Yinhu Trails & Places: the Flask service. Nothing runs at import time."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from sqlalchemy import Connection, Engine

from geo_service import assets, config, db, delivery, errors, i18n
from geo_service.converters import IdConverter


def create_app(
    test_config: dict[str, Any] | None = None, bind: Engine | Connection | None = None
) -> APIFlask:
    """Build the app: settings, database, blueprints, error envelope."""
    app = APIFlask(
        __name__,
        title="Yinhu Trails & Places",
        version="1.0",
        spec_path="/api/v1/openapi.json",
        docs_path="/api/v1/docs",
    )
    app.config.update(config.from_env())
    if test_config:
        app.config.update(test_config)
    # Multipart framing adds a little to the file itself; the file's own size is
    # checked against MAX_UPLOAD_BYTES so the message can state the limit, and
    # Werkzeug refuses (413) bodies far beyond it without reading them.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 1024 * 1024
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["id"] = IdConverter
    db.init_app(app, bind)
    errors.register(app)
    assets.init_app(app)
    delivery.init_app(app)
    i18n.init_app(app)

    from geo_service import feeds, health, pages
    from geo_service.api import bp as api_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(pages.bp)
    return app

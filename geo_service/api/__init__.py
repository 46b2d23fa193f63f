"""JSON API v1: one module per resource, registered on one blueprint."""

from __future__ import annotations

from apiflask import APIBlueprint

bp = APIBlueprint("api", __name__, url_prefix="/api/v1")

# Views register themselves on `bp` when imported.
from geo_service.api import events, routes, stats, venues  # noqa: E402,F401

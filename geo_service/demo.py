"""Load the sample Yinhu data in data/ (idempotent: a second run adds nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geo_service.friendliness import SurfaceSegment
from geo_service.queries.route_writes import replace_surface_segments, set_manual_friendliness
from geo_service.surfaces import segment_problems
from importers.errors import DuplicateFileError
from importers.load import import_gpx


def load_routes(session: Session, data_dir: Path) -> Iterator[str]:
    """Import data/routes.json's GPX files with their surfaces and manual levels."""
    entries: list[dict[str, Any]] = json.loads((data_dir / "routes.json").read_text("utf-8"))
    for entry in entries:
        path = data_dir / entry["file"]
        try:
            imported = import_gpx(
                session,
                path.read_bytes(),
                filename=path.name,
                name=entry.get("name"),
                description=entry.get("description"),
            )
        except DuplicateFileError:
            session.rollback()
            yield f"route {path.name}: already loaded"
            continue
        segments = [SurfaceSegment(**s) for s in entry.get("surface_segments", [])]
        problems = segment_problems(segments, imported.length_m)
        if problems:  # sample data must be right; say so loudly rather than store it
            raise ValueError(f"{path.name}: {problems[0]}")
        replace_surface_segments(session, imported.route_id, segments)
        set_manual_friendliness(session, imported.route_id, entry.get("friendliness", {}))
        session.commit()
        yield f"route {path.name}: {imported.name} ({imported.length_m / 1000:.1f} km)"


def load_sample_data(session: Session, data_dir: Path) -> Iterator[str]:
    """Everything in data/, in dependency order."""
    yield from load_routes(session, data_dir)

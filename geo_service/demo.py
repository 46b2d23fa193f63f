"""Load the sample Yinhu data in data/ (idempotent: a second run adds nothing)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geo_service.agenda import last_ends_at
from geo_service.events_core import parse_when, validate_rrule
from geo_service.friendliness import SurfaceSegment
from geo_service.queries.events import (
    create_event,
    event_keys,
    route_id_by_filename,
    venue_id_by_external,
)
from geo_service.queries.route_writes import replace_surface_segments, set_manual_friendliness
from geo_service.queries.venue_writes import find_organization, upsert_organizations
from geo_service.surfaces import segment_problems
from importers.errors import DuplicateFileError
from importers.load import import_gpx
from importers.load_venues import store_venues
from importers.venues import parse_venues

ORG_COLUMNS = ("key", "name", "kind", "description", "contact")


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


def load_organizations(session: Session, data_dir: Path) -> Iterator[str]:
    """Upsert data/organizations.csv (key, name, kind, description, contact)."""
    with (data_dir / "organizations.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [
            {k: (v.strip() or None) for k, v in row.items() if k in ORG_COLUMNS}
            for row in csv.DictReader(f)
        ]
    report = upsert_organizations(session, rows)
    session.commit()
    yield f"organizations: {report.created} created, {report.updated} updated"


def load_venues(session: Session, data_dir: Path) -> Iterator[str]:
    """Upsert data/venues.csv on external_id."""
    path = data_dir / "venues.csv"
    report = store_venues(session, parse_venues(path.read_bytes(), path.name))
    if report.rejected:  # sample data must be right
        raise ValueError(f"venues.csv row {report.rejected[0].row}: {report.rejected[0].reason}")
    session.commit()
    yield f"venues: {report.created} created, {report.updated} updated"


def _event_values(session: Session, entry: dict[str, Any]) -> dict[str, Any]:
    """Columns of one data/events.json entry, references resolved."""
    starts, ends = parse_when(entry["starts_at"]), parse_when(entry["ends_at"])
    rule = validate_rrule(entry["rrule"], starts) if entry.get("rrule") else None
    mp = entry.get("meeting_point")
    return {
        "key": entry["key"], "title": entry["title"], "description": entry.get("description"),
        "starts_at": starts, "ends_at": ends, "rrule": rule,
        "last_ends_at": last_ends_at(starts, ends, rule),
        "organizer_id": find_organization(session, entry["organizer"])
        if entry.get("organizer") else None,
        "capacity": entry.get("capacity"), "signup_url": entry.get("signup_url"),
        "tags": entry.get("tags", []), "status": entry.get("status", "scheduled"),
        "venue_id": venue_id_by_external(session, entry["venue"]) if entry.get("venue") else None,
        "route_id": route_id_by_filename(session, Path(entry["route"]).name)
        if entry.get("route") else None,
        "meeting_point": (mp["lon"], mp["lat"]) if mp else None,
        "meeting_point_name": mp.get("name") if mp else None,
    }


def load_events(session: Session, data_dir: Path) -> Iterator[str]:
    """Insert data/events.json entries not loaded yet (by key)."""
    entries: list[dict[str, Any]] = json.loads((data_dir / "events.json").read_text("utf-8"))
    known = event_keys(session)
    added = 0
    for entry in entries:
        if entry["key"] in known:
            continue
        create_event(session, _event_values(session, entry))
        added += 1
    session.commit()
    yield f"events: {added} created, {len(entries) - added} already loaded"


def load_sample_data(session: Session, data_dir: Path) -> Iterator[str]:
    """Everything in data/, in dependency order."""
    yield from load_routes(session, data_dir)
    yield from load_organizations(session, data_dir)
    yield from load_venues(session, data_dir)
    yield from load_events(session, data_dir)

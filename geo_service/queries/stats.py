"""Figures for the community office's dashboard (GET /api/v1/stats)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo_service.models import Event, Organization, Route, SurfaceSegment, Venue


def counts(session: Session) -> dict[str, Any]:
    """How many routes, venues, events and organizations; kilometres of routes."""
    km = session.execute(select(func.coalesce(func.sum(Route.length_m), 0.0))).scalar_one()
    return {
        "routes": session.execute(select(func.count()).select_from(Route)).scalar_one(),
        "venues": session.execute(select(func.count()).select_from(Venue)).scalar_one(),
        "events": session.execute(select(func.count()).select_from(Event)).scalar_one(),
        "organizations": session.execute(
            select(func.count()).select_from(Organization)
        ).scalar_one(),
        "route_km": round(km / 1000.0, 1),
    }


def venues_by_type(session: Session) -> dict[str, int]:
    """Venue count per type."""
    rows = session.execute(select(Venue.type, func.count()).group_by(Venue.type)).all()
    return {t: n for t, n in sorted(rows)}


def routes_by_difficulty(session: Session) -> dict[str, int]:
    """Route count per difficulty."""
    rows = session.execute(select(Route.difficulty, func.count()).group_by(Route.difficulty))
    return {d: n for d, n in sorted(rows.all())}


def surface_mix(session: Session) -> list[dict[str, Any]]:
    """Metres of described route per surface, largest first, with its share."""
    length = func.sum(SurfaceSegment.end_m - SurfaceSegment.start_m)
    rows = session.execute(
        select(SurfaceSegment.surface, length.label("m"))
        .group_by(SurfaceSegment.surface).order_by(length.desc())
    ).all()
    total = sum(r.m for r in rows) or 1.0
    return [{"surface": r.surface, "length_m": round(r.m, 1), "share": round(r.m / total, 3)}
            for r in rows]


def venue_names(session: Session, ids: list[int]) -> dict[int, str]:
    """Names of the given venues."""
    rows = session.execute(select(Venue.id, Venue.name).where(Venue.id.in_(ids))).all()
    return {i: n for i, n in rows}

"""Writes to a route's surface segments and friendliness, keeping inference fresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from geo_service.friendliness import (
    MANUAL_REASON,
    RouteFacts,
    SurfaceSegment,
    infer_friendliness,
)
from geo_service.models import Route, RouteFriendliness
from geo_service.models import SurfaceSegment as SurfaceRow


def surface_segments(session: Session, route_id: int) -> list[SurfaceSegment]:
    """The route's surface segments ordered along it."""
    rows = session.execute(
        select(SurfaceRow.start_m, SurfaceRow.end_m, SurfaceRow.surface, SurfaceRow.condition)
        .where(SurfaceRow.route_id == route_id)
        .order_by(SurfaceRow.start_m)
    )
    return [SurfaceSegment(r.start_m, r.end_m, r.surface, r.condition) for r in rows]


def refresh_inferred_friendliness(session: Session, route_id: int) -> None:
    """Recompute every audience's inferred level; manual levels stay as they are."""
    facts_row = session.execute(
        select(
            Route.length_m, Route.ascent_m, Route.max_grade_pct, Route.max_grade_at_m,
            Route.difficulty,
        ).where(Route.id == route_id)
    ).one()
    facts = RouteFacts(
        length_m=facts_row.length_m,
        ascent_m=facts_row.ascent_m,
        max_grade_pct=facts_row.max_grade_pct,
        max_grade_at_m=facts_row.max_grade_at_m,
        difficulty=facts_row.difficulty,
    )
    inferred = infer_friendliness(facts, surface_segments(session, route_id))
    rows = [
        {"route_id": route_id, "audience": a, "inferred_level": f.level,
         "inferred_reasons": [finding.to_json() for finding in f.findings]}
        for a, f in inferred.items()
    ]
    stmt = pg_insert(RouteFriendliness).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["route_id", "audience"],
        set_={
            "inferred_level": stmt.excluded.inferred_level,
            "inferred_reasons": stmt.excluded.inferred_reasons,
        },
    )
    session.execute(stmt)


def replace_surface_segments(
    session: Session, route_id: int, segments: Sequence[SurfaceSegment]
) -> None:
    """Replace the route's surface list (already validated) and re-infer friendliness."""
    session.execute(delete(SurfaceRow).where(SurfaceRow.route_id == route_id))
    if segments:
        session.add_all(
            SurfaceRow(
                route_id=route_id, start_m=s.start_m, end_m=s.end_m,
                surface=s.surface, condition=s.condition,
            )
            for s in segments
        )
    session.flush()
    refresh_inferred_friendliness(session, route_id)


def set_manual_friendliness(
    session: Session, route_id: int, levels: Mapping[str, str | None]
) -> None:
    """Set (or with None clear) manual levels for the given audiences."""
    for audience, level in levels.items():
        row = session.get(RouteFriendliness, (route_id, audience))
        if row is None:  # inference always writes every audience; be safe anyway
            continue
        row.manual_level = level
        row.manual_reason = MANUAL_REASON if level is not None else None
    session.flush()

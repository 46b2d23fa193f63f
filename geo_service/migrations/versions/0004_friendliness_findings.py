"""Friendliness reasons as findings (JSONB) that pages word in their own language.

`route_friendliness.inferred_reason` (an English sentence) becomes
`inferred_reasons`, a list of `{"code", "params"}` findings. Existing rows are
re-inferred from the routes' stored facts and surfaces with the current rules, the
way a surface edit refreshes them; manual levels and reasons are left alone. The
downgrade writes the English sentences back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from geo_service.friendliness import (
    Finding,
    RouteFacts,
    SurfaceSegment,
    describe,
    infer_friendliness,
)

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FACTS = sa.text(
    "SELECT id, length_m, ascent_m, max_grade_pct, max_grade_at_m, difficulty FROM routes"
)
_SEGMENTS = sa.text(
    "SELECT route_id, start_m, end_m, surface, condition FROM surface_segments"
    " ORDER BY route_id, start_m"
)
_UPSERT = sa.text(
    "INSERT INTO route_friendliness (route_id, audience, inferred_level, inferred_reasons)"
    " VALUES (:route_id, :audience, :level, CAST(:reasons AS jsonb))"
    " ON CONFLICT (route_id, audience) DO UPDATE"
    " SET inferred_level = EXCLUDED.inferred_level,"
    " inferred_reasons = EXCLUDED.inferred_reasons"
)


def _reinfer(bind: sa.Connection) -> None:
    """Infer every route's levels and findings again (one read of facts and surfaces)."""
    segments: dict[int, list[SurfaceSegment]] = {}
    for row in bind.execute(_SEGMENTS):
        segments.setdefault(row.route_id, []).append(
            SurfaceSegment(row.start_m, row.end_m, row.surface, row.condition)
        )
    rows: list[dict[str, Any]] = []
    for r in bind.execute(_FACTS):
        facts = RouteFacts(r.length_m, r.ascent_m, r.max_grade_pct, r.max_grade_at_m,
                           r.difficulty)
        for audience, f in infer_friendliness(facts, segments.get(r.id, [])).items():
            rows.append({
                "route_id": r.id, "audience": audience, "level": f.level,
                "reasons": json.dumps([finding.to_json() for finding in f.findings]),
            })
    if rows:
        bind.execute(_UPSERT, rows)


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('route_friendliness', sa.Column(
        'inferred_reasons', postgresql.JSONB(astext_type=sa.Text()),
        server_default='[]', nullable=False,
    ))
    _reinfer(op.get_bind())
    op.drop_column('route_friendliness', 'inferred_reason')


def downgrade() -> None:
    """Revert this revision."""
    op.add_column('route_friendliness', sa.Column('inferred_reason', sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT route_id, audience, inferred_reasons FROM route_friendliness"
    )).all()
    updates = [
        {"route_id": r.route_id, "audience": r.audience,
         "reason": describe(Finding.from_json(f) for f in r.inferred_reasons)}
        for r in rows
    ]
    if updates:
        bind.execute(sa.text(
            "UPDATE route_friendliness SET inferred_reason = :reason"
            " WHERE route_id = :route_id AND audience = :audience"
        ), updates)
    op.drop_column('route_friendliness', 'inferred_reasons')

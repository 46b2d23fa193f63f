"""Venue and organization writes: single edits from the API, upserts from imports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from geo_service.models import Organization, Venue

# In RETURNING of INSERT … ON CONFLICT: xmax is 0 for a row just inserted and set
# for one that was updated.
INSERTED = literal_column("(xmax = 0)", Boolean)


@dataclass(frozen=True)
class UpsertReport:
    """How many rows an import created and updated."""

    created: int
    updated: int


def point(lon: float, lat: float) -> Any:
    """SQL for a WGS-84 point."""
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def organization_ids(session: Session) -> dict[str, int]:
    """Organization key → id."""
    rows = session.execute(select(Organization.key, Organization.id)).all()
    return {key: org_id for key, org_id in rows}


def find_organization(session: Session, ref: str) -> int | None:
    """The id of an organization given by id (digits) or key."""
    cond = Organization.id == int(ref) if ref.isdigit() else Organization.key == ref
    if ref.isdigit() and int(ref) > 2**31 - 1:
        return None
    return session.execute(select(Organization.id).where(cond)).scalar_one_or_none()


def upsert_organizations(session: Session, rows: Iterable[Mapping[str, Any]]) -> UpsertReport:
    """Insert or update organizations by key."""
    created = updated = 0
    for row in rows:
        stmt = pg_insert(Organization).values(**row)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={k: stmt.excluded[k] for k in row if k != "key"}
        )
        inserted = session.execute(stmt.returning(INSERTED)).scalar_one()
        created, updated = (created + 1, updated) if inserted else (created, updated + 1)
    return UpsertReport(created, updated)


def upsert_venues(session: Session, rows: Iterable[Mapping[str, Any]]) -> UpsertReport:
    """Insert venues; those with a known external_id are updated in place.

    Each row holds Venue columns plus `lon`/`lat`.
    """
    created = updated = 0
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("lon", "lat")}
        values["geom"] = point(row["lon"], row["lat"])
        stmt = pg_insert(Venue).values(**values)
        if values.get("external_id"):
            changed = {k: stmt.excluded[k] for k in values if k not in ("external_id", "owner_id")}
            stmt = stmt.on_conflict_do_update(
                index_elements=["external_id"], set_=changed | {"updated_at": func.now()}
            )
        inserted = session.execute(stmt.returning(INSERTED)).scalar_one()
        created, updated = (created + 1, updated) if inserted else (created, updated + 1)
    return UpsertReport(created, updated)


def create_venue(session: Session, values: Mapping[str, Any]) -> int:
    """Insert one venue (validated values plus lon/lat); return its id."""
    cols = {k: v for k, v in values.items() if k not in ("lon", "lat")}
    stmt = pg_insert(Venue).values(**cols, geom=point(values["lon"], values["lat"]))
    return int(session.execute(stmt.returning(Venue.id)).scalar_one())


def update_venue(session: Session, venue_id: int, values: Mapping[str, Any]) -> None:
    """Change the given fields (lon/lat move the point)."""
    cols: dict[str, Any] = {k: v for k, v in values.items() if k not in ("lon", "lat")}
    if "lon" in values:
        cols["geom"] = point(values["lon"], values["lat"])
    if cols:
        session.execute(
            update(Venue).where(Venue.id == venue_id).values(**cols, updated_at=func.now())
        )


def delete_venue(session: Session, venue_id: int) -> None:
    """Delete one venue."""
    session.execute(delete(Venue).where(Venue.id == venue_id))


def venue_owner(session: Session, venue_id: int) -> tuple[bool, int | None]:
    """(exists, owner id) of a venue."""
    row = session.execute(select(Venue.owner_id).where(Venue.id == venue_id)).one_or_none()
    return (False, None) if row is None else (True, row.owner_id)

"""Write parsed venue records: upsert on external_id, report what happened.

Rows whose organization key is unknown are rejected like any other bad row; the
good rows are written in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from geo_service.queries.venue_writes import organization_ids, upsert_venues
from importers.venue_records import Rejection, VenueFile, VenueRecord


@dataclass
class VenueImportReport:
    """The answer of an import: counts and each rejected row with its reason."""

    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of API.md."""
        return {
            "created": self.created,
            "updated": self.updated,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
        }


def _row(record: VenueRecord, org_id: int | None, owner_id: int | None) -> dict[str, Any]:
    """Venue columns for one record."""
    return {
        "external_id": record.external_id,
        "name": record.name,
        "type": record.type,
        "address": record.address,
        "capacity": record.capacity,
        "indoor": record.indoor,
        "amenities": list(record.amenities),
        "opening_hours": record.opening_hours,
        "contact": record.contact,
        "organization_id": org_id,
        "owner_id": owner_id,
        "lon": record.lon,
        "lat": record.lat,
    }


def store_venues(
    session: Session, parsed: VenueFile, owner_id: int | None = None
) -> VenueImportReport:
    """Upsert the good records; unknown organizations become rejections."""
    orgs = organization_ids(session)
    report = VenueImportReport(rejected=list(parsed.rejected))
    rows = []
    for rec in parsed.records:
        org_id = None
        if rec.organization:
            org_id = orgs.get(rec.organization)
            if org_id is None:
                report.rejected.append(
                    Rejection(rec.row, f"unknown organization '{rec.organization}'")
                )
                continue
        rows.append(_row(rec, org_id, owner_id))
    counts = upsert_venues(session, rows)
    report.created, report.updated = counts.created, counts.updated
    report.rejected.sort(key=lambda r: r.row)
    return report

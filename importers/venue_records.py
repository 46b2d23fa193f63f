"""Plain records of venue imports: the rows that are good and why others are not."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VenueRecord:
    """One venue as read from a file; coordinates WGS-84 degrees.

    `organization` is an organization key (e.g. "yinhu-community") or None.
    `row` is the 1-based data row (CSV: header excluded) or feature index + 1.
    """

    row: int
    name: str
    lon: float
    lat: float
    type: str
    external_id: str | None = None
    address: str | None = None
    capacity: int | None = None
    indoor: bool | None = None
    amenities: tuple[str, ...] = ()
    opening_hours: str | None = None
    contact: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported, and why (a human sentence)."""

    row: int
    reason: str


@dataclass
class VenueFile:
    """What a venue file holds: good records and rejected rows."""

    records: list[VenueRecord] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

"""Plain records that importers produce and the loader stores.

Coordinates are WGS-84 degrees (EPSG:4326), elevations metres, times POSIX seconds
(UTC). Nothing here knows about Flask or the database.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class TrackPoints:
    """All points of a track (or route) as parallel arrays, segments concatenated.

    `segment_starts` holds the index of the first point of every segment (always
    starting with 0); the gap between two segments is neither distance nor climb.
    `ele` and `time` hold NaN where the file does not say.
    """

    lon: FloatArray
    lat: FloatArray
    ele: FloatArray
    time: FloatArray
    segment_starts: IntArray

    def __len__(self) -> int:
        """Number of points."""
        return int(self.lon.shape[0])

    def segments(self) -> list[slice]:
        """Slices of the arrays, one per segment."""
        bounds = [*self.segment_starts.tolist(), len(self)]
        return [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]


@dataclass(frozen=True)
class Waypoint:
    """A named point from a GPX `<wpt>`: water, toilet, viewpoint, parking…"""

    lon: float
    lat: float
    name: str | None = None
    description: str | None = None
    kind: str | None = None  # GPX <sym> or <type>
    ele: float | None = None
    time: float | None = None


@dataclass(frozen=True)
class ParsedGpx:
    """What a GPX file says, with the points as arrays."""

    version: str  # "1.0" or "1.1"
    creator: str | None
    name: str | None
    description: str | None
    points: TrackPoints
    waypoints: list[Waypoint] = field(default_factory=list)
    source: str = "track"  # "track" (<trk>) or "route" (<rte>)


@dataclass(frozen=True)
class RouteMeasures:
    """What is derived from a track: see docs/measures.md for every formula.

    `max_grade_pct` is the steepest sustained grade (over `GRADE_WINDOW_M`, up or
    down) and `max_grade_at_m` where along the route it starts. `profile` holds at
    most ~1000 `(distance_m, ele_m)` samples. `ele_filled` is the elevation per point
    with gaps interpolated inside each segment, or None when the file has no usable
    elevation (none at all, or all zero).
    """

    length_m: float
    ascent_m: float | None
    descent_m: float | None
    min_ele_m: float | None
    max_ele_m: float | None
    duration_s: float
    effort_km: float
    difficulty: str  # easy | moderate | hard
    is_loop: bool
    max_grade_pct: float | None
    max_grade_at_m: float | None
    profile: list[tuple[float, float]]
    ele_filled: FloatArray | None

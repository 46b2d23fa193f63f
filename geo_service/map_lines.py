"""A route's line cut into surface stretches and simplified for drawing.

Input is GeoJSON as the API serves it (WGS-84 `[lon, lat(, ele)]`, LineString or
MultiLineString) and the route's surface segments (`start_m`/`end_m` in metres along
the route). Distances along the route are geodesic on WGS-84 and, as in
`importers/measure.py`, the jump between two parts of a MultiLineString counts nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer

FloatArray = npt.NDArray[np.float64]

GEOD: Final = Geod(ellps="WGS84")

# Drawn points are what makes a route page heavy (~25 bytes each as folium writes
# them); 2,500 keeps a 100k-point track's page well under 150 KB.
MAX_DRAWN_POINTS: Final = 2500
# Below this nothing is simplified: the page is light anyway and every bend stays.
SMALL_TRACK_POINTS: Final = 500
# Surface changes closer than this to another cut or to a line's end are ignored.
MIN_STRETCH_M: Final = 0.5
# Six decimals of a degree are ~0.1 m, far below GPS noise.
COORD_DECIMALS: Final = 6


@dataclass(frozen=True)
class Stretch:
    """A piece of the route drawn in one style: coords (n, 2) as lon, lat degrees."""

    coords: FloatArray
    surface: str | None
    condition: str | None
    start_m: float
    end_m: float


def line_parts(geometry: Mapping[str, Any]) -> list[FloatArray]:
    """The parts of a GeoJSON LineString/MultiLineString as (n, 2) lon/lat arrays.

    Elevations are dropped; parts of fewer than two points are no line and left out.
    """
    kind = geometry.get("type")
    if kind == "LineString":
        raw_parts = [geometry["coordinates"]]
    elif kind == "MultiLineString":
        raw_parts = list(geometry["coordinates"])
    else:
        raise ValueError(f"a route is a LineString or MultiLineString, not {kind!r}")
    parts = []
    for raw in raw_parts:
        if len(raw) >= 2:
            parts.append(np.asarray(raw, dtype=np.float64)[:, :2])
    return parts


def geometry_from_wkb(wkb: bytes) -> dict[str, Any]:
    """A route's (Multi)LineString WKB as GeoJSON-shaped parts of (n, 2) arrays.

    What pages draw from: a 100,000-point track read as GeoJSON text took 0.4 s to
    parse; as WKB it is read in milliseconds.
    """
    line = shapely.from_wkb(wkb)
    return {
        "type": "MultiLineString",
        "coordinates": [shapely.get_coordinates(part) for part in shapely.get_parts(line)],
    }


def cumulative_m(coords: FloatArray) -> FloatArray:
    """Geodesic distance from the first point to each point, metres (WGS-84)."""
    _, _, steps = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    return np.concatenate(([0.0], np.cumsum(steps)))


def _style_at(segments: Sequence[Mapping[str, Any]], at_m: float) -> tuple[str | None, str | None]:
    """(surface, condition) of the segment covering `at_m`, or (None, None)."""
    for seg in segments:
        if float(seg["start_m"]) <= at_m < float(seg["end_m"]):
            return seg.get("surface"), seg.get("condition")
    return None, None


def _slice(coords: FloatArray, dist: FloatArray, a: float, b: float) -> FloatArray:
    """The line between distances a and b, with points interpolated at both ends."""
    inner = coords[np.searchsorted(dist, a, "right") : np.searchsorted(dist, b, "left")]
    ends = np.column_stack(
        (np.interp([a, b], dist, coords[:, 0]), np.interp([a, b], dist, coords[:, 1]))
    )
    return np.vstack((ends[:1], inner, ends[1:]))


def split_by_surface(
    geometry: Mapping[str, Any], segments: Iterable[Mapping[str, Any]]
) -> list[Stretch]:
    """Cut the line wherever the surface changes; stretches no segment covers are None."""
    segs = sorted(segments, key=lambda s: float(s["start_m"]))
    cuts_all = sorted({float(s[key]) for s in segs for key in ("start_m", "end_m")})
    stretches: list[Stretch] = []
    offset = 0.0
    for coords in line_parts(geometry):
        dist = offset + cumulative_m(coords)
        first, last = float(dist[0]), float(dist[-1])
        bounds = [first]
        for cut in cuts_all:
            # Float noise and measures taken elsewhere differ by centimetres: a cut
            # that close to another would only draw a sliver.
            if bounds[-1] + MIN_STRETCH_M < cut < last - MIN_STRETCH_M:
                bounds.append(cut)
        bounds.append(last)
        # Neighbouring intervals in the same style are drawn as one line.
        runs: list[tuple[float, float, tuple[str | None, str | None]]] = []
        for a, b in pairwise(bounds):
            style = _style_at(segs, (a + b) / 2)
            if runs and runs[-1][2] == style:
                runs[-1] = (runs[-1][0], b, style)
            else:
                runs.append((a, b, style))
        for a, b, (surface, condition) in runs:
            stretches.append(Stretch(_slice(coords, dist, a, b), surface, condition, a, b))
        offset = last
    return stretches


def initial_tolerance_m(point_count: int) -> float:
    """Douglas-Peucker tolerance for a track of this many points: 0.5 m per 1,000."""
    return max(0.5, 0.5 * math.sqrt(point_count / 1000))


def _local_metric(coords: Iterable[FloatArray]) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers to an azimuthal equidistant CRS on the track."""
    stacked = np.vstack(list(coords))
    lon0, lat0 = np.mean(stacked, axis=0)
    local = f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    return (
        Transformer.from_crs("EPSG:4326", local, always_xy=True),
        Transformer.from_crs(local, "EPSG:4326", always_xy=True),
    )


def simplify(stretches: list[Stretch], max_points: int = MAX_DRAWN_POINTS) -> list[Stretch]:
    """Douglas-Peucker in metres, tolerance growing until at most `max_points` remain.

    Every stretch keeps its end points, so surface changes stay exactly where they are.
    Coordinates come back rounded to COORD_DECIMALS.
    """
    total = sum(len(s.coords) for s in stretches)
    if total <= SMALL_TRACK_POINTS:
        return [_rounded(s, s.coords) for s in stretches]
    forward, inverse = _local_metric(s.coords for s in stretches)
    lines = [
        shapely.linestrings(np.column_stack(forward.transform(s.coords[:, 0], s.coords[:, 1])))
        for s in stretches
    ]
    tolerance = initial_tolerance_m(total)
    while True:
        simple = shapely.simplify(lines, tolerance, preserve_topology=False)
        kept = int(shapely.get_num_coordinates(simple).sum())
        # A stretch keeps at least its two ends, so the budget may be unreachable.
        if kept <= max(max_points, 2 * len(stretches)):
            break
        tolerance *= 1.5
    out = []
    for stretch, line in zip(stretches, simple, strict=True):
        xy = shapely.get_coordinates(line)
        if len(xy) < 2:  # a stretch of coinciding points simplifies to nothing
            out.append(_rounded(stretch, stretch.coords[[0, -1]]))
            continue
        lon, lat = inverse.transform(xy[:, 0], xy[:, 1])
        out.append(_rounded(stretch, np.column_stack((lon, lat))))
    return out


def _rounded(stretch: Stretch, coords: FloatArray) -> Stretch:
    """The stretch with these coordinates, rounded for a compact page."""
    return Stretch(
        np.round(coords, COORD_DECIMALS),
        stretch.surface,
        stretch.condition,
        stretch.start_m,
        stretch.end_m,
    )

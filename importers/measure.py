"""Measure a track: geodesic length, smoothed climb, grade, walking time, difficulty.

Pure numpy + pyproj; no Flask, no database. Every formula and threshold is explained
in docs/measures.md. Distances are metres along the route counting only the inside
of segments (the jump between two segments is neither distance nor climb),
elevations are metres, grades percent, durations seconds.

Everything is vectorised over points; the only Python loop is the hysteresis count,
which runs over the turning points of the smoothed elevation grid (not over points).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

from importers.records import FloatArray, IntArray, RouteMeasures, TrackPoints

BoolArray = NDArray[np.bool_]

GEOD: Final = Geod(ellps="WGS84")

GRID_STEP_M: Final = 10.0  # elevation is resampled every 10 m of route distance
MAX_GRID_SAMPLES: Final = 2_000_000  # coarser grid for absurdly long tracks (memory bound)
SMOOTH_WINDOW_M: Final = 100.0  # centred moving average over ~100 m
HYSTERESIS_M: Final = 3.0  # a rise or fall counts once it exceeds 3 m from the last turn
GRADE_WINDOW_M: Final = 100.0  # steepest sustained grade is measured over 100 m

WALK_SPEED_KMH: Final = 4.0  # DIN 33466: 4 km/h on the flat
ASCENT_RATE_MH: Final = 300.0  # DIN 33466: 300 m/h uphill
DESCENT_RATE_MH: Final = 500.0  # DIN 33466: 500 m/h downhill

EFFORT_ASCENT_M_PER_KM: Final = 100.0  # 100 m of ascent count as 1 effort km
EFFORT_DESCENT_M_PER_KM: Final = 150.0  # 150 m of descent count as 1 effort km
MODERATE_FROM_EFFORT_KM: Final = 8.0
HARD_FROM_EFFORT_KM: Final = 16.0
MODERATE_ABOVE_GRADE_PCT: Final = 15.0
HARD_ABOVE_GRADE_PCT: Final = 30.0

LOOP_MIN_GAP_M: Final = 100.0
LOOP_MAX_GAP_M: Final = 500.0
LOOP_GAP_FRACTION: Final = 0.05

MAX_PROFILE_SAMPLES: Final = 1000

# Segments are kept apart on a "virtual" distance axis so that np.interp never blends
# the last point of one segment with the first point of the next.
_SEGMENT_SEPARATION_M: Final = 1.0


def measure(points: TrackPoints) -> RouteMeasures:
    """Derive every route measure from a track (metres, percent, seconds)."""
    n = len(points)
    if n == 0:
        raise ValueError("cannot measure a track without points")
    lon = np.asarray(points.lon, dtype=np.float64)
    lat = np.asarray(points.lat, dtype=np.float64)
    ele = np.asarray(points.ele, dtype=np.float64)

    starts, ends = _segment_bounds(points.segment_starts, n)
    seg_of_point = np.repeat(np.arange(starts.size), ends - starts)
    dist = _route_distance(lon, lat, starts)
    length_m = float(dist[-1])
    seg_offset = dist[starts]
    seg_length = dist[ends - 1] - seg_offset
    virtual = dist + seg_of_point * _SEGMENT_SEPARATION_M

    # A one-point segment is no line (the loader drops it from the geometry): its
    # point counts for nothing unless the whole track is made of such segments.
    line_seg = (ends - starts) >= 2
    used_seg = line_seg if line_seg.any() else np.ones_like(line_seg)
    first = int(starts[used_seg][0])
    last = int(ends[used_seg][-1]) - 1
    is_loop = _is_loop(lon[[first, last]], lat[[first, last]], length_m)

    known = np.isfinite(ele) & used_seg[seg_of_point]
    if not known.any() or not np.any(ele[known] != 0.0):
        return RouteMeasures(
            length_m=length_m,
            ascent_m=None,
            descent_m=None,
            min_ele_m=None,
            max_ele_m=None,
            duration_s=din33466_duration_s(length_m, None, None),
            effort_km=length_m / 1000.0,
            difficulty=classify_difficulty(length_m / 1000.0, None),
            is_loop=is_loop,
            max_grade_pct=None,
            max_grade_at_m=None,
            profile=[],
            ele_filled=None,
        )

    seg_has_ele = np.logical_or.reduceat(known, starts)
    ele_filled = _fill(ele, known, dist, virtual, seg_of_point, starts, seg_has_ele)
    despiked = ele.copy()
    despiked[known] = _median3(ele[known], seg_of_point[known])
    min_ele_m = float(despiked[known].min())
    max_ele_m = float(despiked[known].max())
    despiked_filled = _fill(despiked, known, dist, virtual, seg_of_point, starts, seg_has_ele)

    grid = _Grid(seg_offset, seg_length, length_m)
    grid_ele = np.interp(
        grid.distance + grid.segment * _SEGMENT_SEPARATION_M, virtual, despiked_filled
    )
    smooth = grid.smooth(grid_ele, SMOOTH_WINDOW_M)

    climbing = seg_has_ele[grid.segment]
    used_grid = used_seg[grid.segment]
    ascent_m, descent_m = _hysteresis_climb(smooth, grid, climbing, HYSTERESIS_M)
    max_grade_pct, max_grade_at_m = _steepest_grade(smooth, grid, seg_has_ele, GRADE_WINDOW_M)

    effort_km = (
        length_m / 1000.0 + ascent_m / EFFORT_ASCENT_M_PER_KM + descent_m / EFFORT_DESCENT_M_PER_KM
    )

    return RouteMeasures(
        length_m=length_m,
        ascent_m=ascent_m,
        descent_m=descent_m,
        min_ele_m=min_ele_m,
        max_ele_m=max_ele_m,
        duration_s=din33466_duration_s(length_m, ascent_m, descent_m),
        effort_km=effort_km,
        difficulty=classify_difficulty(effort_km, max_grade_pct),
        is_loop=is_loop,
        max_grade_pct=max_grade_pct,
        max_grade_at_m=max_grade_at_m,
        profile=_profile(grid.distance[used_grid], smooth[used_grid]),
        ele_filled=ele_filled,
    )


def din33466_duration_s(length_m: float, ascent_m: float | None, descent_m: float | None) -> float:
    """Walking time in seconds after DIN 33466 from length and climb in metres."""
    horizontal_s = length_m / 1000.0 / WALK_SPEED_KMH * 3600.0
    if ascent_m is None or descent_m is None:
        return horizontal_s
    vertical_s = (ascent_m / ASCENT_RATE_MH + descent_m / DESCENT_RATE_MH) * 3600.0
    return max(horizontal_s, vertical_s) + min(horizontal_s, vertical_s) / 2.0


def _segment_bounds(segment_starts: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """First index and one-past-last index of every non-empty segment (point indices)."""
    raw = np.asarray(segment_starts, dtype=np.int64)
    raw = raw[(raw > 0) & (raw < n)]
    starts = np.unique(np.concatenate([np.zeros(1, dtype=np.int64), raw]))
    ends = np.append(starts[1:], n).astype(np.int64)
    return starts, ends


def _route_distance(lon: FloatArray, lat: FloatArray, starts: IntArray) -> FloatArray:
    """Cumulative geodesic WGS-84 distance in metres per point, gaps between segments zero."""
    step = np.zeros(lon.size, dtype=np.float64)
    if lon.size > 1:
        _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:], return_back_azimuth=False)
        step[1:] = d
        step[starts[1:]] = 0.0  # the step into a segment's first point is the gap
    return np.cumsum(step)


def _is_loop(lon: FloatArray, lat: FloatArray, length_m: float) -> bool:
    """True when the last of the two points (degrees) is near the first (metres, see docs)."""
    _, _, gap = GEOD.inv(
        float(lon[0]), float(lat[0]), float(lon[-1]), float(lat[-1]), return_back_azimuth=False
    )
    limit = max(LOOP_MIN_GAP_M, min(LOOP_MAX_GAP_M, LOOP_GAP_FRACTION * length_m))
    # The second test keeps a short straight walk (end < 100 m from start) from being a loop.
    return bool(gap <= limit and gap < 0.5 * length_m)


def _fill(
    values: FloatArray,
    known: BoolArray,
    dist: FloatArray,
    virtual: FloatArray,
    seg_of_point: IntArray,
    starts: IntArray,
    seg_has_ele: BoolArray,
) -> FloatArray:
    """Interpolate unknown elevations (m) linearly over distance inside each segment.

    Edge values are held. Points of a segment without any known elevation are
    interpolated over route distance from the neighbouring segments (for display only;
    such segments never count as climb).
    """
    idx = np.arange(values.size)
    first_known = np.minimum.reduceat(np.where(known, idx, values.size), starts)
    last_known = np.maximum.reduceat(np.where(known, idx, -1), starts)
    out = np.empty_like(values)
    has = seg_has_ele[seg_of_point]
    seg = seg_of_point[has]
    lo = virtual[first_known[seg]]
    hi = virtual[last_known[seg]]
    query = np.clip(virtual[has], lo, hi)  # clamping holds the segment's edge values
    out[has] = np.interp(query, virtual[known], values[known])
    if not has.all():
        out[~has] = np.interp(dist[~has], dist[has], out[has])
    return out


def _median3(values: FloatArray, seg: IntArray) -> FloatArray:
    """Running median of three neighbours within a segment; removes single-point spikes (m)."""
    out = values.copy()
    if values.size < 3:
        return out
    a, b, c = values[:-2], values[1:-1], values[2:]
    med = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    same = (seg[:-2] == seg[1:-1]) & (seg[2:] == seg[1:-1])
    out[1:-1] = np.where(same, med, b)
    return out


class _Grid:
    """A regular distance grid (≤ 10 m spacing) laid over every segment separately."""

    def __init__(self, seg_offset: FloatArray, seg_length: FloatArray, length_m: float) -> None:
        """Lay the grid; offsets and lengths of the segments in metres."""
        step = max(GRID_STEP_M, length_m / MAX_GRID_SAMPLES)
        count = np.where(seg_length > 0, np.ceil(seg_length / step - 1e-9) + 1, 1).astype(np.int64)
        self.count: IntArray = np.maximum(count, 1)
        self.first: IntArray = np.concatenate([[0], np.cumsum(self.count)[:-1]]).astype(np.int64)
        self.last: IntArray = self.first + self.count - 1
        self.seg_step: FloatArray = np.where(
            self.count > 1, seg_length / np.maximum(self.count - 1, 1), 0.0
        )
        self.segment: IntArray = np.repeat(np.arange(self.count.size), self.count)
        local = np.arange(self.segment.size) - self.first[self.segment]
        distance = seg_offset[self.segment] + local * self.seg_step[self.segment]
        # guard against rounding past the segment's end
        self.distance: FloatArray = np.minimum(distance, (seg_offset + seg_length)[self.segment])

    def smooth(self, values: FloatArray, window_m: float) -> FloatArray:
        """Centred moving average over `window_m` metres, edge-padded per segment (m).

        The half window is capped at half the segment's samples (the whole window at
        the segment's length), so a segment shorter than the window is not flattened.
        """
        half_seg = np.where(
            self.seg_step > 0, np.rint(window_m / 2.0 / np.maximum(self.seg_step, 1e-12)), 0
        ).astype(np.int64)
        half = np.minimum(half_seg, (self.count - 1) // 2)[self.segment]
        j = np.arange(values.size)
        a = self.first[self.segment]
        b = self.last[self.segment]
        lo = j - half
        hi = j + half
        csum = np.concatenate([[0.0], np.cumsum(values)])
        inside = csum[np.minimum(hi, b) + 1] - csum[np.maximum(lo, a)]
        pad = np.maximum(a - lo, 0) * values[a] + np.maximum(hi - b, 0) * values[b]
        result: FloatArray = (inside + pad) / (2 * half + 1)
        return result


def _hysteresis_climb(
    smooth: FloatArray, grid: _Grid, climbing: BoolArray, threshold_m: float
) -> tuple[float, float]:
    """Total ascent and descent in metres, counting a move once it exceeds `threshold_m`."""
    d = np.diff(smooth)
    d[grid.last[:-1]] = 0.0  # never compare across a segment boundary
    moving = np.flatnonzero(d)
    sign = np.sign(d[moving])
    turns = moving[1:][sign[1:] != sign[:-1]]  # the point where the direction flips
    keep = np.unique(np.concatenate([grid.first, grid.last, turns]))
    keep = keep[climbing[keep]]
    values = smooth[keep].tolist()
    new_segment = np.isin(keep, grid.first).tolist()

    ascent = descent = 0.0
    direction = 0
    lowest = highest = anchor = extreme = 0.0
    for v, new in zip(values, new_segment, strict=True):
        if new:
            if direction > 0:
                ascent += extreme - anchor
            elif direction < 0:
                descent += anchor - extreme
            direction = 0
            lowest = highest = v
        elif direction == 0:
            lowest = min(lowest, v)
            highest = max(highest, v)
            if v - lowest > threshold_m:
                direction, anchor, extreme = 1, lowest, v
            elif highest - v > threshold_m:
                direction, anchor, extreme = -1, highest, v
        elif direction > 0:
            if v > extreme:
                extreme = v
            elif extreme - v > threshold_m:
                ascent += extreme - anchor
                direction, anchor, extreme = -1, extreme, v
        elif v < extreme:
            extreme = v
        elif v - extreme > threshold_m:
            descent += anchor - extreme
            direction, anchor, extreme = 1, extreme, v
    if direction > 0:
        ascent += extreme - anchor
    elif direction < 0:
        descent += anchor - extreme
    return ascent, descent


def _steepest_grade(
    smooth: FloatArray, grid: _Grid, seg_has_ele: BoolArray, window_m: float
) -> tuple[float | None, float | None]:
    """Steepest absolute grade (%) over `window_m` and where it starts (m from start)."""
    seg_length = grid.seg_step * (grid.count - 1)
    eligible_length = seg_length[seg_has_ele]
    if eligible_length.size == 0 or float(eligible_length.max()) <= 0.0:
        return None, None
    window = min(window_m, float(eligible_length.max()))
    eligible = seg_has_ele & (seg_length >= window - 1e-6) & (grid.count > 1)
    k_seg = np.clip(
        np.rint(window / np.maximum(grid.seg_step, 1e-12)), 1, np.maximum(grid.count - 1, 1)
    ).astype(np.int64)
    k = k_seg[grid.segment]
    j = np.arange(smooth.size)
    valid = eligible[grid.segment] & (j + k <= grid.last[grid.segment])
    start = j[valid]
    end = start + k[valid]
    span = k[valid] * grid.seg_step[grid.segment[valid]]
    grade = np.abs(smooth[end] - smooth[start]) / span * 100.0
    best = int(np.argmax(grade))
    return float(grade[best]), float(grid.distance[start[best]])


def classify_difficulty(effort_km: float, max_grade_pct: float | None) -> str:
    """easy / moderate / hard from effort km, bumped by a steep sustained grade (%)."""
    if effort_km >= HARD_FROM_EFFORT_KM:
        level = 2
    elif effort_km >= MODERATE_FROM_EFFORT_KM:
        level = 1
    else:
        level = 0
    if max_grade_pct is not None:
        if max_grade_pct > HARD_ABOVE_GRADE_PCT:
            level = 2
        elif max_grade_pct > MODERATE_ABOVE_GRADE_PCT:
            level = max(level, 1)
    return ("easy", "moderate", "hard")[level]


def _profile(distance: FloatArray, elevation: FloatArray) -> list[tuple[float, float]]:
    """At most MAX_PROFILE_SAMPLES (distance m, elevation m) pairs spanning the route."""
    count = min(distance.size, MAX_PROFILE_SAMPLES)
    pick = np.unique(np.rint(np.linspace(0, distance.size - 1, count)).astype(np.int64))
    d = np.round(distance[pick], 1).tolist()
    e = np.round(elevation[pick], 1).tolist()
    return list(zip(d, e, strict=True))


__all__ = [
    "GRADE_WINDOW_M",
    "HYSTERESIS_M",
    "SMOOTH_WINDOW_M",
    "classify_difficulty",
    "din33466_duration_s",
    "measure",
]

"""measure(): geodesic length, smoothed climb, grade, DIN 33466 time, loops, profile.

Tracks are synthetic geodesic lines around Yinhu (30.09 N, 120.05 E); no files, no DB.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import ArrayLike
from pyproj import Geod

from importers.measure import (
    GRADE_WINDOW_M,
    MAX_PROFILE_SAMPLES,
    classify_difficulty,
    din33466_duration_s,
    measure,
)
from importers.records import TrackPoints

GEOD = Geod(ellps="WGS84")
YINHU = (120.05, 30.09)


def straight(
    length_m: float,
    n: int,
    *,
    azimuth: float = 45.0,
    start: tuple[float, float] = YINHU,
) -> tuple[np.ndarray, np.ndarray]:
    """n points evenly spaced along a geodesic of length_m metres from start (lon, lat)."""
    if n == 1:
        return np.array([start[0]]), np.array([start[1]])
    r = GEOD.fwd_intermediate(
        start[0],
        start[1],
        azimuth,
        n,
        del_s=length_m / (n - 1),
        initial_idx=0,
        terminus_idx=0,
        return_back_azimuth=False,
    )
    return np.asarray(r.lons, dtype=float), np.asarray(r.lats, dtype=float)


def track(
    lon: ArrayLike, lat: ArrayLike, ele: ArrayLike | None = None, segment_starts: ArrayLike = (0,)
) -> TrackPoints:
    """TrackPoints from arrays; elevation NaN when not given."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    e = np.full(x.size, np.nan) if ele is None else np.asarray(ele, dtype=float)
    return TrackPoints(
        lon=x,
        lat=y,
        ele=e,
        time=np.full(x.size, np.nan),
        segment_starts=np.asarray(segment_starts, dtype=np.int64),
    )


def line_track(length_m: float, n: int, ele: ArrayLike | None = None, **kw: Any) -> TrackPoints:
    """A straight track of n points over length_m metres with the given elevations."""
    lon, lat = straight(length_m, n, **kw)
    return track(lon, lat, ele)


# --- length ------------------------------------------------------------------------


def test_length_of_two_points_is_the_wgs84_geodesic():
    lon, lat = [120.05, 120.08], [30.09, 30.11]
    _, _, expected = GEOD.inv(lon[0], lat[0], lon[1], lat[1], return_back_azimuth=False)
    assert measure(track(lon, lat)).length_m == pytest.approx(expected, abs=1e-6)


def test_the_gap_between_two_segments_counts_as_no_distance():
    lon = [120.05, 120.06, 120.10, 120.11]
    lat = [30.09, 30.09, 30.10, 30.10]
    _, _, a = GEOD.inv(lon[0], lat[0], lon[1], lat[1], return_back_azimuth=False)
    _, _, b = GEOD.inv(lon[2], lat[2], lon[3], lat[3], return_back_azimuth=False)
    m = measure(track(lon, lat, segment_starts=[0, 2]))
    assert m.length_m == pytest.approx(a + b, abs=1e-6)


def test_a_single_point_track_has_no_length_and_is_not_a_loop():
    m = measure(track([120.05], [30.09], [12.0]))
    assert m.length_m == 0.0
    assert m.is_loop is False
    assert m.ascent_m == 0.0
    assert m.max_grade_pct is None


def test_an_empty_track_is_refused():
    with pytest.raises(ValueError):
        measure(track([], []))


# --- climb -------------------------------------------------------------------------


def test_a_flat_noisy_track_reports_little_climb():
    rng = np.random.default_rng(20240601)
    n = 1001  # 5 km, every 5 m
    ele = 50.0 + rng.uniform(-3.0, 3.0, n)
    m = measure(line_track(5000.0, n, ele))
    assert m.ascent_m is not None and m.descent_m is not None
    assert m.ascent_m < 30.0
    assert m.descent_m < 30.0
    assert m.difficulty == "easy"


def test_a_steady_climb_reports_its_height_and_no_descent():
    m = measure(line_track(3000.0, 301, np.linspace(100.0, 400.0, 301)))
    assert m.ascent_m == pytest.approx(300.0, abs=10.0)
    assert m.descent_m == pytest.approx(0.0, abs=1.0)
    assert m.min_ele_m == pytest.approx(100.0)
    assert m.max_ele_m == pytest.approx(400.0)
    assert m.max_grade_pct == pytest.approx(10.0, abs=0.1)


def test_an_up_and_down_hill_reports_the_climb_both_ways():
    ele = np.concatenate([np.linspace(20.0, 120.0, 101), np.linspace(120.0, 20.0, 101)[1:]])
    m = measure(line_track(2000.0, 201, ele))
    assert m.ascent_m == pytest.approx(100.0, abs=6.0)
    assert m.descent_m == pytest.approx(100.0, abs=6.0)


def test_a_short_track_of_three_points_is_measured():
    m = measure(line_track(50.0, 3, [10.0, 12.0, 15.0]))
    assert m.length_m == pytest.approx(50.0, abs=1e-6)
    assert m.ascent_m is not None and 0.0 <= m.ascent_m <= 5.0
    assert m.descent_m == 0.0
    assert m.min_ele_m == 10.0 and m.max_ele_m == 15.0
    assert m.max_grade_pct is not None and m.max_grade_at_m == 0.0  # the whole track
    assert 2 <= len(m.profile) <= 6


def test_the_gap_between_two_segments_counts_as_no_climb():
    lon1, lat1 = straight(1000.0, 101)
    lon2, lat2 = straight(1000.0, 101, start=(120.06, 30.10))
    m = measure(
        track(
            np.concatenate([lon1, lon2]),
            np.concatenate([lat1, lat2]),
            np.concatenate([np.full(101, 10.0), np.full(101, 300.0)]),
            segment_starts=[0, 101],
        )
    )
    assert m.ascent_m == 0.0 and m.descent_m == 0.0
    assert m.min_ele_m == 10.0 and m.max_ele_m == 300.0


def test_a_single_spike_does_not_move_min_max_or_climb():
    ele = np.full(201, 80.0)
    ele[100] = 400.0
    m = measure(line_track(2000.0, 201, ele))
    assert m.max_ele_m == 80.0
    assert m.ascent_m is not None and m.ascent_m < 3.0


# --- unknown elevation -------------------------------------------------------------


def test_a_track_without_elevation_has_no_climb_and_horizontal_time_only():
    m = measure(line_track(8000.0, 81))
    assert m.ascent_m is None and m.descent_m is None
    assert m.min_ele_m is None and m.max_ele_m is None
    assert m.max_grade_pct is None and m.max_grade_at_m is None
    assert m.ele_filled is None
    assert m.profile == []
    assert m.duration_s == pytest.approx(2 * 3600.0, rel=1e-9)  # 8 km at 4 km/h
    assert m.effort_km == pytest.approx(8.0, rel=1e-9)
    assert m.difficulty == "moderate"


def test_all_zero_elevation_counts_as_no_elevation():
    m = measure(line_track(1000.0, 11, np.zeros(11)))
    assert m.ele_filled is None
    assert m.ascent_m is None


def test_missing_elevations_are_interpolated_over_distance_and_edges_held():
    lon, lat = straight(400.0, 5)  # points at 0, 100, 200, 300, 400 m
    ele = [np.nan, 10.0, np.nan, 30.0, np.nan]
    m = measure(track(lon, lat, ele))
    assert m.ele_filled is not None
    assert m.ele_filled.dtype == np.float64
    np.testing.assert_allclose(m.ele_filled, [10.0, 10.0, 20.0, 30.0, 30.0], atol=1e-6)
    assert m.min_ele_m == 10.0 and m.max_ele_m == 30.0


def test_a_segment_without_elevation_adds_no_climb_but_is_filled():
    lon1, lat1 = straight(1000.0, 11)
    lon2, lat2 = straight(1000.0, 11, start=(120.06, 30.10))
    ele = np.concatenate([np.full(11, 50.0), np.full(11, np.nan)])
    m = measure(track(np.concatenate([lon1, lon2]), np.concatenate([lat1, lat2]), ele, [0, 11]))
    assert m.ele_filled is not None
    assert np.isfinite(m.ele_filled).all()
    np.testing.assert_allclose(m.ele_filled[11:], 50.0)
    assert m.ascent_m == 0.0
    assert m.length_m == pytest.approx(2000.0, abs=1e-3)
    assert m.profile[-1][0] == pytest.approx(2000.0, abs=0.1)


# --- grade, time, effort, difficulty -----------------------------------------------


def test_the_steepest_sustained_grade_is_found_where_it_starts():
    # 0-1000 m flat, 1000-1300 m up 60 m (20 %), then flat to 2000 m; points every 10 m
    d = np.linspace(0.0, 2000.0, 201)
    ele = np.interp(d, [0.0, 1000.0, 1300.0, 2000.0], [50.0, 50.0, 110.0, 110.0])
    m = measure(line_track(2000.0, 201, ele))
    assert m.max_grade_pct == pytest.approx(20.0, abs=0.5)
    assert m.max_grade_at_m is not None
    assert 1000.0 <= m.max_grade_at_m <= 1300.0 - GRADE_WINDOW_M


def test_din_33466_takes_the_larger_time_plus_half_the_smaller():
    # 12 km: 3 h walking; 600 m up (2 h) + 600 m down (1.2 h) = 3.2 h → 3.2 + 1.5 = 4.7 h
    assert din33466_duration_s(12_000.0, 600.0, 600.0) == pytest.approx(4.7 * 3600.0)
    # 4 km (1 h) with 1200 m up (4 h): 4 + 0.5 = 4.5 h
    assert din33466_duration_s(4000.0, 1200.0, 0.0) == pytest.approx(4.5 * 3600.0)
    # without elevation only the horizontal time: 10 km → 2.5 h
    assert din33466_duration_s(10_000.0, None, None) == pytest.approx(2.5 * 3600.0)


def test_measure_uses_din_33466_for_the_walking_time():
    m = measure(line_track(3000.0, 301, np.linspace(100.0, 400.0, 301)))
    assert m.ascent_m is not None and m.descent_m is not None
    assert m.duration_s == pytest.approx(din33466_duration_s(m.length_m, m.ascent_m, m.descent_m))


def test_effort_km_adds_climb_to_distance():
    m = measure(line_track(3000.0, 301, np.linspace(100.0, 400.0, 301)))
    assert m.ascent_m is not None and m.descent_m is not None
    assert m.effort_km == pytest.approx(3.0 + m.ascent_m / 100.0 + m.descent_m / 150.0, rel=1e-9)


def test_difficulty_follows_effort_km_and_steep_grades_bump_it():
    assert classify_difficulty(7.9, None) == "easy"
    assert classify_difficulty(8.0, None) == "moderate"
    assert classify_difficulty(15.9, 10.0) == "moderate"
    assert classify_difficulty(16.0, None) == "hard"
    assert classify_difficulty(3.0, 15.1) == "moderate"
    assert classify_difficulty(3.0, 30.1) == "hard"
    assert classify_difficulty(12.0, 16.0) == "moderate"


# --- loop ----------------------------------------------------------------------------


def test_a_track_ending_where_it_started_is_a_loop():
    # a 2 km square-ish out-and-around: four 500 m legs
    lon, lat = [YINHU[0]], [YINHU[1]]
    for az in (0.0, 90.0, 180.0, 270.0):
        lo, la = straight(500.0, 51, azimuth=az, start=(lon[-1], lat[-1]))
        lon.extend(lo[1:])
        lat.extend(la[1:])
    lat[-1] += 0.0005  # end ~55 m from the start
    assert measure(track(lon, lat)).is_loop is True


def test_a_point_to_point_track_is_not_a_loop():
    assert measure(line_track(3000.0, 31)).is_loop is False


def test_a_short_straight_walk_is_not_a_loop():
    assert measure(line_track(80.0, 9)).is_loop is False


# --- profile -------------------------------------------------------------------------


def test_the_profile_of_a_200k_point_track_has_at_most_1000_samples():
    n = 200_000
    d = np.linspace(0.0, 1_000_000.0, n)  # 1000 km
    ele = 300.0 + 200.0 * np.sin(d / 5000.0)
    m = measure(line_track(1_000_000.0, n, ele))
    assert 2 <= len(m.profile) <= MAX_PROFILE_SAMPLES
    assert m.profile[0][0] == 0.0
    assert m.profile[-1][0] == pytest.approx(m.length_m, abs=0.1)
    distances = [p[0] for p in m.profile]
    assert distances == sorted(distances)
    assert m.ele_filled is not None and m.ele_filled.shape == (n,)


def test_the_profile_follows_the_elevation():
    m = measure(line_track(3000.0, 301, np.linspace(100.0, 400.0, 301)))
    assert len(m.profile) == 301  # every 10 m
    for dist, ele in m.profile[20:-20]:
        assert ele == pytest.approx(100.0 + dist / 10.0, abs=0.2)

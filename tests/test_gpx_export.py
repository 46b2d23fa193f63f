"""GPX 1.1 writing: valid against the official schema, exact, and safe with any text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import gpxpy
import numpy as np
from lxml import etree

from geo_service.gpx_export import build_gpx
from importers.gpx import parse_gpx
from importers.records import TrackPoints
from tests.conftest import DATA

SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "schemas" / "gpx-1.1.xsd")))
HOSTILE = 'Tea & "hills" <b>bold</b> <!--seg 0--> ]]> 银湖'


def track(n: int, starts: list[int], **arrays: Any) -> TrackPoints:
    """n points north of Yinhu, 1 s apart, with elevation; `arrays` override."""
    base = {
        "lon": np.full(n, 120.05), "lat": 30.09 + np.arange(n) * 1e-4,
        "ele": 20.0 + np.arange(n, dtype=float), "time": 1.79e9 + np.arange(n, dtype=float),
    }
    base.update(arrays)
    return TrackPoints(segment_starts=np.array(starts), **base)


def written(points: TrackPoints, waypoints: list[dict[str, Any]] | None = None,
            name: str = "Walk", description: str | None = None) -> bytes:
    """The GPX bytes, checked against the official GPX 1.1 schema."""
    data = build_gpx(name, description, points, waypoints or []).encode()
    SCHEMA.assertValid(etree.fromstring(data))
    return data


def test_any_text_is_escaped_and_reads_back_as_written() -> None:
    waypoint = {"lat": 30.1, "lon": 120.05, "ele_m": 31.5,
                "time": datetime(2026, 9, 3, 1, 30, tzinfo=UTC),
                "name": HOSTILE, "description": HOSTILE, "kind": "Drinking Water"}
    data = written(track(3, [0]), [waypoint], name=HOSTILE, description=HOSTILE)
    again = parse_gpx(data)
    assert again.name == HOSTILE and again.description == HOSTILE
    assert len(again.points) == 3  # the comment-like name was not taken for a segment
    (wpt,) = again.waypoints
    assert (wpt.name, wpt.description, wpt.kind, wpt.ele) == (HOSTILE, HOSTILE,
                                                               "Drinking Water", 31.5)
    assert wpt.time == datetime(2026, 9, 3, 1, 30, tzinfo=UTC).timestamp()


def test_points_read_back_exactly_and_what_is_unknown_is_left_out() -> None:
    lon = np.array([1e-5, -0.00002, 179.99999999, -179.5])  # 1e-5 must not be "1e-05"
    lat = np.array([0.0, -89.123456789012, 45.000000001, 3e-6])
    ele = np.array([np.nan, -3.25, 8848.86, 0.0])
    time = np.array([1.79e9 + 0.25, np.nan, 1.79e9 + 2, 1.79e9 + 3.5])
    data = written(track(4, [0], lon=lon, lat=lat, ele=ele, time=time))
    assert b"e-0" not in data
    text = data.decode()
    assert text.count("<ele>") == 3 and text.count("<time>") == 3
    again = parse_gpx(data).points
    assert again.lon.tolist() == lon.tolist() and again.lat.tolist() == lat.tolist()
    np.testing.assert_array_equal(again.ele, ele)
    np.testing.assert_allclose(again.time, time, atol=1e-6)


def test_every_segment_keeps_its_points() -> None:
    starts = [0, 3, 5, 6, 10, 11, 12, 15, 16, 18, 20, 21, 25]  # "seg 1" and "seg 10"…
    again = parse_gpx(written(track(30, starts))).points
    assert again.segment_starts.tolist() == starts
    assert again.lat.tolist() == track(30, starts).lat.tolist()


def test_another_gpx_reader_reads_the_same_track() -> None:
    """gpxpy, which many tools build on, sees the same names, segments and points."""
    points = track(8, [0, 5], ele=np.array([1.0, np.nan, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5]))
    waypoint = {"lat": 30.1, "lon": 120.05, "ele_m": None, "time": None,
                "name": HOSTILE, "description": None, "kind": None}
    theirs = gpxpy.parse(written(points, [waypoint], name=HOSTILE).decode())
    assert theirs.name == HOSTILE and theirs.waypoints[0].name == HOSTILE
    (trk,) = theirs.tracks
    assert [len(s.points) for s in trk.segments] == [5, 3]
    flat = [p for s in trk.segments for p in s.points]
    assert [p.latitude for p in flat] == points.lat.tolist()
    assert [p.elevation for p in flat] == [1.0, None, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5]
    assert flat[0].time is not None and flat[0].time.timestamp() == points.time[0]

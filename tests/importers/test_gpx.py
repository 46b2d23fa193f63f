"""parse_gpx(): real-world exports, streaming details, and every way a file is refused.

Pure Python: no Flask, no database. Fixtures live in tests/data/gpx.
"""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from defusedxml import DefusedXmlException
from lxml import etree

from importers.errors import (
    ForbiddenXmlError,
    InvalidCoordinateError,
    NoPointsError,
    NotGpxError,
    NotXmlError,
)
from importers.gpx import parse_gpx
from importers.records import ParsedGpx, Waypoint

GPX_DIR = Path(__file__).resolve().parents[1] / "data" / "gpx"
GPX11 = "http://www.topografix.com/GPX/1/1"
# Generous box around Yinhu: every fixture track stays inside it.
LAT_RANGE = (30.06, 30.12)
LON_RANGE = (120.00, 120.10)


def fixture(name: str) -> Path:
    """Path of a file in tests/data/gpx."""
    return GPX_DIR / name


def gpx(body: str, root: str = f'version="1.1" creator="test" xmlns="{GPX11}"') -> bytes:
    """A small GPX document around `body`, as UTF-8 bytes."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx {root}>\n{body}\n</gpx>\n'.encode()


def trk(*points: str, name: str | None = None) -> str:
    """A <trk> with one <trkseg> of the given <trkpt> strings."""
    title = f"<name>{name}</name>" if name else ""
    return f"<trk>{title}<trkseg>{''.join(points)}</trkseg></trk>"


def pt(lat: float | str, lon: float | str, inner: str = "", tag: str = "trkpt") -> str:
    """One point element."""
    return f'<{tag} lat="{lat}" lon="{lon}">{inner}</{tag}>'


def epoch(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
    """POSIX seconds of a UTC date and time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


def assert_inside_yinhu(parsed: ParsedGpx) -> None:
    """All points lie in the Yinhu box."""
    lat, lon = parsed.points.lat, parsed.points.lon
    assert LAT_RANGE[0] <= lat.min() and lat.max() <= LAT_RANGE[1]
    assert LON_RANGE[0] <= lon.min() and lon.max() <= LON_RANGE[1]


def assert_same_parse(a: ParsedGpx, b: ParsedGpx) -> None:
    """Two parses agree on every field and array (NaN equal to NaN)."""
    assert (a.version, a.creator, a.name, a.description, a.source) == (
        b.version,
        b.creator,
        b.name,
        b.description,
        b.source,
    )
    assert a.waypoints == b.waypoints
    for field in ("lon", "lat", "ele", "time", "segment_starts"):
        np.testing.assert_array_equal(getattr(a.points, field), getattr(b.points, field))


# --- real-world exports ------------------------------------------------------------------


def test_it_reads_a_garmin_connect_export_and_ignores_its_extensions() -> None:
    parsed = parse_gpx(fixture("garmin_connect.gpx"))
    assert parsed.version == "1.1"
    assert parsed.creator == "Garmin Connect"
    assert parsed.name == "Fuyang Hiking"  # no metadata name: the track's
    assert parsed.description is None
    assert parsed.source == "track"
    assert len(parsed.points) == 240
    assert parsed.points.segment_starts.tolist() == [0]
    assert parsed.points.lat[0] == 30.09385311127891
    assert parsed.points.lon[0] == 120.04684531058379
    assert parsed.points.time[0] == epoch(2024, 3, 9, 0, 12, 31)
    assert np.all(np.diff(parsed.points.time) > 0)
    assert np.all((parsed.points.ele > 10) & (parsed.points.ele < 300))
    assert parsed.waypoints == []
    assert_inside_yinhu(parsed)


def test_it_reads_a_strava_export() -> None:
    parsed = parse_gpx(fixture("strava.gpx"))
    assert (parsed.creator, parsed.name, parsed.version) == ("StravaGPX", "Morning Hike", "1.1")
    assert len(parsed.points) == 180
    assert parsed.points.time[0] == epoch(2024, 4, 13, 1, 2, 3)
    assert not np.isnan(parsed.points.ele).any()
    assert not np.isnan(parsed.points.time).any()
    assert_inside_yinhu(parsed)


def test_it_reads_an_osmand_track_with_its_waypoints() -> None:
    parsed = parse_gpx(fixture("osmand.gpx"))
    assert parsed.creator is not None and parsed.creator.startswith("OsmAnd~ 4")
    assert parsed.name == "2024-05-01_09-12_Wed"
    assert len(parsed.points) == 150
    assert parsed.waypoints[0] == Waypoint(
        lon=120.05729,
        lat=30.086865,
        name="Spring water",
        description=None,
        kind="Drinking Water",  # <sym> wins over <type>
        ele=27.3,
        time=epoch(2024, 5, 1, 1, 12, 3),
    )
    assert [w.name for w in parsed.waypoints] == ["Spring water", "Viewpoint over Yinhu"]
    assert_inside_yinhu(parsed)


def test_it_reads_a_komoot_tour_without_times() -> None:
    parsed = parse_gpx(fixture("komoot.gpx"))
    assert parsed.name == "Yinhu Forest Loop"
    assert parsed.creator == "https://www.komoot.de"
    assert len(parsed.points) == 200
    assert np.isnan(parsed.points.time).all()
    assert not np.isnan(parsed.points.ele).any()


def test_it_reads_chinese_names_from_a_2bulu_export() -> None:
    parsed = parse_gpx(fixture("2bulu.gpx"))
    assert parsed.name == "银湖 受降 环线"
    assert parsed.description is not None and parsed.description.startswith("从银湖地铁站出发")
    assert [w.name for w in parsed.waypoints] == [
        "银湖地铁站",
        "受降村文化礼堂",
        "观景台",
        "山泉水",
    ]
    assert [w.kind for w in parsed.waypoints] == ["起点", "补给点", "观景点", "水源"]
    assert parsed.waypoints[1].description == "可补给，有公厕"  # noqa: RUF001 - a Chinese comma
    assert parsed.waypoints[3].description is None
    assert len(parsed.points) == 160


def test_it_converts_plus_eight_hour_times_of_a_2bulu_export_to_utc_epochs() -> None:
    parsed = parse_gpx(fixture("2bulu.gpx"))
    # 08:30 in Hangzhou is 00:30 UTC.
    assert parsed.points.time[0] == epoch(2024, 3, 16, 0, 30, 0)
    assert parsed.waypoints[1].time == epoch(2024, 3, 16, 0, 36, 7)


def test_it_keeps_the_two_segments_and_missing_elevations_of_a_foooooot_export() -> None:
    parsed = parse_gpx(fixture("foooooot.gpx"))
    assert parsed.name == "富阳银湖 午潮山支线"
    assert parsed.creator == "六只脚 foooooot.com"
    assert parsed.points.segment_starts.tolist() == [0, 70]
    assert [(s.start, s.stop) for s in parsed.points.segments()] == [(0, 70), (70, 140)]
    missing = np.isnan(parsed.points.ele)
    assert missing.sum() == 16 and missing[4] and not missing[0]
    assert not np.isnan(parsed.points.time).any()


def test_it_reads_gpx_1_0_with_name_and_desc_under_the_root() -> None:
    parsed = parse_gpx(fixture("gpx10.gpx"))
    assert parsed.version == "1.0"
    assert parsed.creator == "GPSBabel - https://www.gpsbabel.org"
    assert parsed.name == "Yinhu ridge traverse"  # not the track's "ACTIVE LOG"
    assert parsed.description == "Old eTrex log converted with GPSBabel."
    assert len(parsed.points) == 120
    assert parsed.points.time[0] == epoch(2023, 11, 5, 1, 0, 0)
    assert parsed.points.lat[0] == 30.070975126


def test_it_reads_a_file_with_only_a_route() -> None:
    parsed = parse_gpx(fixture("route_only.gpx"))
    assert parsed.source == "route"
    assert parsed.name == "Yinhu Station to Ridge"
    assert parsed.description == "Planned route, not yet walked."
    assert len(parsed.points) == 40
    assert parsed.points.lat[0] == 30.090456073
    assert np.isnan(parsed.points.time).all()
    assert parsed.waypoints == []  # route point names are not waypoints


def test_it_starts_a_segment_for_each_track_of_a_multi_track_file() -> None:
    parsed = parse_gpx(fixture("multi_track.gpx"))
    assert parsed.name == "Two walks, one day"
    assert parsed.points.segment_starts.tolist() == [0, 50]
    end, start = 49, 50
    gap_deg = math.hypot(
        parsed.points.lat[start] - parsed.points.lat[end],
        parsed.points.lon[start] - parsed.points.lon[end],
    )
    assert gap_deg > 0.03  # kilometres apart: a gap, not a step


def test_missing_elevations_are_nan() -> None:
    parsed = parse_gpx(fixture("no_elevation.gpx"))
    assert np.isnan(parsed.points.ele).all()
    assert not np.isnan(parsed.points.time).any()
    assert parsed.name is None and parsed.description is None


def test_a_file_whose_every_elevation_is_zero_has_no_elevation() -> None:
    parsed = parse_gpx(fixture("zero_elevation.gpx"))
    assert len(parsed.points) == 80
    assert np.isnan(parsed.points.ele).all()
    assert parsed.waypoints[0].name == "Pavilion"
    assert parsed.waypoints[0].ele is None


def test_some_zero_elevations_among_real_ones_are_kept() -> None:
    body = trk(pt(30.09, 120.05, "<ele>0</ele>"), pt(30.091, 120.051, "<ele>3.5</ele>"))
    parsed = parse_gpx(gpx(body))
    assert parsed.points.ele.tolist() == [0.0, 3.5]


def test_it_reads_a_file_with_a_bom_and_crlf_line_endings() -> None:
    raw = fixture("bom_crlf.gpx").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    parsed = parse_gpx(raw)
    assert parsed.name == "银湖 春节 散步"  # stripped
    assert parsed.description is None  # <desc></desc>
    assert len(parsed.points) == 30
    plain = raw.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    assert_same_parse(parsed, parse_gpx(plain))


def test_it_reads_a_gbk_encoded_file() -> None:
    parsed = parse_gpx(fixture("gbk_encoded.gpx"))
    assert parsed.name == "银湖 山顶 小路"
    assert parsed.creator == "奥维互动地图"
    assert len(parsed.points) == 25


def test_it_reads_a_file_without_a_namespace() -> None:
    body = trk(pt(30.09, 120.05, "<ele>12</ele>"), pt(30.091, 120.051), name="Bare")
    parsed = parse_gpx(gpx(body, root='version="1.1" creator="hand"'))
    assert parsed.name == "Bare"
    assert parsed.points.lat.tolist() == [30.09, 30.091]
    assert parsed.points.ele[0] == 12.0


def test_it_reads_a_root_with_a_namespace_prefix() -> None:
    text = (
        f'<g:gpx xmlns:g="{GPX11}" version="1.1"><g:trk><g:trkseg>'
        '<g:trkpt lat="30.09" lon="120.05"/><g:trkpt lat="30.1" lon="120.06"/>'
        "</g:trkseg></g:trk></g:gpx>"
    )
    assert len(parse_gpx(text.encode()).points) == 2


def test_vendor_elements_named_like_points_are_ignored() -> None:
    vendor = '<extensions><v:trkpt xmlns:v="urn:vendor" lat="1" lon="2"/></extensions>'
    body = trk(pt(30.09, 120.05, vendor), pt(30.091, 120.051))
    assert len(parse_gpx(gpx(body)).points) == 2


def test_the_version_defaults_to_1_1_and_follows_a_1_0_namespace() -> None:
    body = trk(pt(30.09, 120.05), pt(30.091, 120.051))
    assert parse_gpx(gpx(body, root=f'xmlns="{GPX11}"')).version == "1.1"
    gpx10 = 'xmlns="http://www.topografix.com/GPX/1/0"'
    assert parse_gpx(gpx(body, root=gpx10)).version == "1.0"


def test_the_name_falls_back_to_the_first_named_track_then_route() -> None:
    route = "<rte><name>The route</name><desc>Route desc</desc>" + pt(30.09, 120.05, tag="rtept")
    route += pt(30.1, 120.06, tag="rtept") + "</rte>"
    parsed = parse_gpx(gpx(route))
    assert (parsed.name, parsed.description) == ("The route", "Route desc")
    with_track = gpx(route + trk(pt(30.09, 120.05), pt(30.1, 120.06), name="The track"))
    assert parse_gpx(with_track).name == "The track"


def test_a_file_with_a_track_and_a_route_uses_the_track() -> None:
    route = "<rte>" + "".join(pt(30.0 + i / 100, 120.0, tag="rtept") for i in range(5)) + "</rte>"
    body = route + trk(pt(30.09, 120.05), pt(30.091, 120.051), pt(30.092, 120.052))
    parsed = parse_gpx(gpx(body))
    assert parsed.source == "track"
    assert len(parsed.points) == 3


def test_a_single_track_point_gives_way_to_a_route() -> None:
    route = "<rte>" + pt(30.09, 120.05, tag="rtept") + pt(30.1, 120.06, tag="rtept") + "</rte>"
    parsed = parse_gpx(gpx(trk(pt(30.08, 120.04)) + route))
    assert parsed.source == "route"
    assert parsed.points.lat.tolist() == [30.09, 30.1]


def test_segments_follow_trksegs_and_tracks_and_skip_empty_ones() -> None:
    body = (
        "<trk><trkseg>" + pt(30.01, 120.0) + pt(30.02, 120.0) + "</trkseg><trkseg/>"
        "<trkseg>" + pt(30.03, 120.0) + "</trkseg></trk>"
        "<trk><trkseg>" + pt(30.04, 120.0) + pt(30.05, 120.0) + "</trkseg></trk>"
    )
    parsed = parse_gpx(gpx(body))
    assert parsed.points.lat.tolist() == [30.01, 30.02, 30.03, 30.04, 30.05]
    assert parsed.points.segment_starts.tolist() == [0, 2, 3]


def test_a_waypoint_takes_cmt_and_type_when_desc_and_sym_are_absent() -> None:
    wpt = '<wpt lat="30.09" lon="120.05"><name> Tea </name><cmt>Open 9-17</cmt><type>Food</type></wpt>'
    parsed = parse_gpx(gpx(wpt + trk(pt(30.09, 120.05), pt(30.1, 120.06))))
    assert parsed.waypoints == [
        Waypoint(lon=120.05, lat=30.09, name="Tea", description="Open 9-17", kind="Food")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-16T00:30:00Z", epoch(2024, 3, 16, 0, 30, 0)),
        ("2024-03-16T08:30:00+08:00", epoch(2024, 3, 16, 0, 30, 0)),
        ("2024-03-15T20:30:00-04:00", epoch(2024, 3, 16, 0, 30, 0)),
        ("2024-03-16T00:30:00.250Z", epoch(2024, 3, 16, 0, 30, 0) + 0.25),
        ("2024-03-16T08:30:00.5+08:00", epoch(2024, 3, 16, 0, 30, 0) + 0.5),
        ("2024-03-16T00:30:00.123456789Z", epoch(2024, 3, 16, 0, 30, 0) + 0.123456),
        ("2024-03-16T00:30:00", epoch(2024, 3, 16, 0, 30, 0)),  # naive: GPX means UTC
        ("2024-03-16t00:30:00z", epoch(2024, 3, 16, 0, 30, 0)),
        (" 2024-03-16T00:30:00Z\n", epoch(2024, 3, 16, 0, 30, 0)),
        ("yesterday", math.nan),
        ("2024-13-45T99:00:00Z", math.nan),
        ("", math.nan),
    ],
)
def test_times_become_posix_seconds_or_nan(text: str, expected: float) -> None:
    body = trk(pt(30.09, 120.05, f"<time>{text}</time>"), pt(30.1, 120.06))
    got = parse_gpx(gpx(body)).points.time[0]
    assert got == pytest.approx(expected, abs=1e-6, nan_ok=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", 12.5),
        (" 80 ", 80.0),
        ("-3", -3.0),
        ("abc", math.nan),
        ("", math.nan),
        ("nan", math.nan),
        ("inf", math.nan),
    ],
)
def test_elevations_are_numbers_or_nan_never_an_error(text: str, expected: float) -> None:
    body = trk(pt(30.09, 120.05, f"<ele>{text}</ele>"), pt(30.1, 120.06, "<ele>7</ele>"))
    assert parse_gpx(gpx(body)).points.ele[0] == pytest.approx(expected, nan_ok=True)


def test_more_points_than_one_purge_batch_are_all_kept_with_names_intact() -> None:
    # Crosses the internal batch size in a trkseg, in a rte and directly under a trk.
    many = [pt(30.06 + i * 1e-5, 120.0 + i * 1e-5, "<ele>20</ele>") for i in range(2500)]
    seg = "<trk><name>Long</name><trkseg>" + "".join(many) + "</trkseg></trk>"
    parsed = parse_gpx(gpx(seg))
    assert len(parsed.points) == 2500 and parsed.name == "Long"
    assert parsed.points.lat[-1] == pytest.approx(30.06 + 2499e-5)
    route = "<rte><name>Long route</name>" + "".join(m.replace("trkpt", "rtept") for m in many)
    parsed = parse_gpx(gpx(route + "</rte>"))
    assert len(parsed.points) == 2500 and parsed.name == "Long route"
    no_seg = "<trk><name>No trkseg</name>" + "".join(many) + "</trk>"
    parsed = parse_gpx(gpx(no_seg))
    assert len(parsed.points) == 2500 and parsed.name == "No trkseg"


# --- sources -------------------------------------------------------------------------------


class _Unseekable:
    """A read-only stream like a request body: no seek, no tell, small reads."""

    def __init__(self, data: bytes) -> None:
        """Serve `data`."""
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        """At most 1000 bytes at a time."""
        return self._data.read(min(size, 1000) if size >= 0 else 1000)


def test_a_path_bytes_and_binary_file_objects_give_the_same_result() -> None:
    path = fixture("2bulu.gpx")
    reference = parse_gpx(path)
    data = path.read_bytes()
    assert_same_parse(reference, parse_gpx(str(path)))
    assert_same_parse(reference, parse_gpx(data))
    assert_same_parse(reference, parse_gpx(io.BytesIO(data)))
    assert_same_parse(reference, parse_gpx(_Unseekable(data)))  # type: ignore[arg-type]
    with path.open("rb") as f:
        assert_same_parse(reference, parse_gpx(f))
        assert not f.closed  # the caller's file stays the caller's


def test_a_text_mode_file_is_a_programming_error() -> None:
    with fixture("strava.gpx").open(encoding="utf-8") as f, pytest.raises(TypeError, match="'rb'"):
        parse_gpx(f)  # type: ignore[arg-type]


# --- refusals: not XML, not GPX ------------------------------------------------------------


def test_a_truncated_file_is_not_xml() -> None:
    with pytest.raises(NotXmlError) as caught:
        parse_gpx(fixture("malformed.gpx"))
    assert isinstance(caught.value.__cause__, etree.XMLSyntaxError)
    assert caught.value.code == "malformed_xml" and caught.value.status == 400
    assert caught.value.details["line"] > 1


@pytest.mark.parametrize(
    "content",
    [
        fixture("not_xml.gpx").read_bytes(),  # a PNG
        b'{"type": "FeatureCollection", "features": []}',
        b"lat,lon\n30.09,120.05\n",
        b"",
        b"   \n\n",
        b"\x00\x01\x02\xff" * 100,
    ],
    ids=["png", "json", "csv", "empty", "blank", "binary"],
)
def test_bytes_that_are_not_xml_are_refused(content: bytes) -> None:
    with pytest.raises(NotXmlError):
        parse_gpx(content)


def test_an_unsupported_multibyte_encoding_is_refused_not_crashed() -> None:
    content = '<?xml version="1.0" encoding="Shift_JIS"?><gpx/>'.encode("shift_jis")
    with pytest.raises(NotXmlError, match="encoding"):
        parse_gpx(content)


def test_a_kml_document_is_not_gpx() -> None:
    with pytest.raises(NotGpxError) as caught:
        parse_gpx(fixture("not_gpx.xml"))
    assert str(caught.value) == "the root element is <kml>, not <gpx>"
    assert caught.value.details == {"root": "kml"}


# --- refusals: DTDs and entities -----------------------------------------------------------


@pytest.fixture()
def lxml_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any call to lxml's iterparse fail the test: the guard must act first."""

    def boom(*args: object, **kwargs: object) -> None:
        """Fail: the guard should have refused the file before lxml ran."""
        raise AssertionError("lxml saw a file the guard should have refused")

    monkeypatch.setattr(etree, "iterparse", boom)


@pytest.mark.usefixtures("lxml_must_not_run")
@pytest.mark.parametrize("name", ["billion_laughs.gpx", "xxe.gpx"])
def test_entity_attacks_are_refused_before_lxml_sees_them(name: str) -> None:
    with pytest.raises(ForbiddenXmlError) as caught:
        parse_gpx(fixture(name))
    assert isinstance(caught.value.__cause__, DefusedXmlException)
    assert caught.value.code == "forbidden_xml"
    assert "root:" not in str(caught.value)  # /etc/passwd was never read


@pytest.mark.usefixtures("lxml_must_not_run")
@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE gpx>",
        '<!DOCTYPE gpx SYSTEM "http://example.invalid/gpx.dtd">',
        '<!DOCTYPE gpx [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>',
        '<!DOCTYPE gpx [<!ENTITY name "Yinhu">]>',
        "<!-- " + "padding " * 20_000 + "-->\n<!DOCTYPE gpx>",  # past the first chunk
    ],
    ids=["bare", "system", "parameter-entity", "internal-entity", "after-a-long-comment"],
)
def test_any_doctype_is_refused(prolog: str) -> None:
    content = gpx(trk(pt(30.09, 120.05), pt(30.1, 120.06))).replace(
        b"<gpx ", prolog.encode() + b"\n<gpx ", 1
    )
    with pytest.raises(ForbiddenXmlError):
        parse_gpx(content)


@pytest.mark.usefixtures("lxml_must_not_run")
def test_a_doctype_in_a_gbk_file_is_refused_too() -> None:
    content = (
        '<?xml version="1.0" encoding="GBK"?>\n<!-- 银湖 -->\n'
        '<!DOCTYPE gpx [<!ENTITY name "银湖">]>\n<gpx version="1.1"><trk/></gpx>'
    ).encode("gbk")
    with pytest.raises(ForbiddenXmlError):
        parse_gpx(content)


def test_an_undeclared_entity_in_the_body_is_malformed_not_expanded() -> None:
    body = "<metadata><name>&xxe;</name></metadata>" + trk(pt(30.09, 120.05), pt(30.1, 120.06))
    with pytest.raises(NotXmlError):
        parse_gpx(gpx(body))


def test_comments_and_processing_instructions_before_the_root_are_fine() -> None:
    content = gpx(trk(pt(30.09, 120.05), pt(30.1, 120.06))).replace(
        b"<gpx ", b'<?xml-stylesheet href="x.xsl"?>\n<!-- exported by hand -->\n<gpx ', 1
    )
    assert len(parse_gpx(content).points) == 2


# --- refusals: coordinates and emptiness ---------------------------------------------------


def test_a_latitude_out_of_range_names_the_track_point() -> None:
    with pytest.raises(InvalidCoordinateError) as caught:
        parse_gpx(fixture("lat_out_of_range.gpx"))
    assert str(caught.value) == "track point 12: latitude 95.2 is outside -90..90"
    assert caught.value.details == {"point": 12, "field": "lat", "value": "95.2"}
    assert caught.value.status == 422


def test_a_longitude_that_is_not_a_number_names_the_waypoint() -> None:
    with pytest.raises(InvalidCoordinateError) as caught:
        parse_gpx(fixture("lon_not_number.gpx"))
    assert str(caught.value) == "waypoint 3: longitude '120,0501' is not a number"
    assert caught.value.details == {"point": 3, "field": "lon", "value": "120,0501"}


@pytest.mark.parametrize(
    ("second", "message", "details"),
    [
        (
            '<trkpt lon="120.05"/>',
            "track point 2: latitude is missing",
            {"point": 2, "field": "lat", "value": None},
        ),
        (
            '<trkpt lat=" " lon="120.05"/>',
            "track point 2: latitude is missing",
            {"point": 2, "field": "lat", "value": " "},
        ),
        (
            '<trkpt lat="30.1"/>',
            "track point 2: longitude is missing",
            {"point": 2, "field": "lon", "value": None},
        ),
        (
            '<trkpt lat="NaN" lon="120.05"/>',
            "track point 2: latitude 'NaN' is not a finite number",
            {"point": 2, "field": "lat", "value": "NaN"},
        ),
        (
            '<trkpt lat="30.1" lon="-inf"/>',
            "track point 2: longitude '-inf' is not a finite number",
            {"point": 2, "field": "lon", "value": "-inf"},
        ),
        (
            '<trkpt lat="-90.5" lon="120"/>',
            "track point 2: latitude -90.5 is outside -90..90",
            {"point": 2, "field": "lat", "value": "-90.5"},
        ),
        (
            '<trkpt lat="30.1" lon="180.01"/>',
            "track point 2: longitude 180.01 is outside -180..180",
            {"point": 2, "field": "lon", "value": "180.01"},
        ),
        (
            '<trkpt lat="北纬30度" lon="120"/>',
            "track point 2: latitude '北纬30度' is not a number",
            {"point": 2, "field": "lat", "value": "北纬30度"},
        ),
    ],
)
def test_each_bad_coordinate_is_named_precisely(
    second: str, message: str, details: dict[str, object]
) -> None:
    with pytest.raises(InvalidCoordinateError) as caught:
        parse_gpx(gpx(trk(pt(30.09, 120.05), second, pt(30.1, 120.06))))
    assert str(caught.value) == message
    assert caught.value.details == details


def test_a_bad_route_point_is_called_a_route_point() -> None:
    route = "<rte>" + pt(30.09, 120.05, tag="rtept") + pt(91, 120.06, tag="rtept") + "</rte>"
    with pytest.raises(InvalidCoordinateError, match=r"^route point 2: latitude 91 is outside"):
        parse_gpx(gpx(route))


def test_a_very_long_bad_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(InvalidCoordinateError) as caught:
        parse_gpx(gpx(trk(pt("x" * 5000, 120.05), pt(30.1, 120.06))))
    assert len(str(caught.value)) < 120


def test_the_poles_and_the_antimeridian_are_valid() -> None:
    parsed = parse_gpx(gpx(trk(pt(90, 180), pt(-90, -180))))
    assert parsed.points.lat.tolist() == [90.0, -90.0]


@pytest.mark.parametrize("name", ["empty_track.gpx", "waypoints_only.gpx"])
def test_a_file_without_two_track_or_route_points_is_refused(name: str) -> None:
    with pytest.raises(NoPointsError) as caught:
        parse_gpx(fixture(name))
    assert str(caught.value) == "the GPX has no track or route with at least two points"


def test_a_single_point_is_not_a_route() -> None:
    with pytest.raises(NoPointsError):
        parse_gpx(gpx(trk(pt(30.09, 120.05))))

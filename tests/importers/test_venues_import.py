"""parse_venues(): CSV and GeoJSON venue files, each way a row is rejected, each way a file is.

Pure Python: no Flask, no database. Fixtures live in tests/data/venues.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from geo_service.vocabulary import AMENITIES, VENUE_TYPES
from importers.errors import RejectedFile, UnreadableVenueFile
from importers.venue_records import Rejection, VenueFile, VenueRecord
from importers.venues import parse_venues, venue_format
from importers.venues_csv import parse_venues_csv
from importers.venues_geojson import parse_venues_geojson

ROOT = Path(__file__).resolve().parents[2]
VENUE_DIR = ROOT / "tests" / "data" / "venues"
HEADER = "external_id,name,lat,lon,type,capacity,indoor,amenities"
GOOD = "yh-x-001,银湖书房,30.0871,120.0502,bookstore,20,true,wifi;power"


def fixture(name: str) -> bytes:
    """The bytes of a file in tests/data/venues."""
    return (VENUE_DIR / name).read_bytes()


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    """A small UTF-8 CSV file: the header, then the rows."""
    return "\n".join([header, *rows]).encode() + b"\n"


def one_bad_row(row: str) -> Rejection:
    """Parse a good row, the given row and another good row; return the one rejection."""
    other = GOOD.replace("yh-x-001", "yh-x-003")
    parsed = parse_venues_csv(csv_bytes(GOOD, row, other))
    assert [r.row for r in parsed.records] == [1, 3]
    assert len(parsed.rejected) == 1
    assert parsed.rejected[0].row == 2
    return parsed.rejected[0]


def feature(geometry: object, **properties: object) -> dict[str, object]:
    """A GeoJSON Feature with these properties."""
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon: object = 120.05, lat: object = 30.09) -> dict[str, object]:
    """A GeoJSON Point geometry."""
    return {"type": "Point", "coordinates": [lon, lat]}


def collection(*features: object) -> bytes:
    """A FeatureCollection of the features, as UTF-8 bytes."""
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


# --- the sample file -------------------------------------------------------------


def test_the_sample_file_gives_fifty_records_and_no_rejections():
    parsed = parse_venues((ROOT / "data" / "venues.csv").read_bytes(), "venues.csv")
    assert len(parsed.records) == 50
    assert parsed.rejected == []
    assert [r.external_id for r in parsed.records][:2] == ["yh-v-001", "yh-v-002"]
    assert len({r.external_id for r in parsed.records}) == 50


def test_every_sample_venue_lies_in_the_yinhu_area_with_a_known_type_and_amenities():
    parsed = parse_venues((ROOT / "data" / "venues.csv").read_bytes(), "venues.csv")
    for r in parsed.records:
        assert 30.05 <= r.lat <= 30.13 and 120.00 <= r.lon <= 120.10
        assert r.type in VENUE_TYPES
        assert r.amenities and set(r.amenities) <= set(AMENITIES)
        assert r.indoor in (True, False)
        assert r.capacity is not None and 8 <= r.capacity <= 200


def test_a_sample_row_keeps_quoted_opening_hours_and_empty_contact_is_none():
    parsed = parse_venues((ROOT / "data" / "venues.csv").read_bytes(), "venues.csv")
    first, fourth = parsed.records[0], parsed.records[3]
    assert first == VenueRecord(
        row=1,
        name="银湖东门步道起点",
        lon=120.044322,
        lat=30.086477,
        type="trailhead",
        external_id="yh-v-001",
        address="杭州市富阳区银湖街道银湖东门停车场旁",
        capacity=30,
        indoor=False,
        amenities=("water", "parking", "toilets"),
        opening_hours="24/7",
        contact=None,
        organization="yinhu-community",
    )
    assert fourth.opening_hours == "Mo-Fr 09:00-21:00; Sa,Su 09:00-17:00"


# --- CSV reading -----------------------------------------------------------------


def test_a_csv_with_bom_crlf_chinese_and_loose_headers_is_read():
    data = fixture("bom_crlf_chinese.csv")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    parsed = parse_venues_csv(data)
    assert parsed.rejected == []
    shop, tea, pavilion = parsed.records
    assert (shop.name, shop.lat, shop.lon, shop.type) == (
        "银湖书房",
        30.0871,
        120.0502,
        "bookstore",
    )
    assert (shop.capacity, shop.indoor, shop.amenities) == (20, True, ("wifi", "power"))
    assert shop.opening_hours == "Tu-Su 09:00-20:30; Mo off"
    assert (tea.capacity, tea.indoor, tea.amenities) == (None, False, ("water", "toilets"))
    assert (pavilion.external_id, pavilion.indoor, pavilion.opening_hours) == (None, None, None)


def test_columns_may_come_in_any_order_with_aliases_and_unknown_extras():
    data = csv_bytes("x,bookstore,120.05,书房,30.09", header="备注,TYPE,Longitude,name,Latitude")
    (record,) = parse_venues_csv(data).records
    assert (record.name, record.lon, record.lat, record.type) == (
        "书房",
        120.05,
        30.09,
        "bookstore",
    )


def test_empty_optional_cells_become_none_and_surrounding_spaces_are_trimmed():
    data = csv_bytes(" ,  书房 , 30.09 ,120.05, bookstore , , ,  ")
    (record,) = parse_venues_csv(data).records
    assert record == VenueRecord(row=1, name="书房", lon=120.05, lat=30.09, type="bookstore")


def test_blank_lines_are_skipped_but_still_counted_as_rows():
    data = csv_bytes(GOOD, "", ",,,,,,,", "yh-x-002,茶舍,30.1,120.03,tea_house,,,")
    assert [r.row for r in parse_venues_csv(data).records] == [1, 4]


def test_a_quoted_value_may_hold_commas_and_line_breaks():
    data = csv_bytes('yh-x-001,"银湖书房, 二楼",30.09,120.05,bookstore,,,"wifi,\npower"')
    (record,) = parse_venues_csv(data).records
    assert record.name == "银湖书房, 二楼"
    assert record.amenities == ("wifi", "power")


def test_a_header_only_file_has_no_records_and_no_rejections():
    assert parse_venues_csv(csv_bytes()) == VenueFile()


def test_semicolon_or_tab_separated_files_are_read_too():
    for sep in (";", "\t"):
        data = f"name{sep}lat{sep}lon{sep}type\n书房{sep}30.09{sep}120.05{sep}bookstore\n"
        (record,) = parse_venues_csv(data.encode()).records
        assert (record.name, record.type) == ("书房", "bookstore")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("wifi;power", ("wifi", "power")),
        ("wifi, power", ("wifi", "power")),
        ("wifi|power", ("wifi", "power")),
        ("wifi power", ("wifi", "power")),
        ("WiFi ; Power;", ("wifi", "power")),
        ("wifi\uff1bpower\u3001toilets", ("wifi", "power", "toilets")),
        ("wifi;wifi", ("wifi",)),
        ("", ()),
    ],
)
def test_amenities_are_split_leniently_on_separators(cell, expected):
    (record,) = parse_venues_csv(csv_bytes(f'yh-x-001,书房,30.09,120.05,cafe,,,"{cell}"')).records
    assert record.amenities == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("1", True),
        ("是", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("否", False),
        ("", None),
    ],
)
def test_indoor_accepts_the_boolean_words(cell, expected):
    (record,) = parse_venues_csv(csv_bytes(f"yh-x-001,书房,30.09,120.05,cafe,,{cell},")).records
    assert record.indoor is expected


@pytest.mark.parametrize(("cell", "expected"), [("0", 0), ("150", 150), ("30.0", 30), ("", None)])
def test_capacity_accepts_non_negative_whole_numbers(cell, expected):
    (record,) = parse_venues_csv(csv_bytes(f"yh-x-001,书房,30.09,120.05,cafe,{cell},,")).records
    assert record.capacity == expected


def test_the_type_is_read_case_insensitively():
    (record,) = parse_venues_csv(csv_bytes("yh-x-001,书房,30.09,120.05,Tea_House,,,")).records
    assert record.type == "tea_house"


# --- rejected rows ---------------------------------------------------------------


def test_a_row_without_a_name_is_rejected_and_the_others_kept():
    assert one_bad_row("yh-x-002,,30.09,120.05,cafe,,,").reason == "name is missing"


def test_a_name_over_200_characters_is_rejected():
    reason = one_bad_row(f"yh-x-002,{'湖' * 201},30.09,120.05,cafe,,,").reason
    assert reason == "name is 201 characters long, over the limit of 200"


def test_a_name_of_exactly_200_characters_is_kept():
    (record,) = parse_venues_csv(csv_bytes(f"yh-x-001,{'湖' * 200},30.09,120.05,cafe,,,")).records
    assert len(record.name) == 200


@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        ("", "120.05", "lat is missing"),
        ("30.09", " ", "lon is missing"),
        ("abc", "120.05", "lat 'abc' is not a number"),
        ("30,09", "120.05", "lat '30,09' is not a number"),
        ("nan", "120.05", "lat 'nan' is not a finite number"),
        ("30.09", "inf", "lon 'inf' is not a finite number"),
        ("30.09", "1e400", "lon '1e400' is not a finite number"),
        ("90.5", "120.05", "lat '90.5' is out of range (-90 to 90)"),
        ("-91", "120.05", "lat '-91' is out of range (-90 to 90)"),
        ("30.09", "180.01", "lon '180.01' is out of range (-180 to 180)"),
        ("30.09", "-200", "lon '-200' is out of range (-180 to 180)"),
    ],
)
def test_a_row_with_bad_coordinates_is_rejected_and_the_others_kept(lat, lon, reason):
    assert one_bad_row(f'yh-x-002,书房,"{lat}","{lon}",cafe,,,').reason == reason


def test_coordinates_at_the_edges_of_their_range_are_kept():
    (record,) = parse_venues_csv(csv_bytes("yh-x-001,极点,-90,180,trailhead,,,")).records
    assert (record.lat, record.lon) == (-90.0, 180.0)


def test_a_row_with_an_unknown_type_is_rejected_and_the_others_kept():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,xyz,,,").reason
    assert reason.startswith("unknown type 'xyz' (allowed: cafe, community_room,")


def test_a_row_without_a_type_is_rejected():
    assert one_bad_row("yh-x-002,书房,30.09,120.05,,,,").reason == "type is missing"


def test_a_row_with_an_unknown_amenity_is_rejected_naming_it():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,cafe,,,wifi;sauna").reason
    assert reason.startswith("unknown amenity 'sauna' (allowed: wifi, projector,")


def test_several_unknown_amenities_are_all_named():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,cafe,,,wifi;sauna;bar").reason
    assert reason.startswith("unknown amenities 'sauna', 'bar' (allowed:")


def test_amenity_words_are_strict_even_when_separators_are_not():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,cafe,,,wi-fi").reason
    assert reason.startswith("unknown amenity 'wi-fi'")


@pytest.mark.parametrize("cell", ["-5", "2.5", "many", "1e3", "10 people"])
def test_a_capacity_that_is_not_a_non_negative_whole_number_is_rejected(cell):
    reason = one_bad_row(f"yh-x-002,书房,30.09,120.05,cafe,{cell},,").reason
    assert reason == f"capacity '{cell}' is not a non-negative whole number"


def test_a_capacity_too_large_for_the_database_is_rejected():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,cafe,99999999999999999999999,,").reason
    assert reason.startswith("capacity '99999999999999999999999' is over the limit of 1000000")


@pytest.mark.parametrize("cell", ["maybe", "2", "y", "真"])
def test_an_indoor_value_that_is_not_a_boolean_word_is_rejected(cell):
    reason = one_bad_row(f"yh-x-002,书房,30.09,120.05,cafe,,{cell},").reason
    assert reason == f"indoor '{cell}' is not true/false, yes/no, 1/0 or 是/否"


def test_a_repeated_external_id_rejects_the_second_row_only():
    data = csv_bytes(GOOD, GOOD.replace("银湖书房", "另一家"), GOOD.replace("yh-x-001", "yh-x-002"))
    parsed = parse_venues_csv(data)
    assert [(r.row, r.name) for r in parsed.records] == [(1, "银湖书房"), (3, "银湖书房")]
    assert parsed.rejected == [Rejection(2, "duplicate external_id 'yh-x-001' (first in row 1)")]


def test_an_external_id_is_taken_by_its_first_row_even_when_that_row_is_rejected():
    bad_first = GOOD.replace("bookstore", "castle")
    parsed = parse_venues_csv(csv_bytes(bad_first, GOOD))
    assert parsed.records == []
    assert [r.row for r in parsed.rejected] == [1, 2]
    assert parsed.rejected[1].reason == "duplicate external_id 'yh-x-001' (first in row 1)"


def test_rows_without_an_external_id_are_never_duplicates():
    row = ",书房,30.09,120.05,cafe,,,"
    assert len(parse_venues_csv(csv_bytes(row, row)).records) == 2


@pytest.mark.parametrize("column", ["name", "address", "opening_hours", "contact", "external_id"])
def test_a_text_value_with_a_nul_or_other_control_character_is_rejected(column):
    header = "name,lat,lon,type,address,opening_hours,contact,external_id"
    values = {"name": "书房", "address": "", "opening_hours": "", "contact": "", "external_id": ""}
    values[column] = "a\x00b" if column != "contact" else "a\x1bb"
    row = "{name},30.09,120.05,cafe,{address},{opening_hours},{contact},{external_id}"
    parsed = parse_venues_csv(csv_bytes(row.format(**values), header=header))
    assert parsed.records == []
    (rejection,) = parsed.rejected
    assert rejection.reason.startswith(f"{column} ")
    assert "control character" in rejection.reason


def test_tabs_and_line_breaks_inside_a_text_value_are_allowed():
    data = csv_bytes('yh-x-001,"书\t房\r\n二楼",30.09,120.05,cafe,,,')
    (record,) = parse_venues_csv(data).records
    assert record.name == "书\t房\r\n二楼"


@pytest.mark.parametrize(
    ("column", "limit"),
    [("external_id", 100), ("opening_hours", 255), ("contact", 200), ("address", 500)],
)
def test_text_longer_than_its_database_column_is_rejected(column, limit):
    header = f"name,lat,lon,type,{column}"
    parsed = parse_venues_csv(
        csv_bytes(f"书房,30.09,120.05,cafe,{'x' * (limit + 1)}", header=header)
    )
    assert parsed.rejected == [
        Rejection(1, f"{column} is {limit + 1} characters long, over the limit of {limit}")
    ]


def test_a_row_with_several_problems_names_them_all():
    reason = one_bad_row("yh-x-002,,95,120.05,castle,-1,maybe,").reason
    assert reason.split("; ") == [
        "name is missing",
        "lat '95' is out of range (-90 to 90)",
        reason.split("; ")[2],
        "capacity '-1' is not a non-negative whole number",
        "indoor 'maybe' is not true/false, yes/no, 1/0 or 是/否",
    ]
    assert reason.split("; ")[2].startswith("unknown type 'castle'")


def test_a_row_with_more_values_than_columns_is_rejected():
    reason = one_bad_row("yh-x-002,书房,30.09,120.05,cafe,,,wifi,power").reason
    assert reason.startswith("the row has 9 values but the header has 8 columns")


def test_trailing_empty_cells_are_not_extra_values():
    (record,) = parse_venues_csv(csv_bytes(GOOD + ",,")).records
    assert record.name == "银湖书房"


def test_a_short_row_reads_its_missing_cells_as_empty():
    parsed = parse_venues_csv(csv_bytes("yh-x-001,书房,30.09"))
    assert parsed.rejected == [Rejection(1, "lon is missing; type is missing")]


# --- GeoJSON ---------------------------------------------------------------------


def test_a_feature_collection_keeps_points_and_rejects_the_other_geometry():
    parsed = parse_venues_geojson(fixture("venues.geojson"))
    cafe, pavilion, trailhead = parsed.records
    assert (cafe.row, cafe.lon, cafe.lat, cafe.name) == (
        1,
        120.0493,
        30.0869,
        "湖畔咖啡\uff08银湖店\uff09",
    )
    assert (cafe.capacity, cafe.indoor, cafe.organization) == (28, True, "hupan-coffee")
    assert (pavilion.capacity, pavilion.indoor) == (25, False)
    assert (trailhead.row, trailhead.amenities, trailhead.external_id) == (4, (), None)
    assert parsed.rejected == [Rejection(3, "geometry must be a Point, not 'LineString'")]


def test_amenities_may_be_a_json_list_or_a_separated_string():
    cafe, pavilion, _ = parse_venues_geojson(fixture("venues.geojson")).records
    assert cafe.amenities == ("wifi", "power", "toilets")
    assert pavilion.amenities == ("shelter", "water")


def test_a_single_feature_is_one_record():
    parsed = parse_venues_geojson(fixture("single_feature.geojson"))
    assert parsed.rejected == []
    (record,) = parsed.records
    assert (record.row, record.external_id, record.type) == (1, "yh-g-010", "community_room")
    assert (record.capacity, record.indoor, record.amenities) == (40, True, ("projector", "wifi"))


def test_property_names_are_case_insensitive_and_lat_lon_properties_are_ignored():
    data = collection(feature(point(120.05, 30.09), Name="书房", TYPE="cafe", lat=1, lon=2))
    (record,) = parse_venues_geojson(data).records
    assert (record.name, record.type, record.lon, record.lat) == ("书房", "cafe", 120.05, 30.09)


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        (None, "geometry is missing; it must be a Point"),
        ({"type": "Polygon", "coordinates": []}, "geometry must be a Point, not 'Polygon'"),
        (
            {"type": "MultiPoint", "coordinates": [[1, 2]]},
            "geometry must be a Point, not 'MultiPoint'",
        ),
        (
            {"type": "Point", "coordinates": [120.05]},
            "Point coordinates must be [lon, lat], not '[120.05]'",
        ),
        ({"type": "Point"}, "Point coordinates must be [lon, lat], not 'None'"),
    ],
)
def test_a_feature_without_a_usable_point_is_rejected_and_the_others_kept(geometry, reason):
    good = feature(point(), name="书房", type="cafe")
    parsed = parse_venues_geojson(collection(good, feature(geometry, name="亭", type="cafe"), good))
    assert [r.row for r in parsed.records] == [1, 3]
    assert parsed.rejected == [Rejection(2, reason)]


def test_a_feature_missing_its_geometry_member_is_rejected():
    data = collection({"type": "Feature", "properties": {"name": "书房", "type": "cafe"}})
    assert parse_venues_geojson(data).rejected == [
        Rejection(1, "geometry is missing; it must be a Point")
    ]


@pytest.mark.parametrize(
    ("coordinates", "reason"),
    [
        ([30.09, 120.05], "lat '120.05' is out of range (-90 to 90)"),
        (["abc", 30.09], "lon 'abc' is not a number"),
        ([True, 30.09], "lon 'True' is not a number"),
        ([None, 30.09], "lon is missing"),
    ],
)
def test_bad_point_coordinates_are_rejected(coordinates, reason):
    data = collection(
        feature({"type": "Point", "coordinates": coordinates}, name="书房", type="cafe")
    )
    assert parse_venues_geojson(data).rejected == [Rejection(1, reason)]


def test_nan_and_infinity_in_json_coordinates_are_rejected():
    data = b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, Infinity]},'
    data += b' "properties": {"name": "x", "type": "cafe"}}'
    (rejection,) = parse_venues_geojson(data).rejected
    assert rejection.reason == "lat 'inf' is not a finite number; lon 'nan' is not a finite number"


def test_numeric_strings_and_json_numbers_are_both_read():
    data = collection(
        feature(point(), name="书房", type="cafe", capacity="12", indoor=1, external_id=7),
        feature(point(), name="茶舍", type="cafe", capacity=12.0, indoor="否"),
    )
    first, second = parse_venues_geojson(data).records
    assert (first.capacity, first.indoor, first.external_id) == (12, True, "7")
    assert (second.capacity, second.indoor) == (12, False)


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        ({"capacity": 2.5}, "capacity '2.5' is not a non-negative whole number"),
        ({"capacity": -1}, "capacity '-1' is not a non-negative whole number"),
        ({"capacity": True}, "capacity 'True' is not a non-negative whole number"),
        ({"indoor": "maybe"}, "indoor 'maybe' is not true/false, yes/no, 1/0 or 是/否"),
        ({"indoor": 2}, "indoor '2' is not true/false, yes/no, 1/0 or 是/否"),
        (
            {"amenities": ["wifi", 3]},
            "amenities must be text or a list of words, not \"['wifi', 3]\"",
        ),
        ({"name": ["书房"]}, "name must be text, not \"['书房']\""),
        ({"contact": "a\u0000b"}, "contact 'a\\x00b' contains a control character (such as NUL)"),
        ({"address": "\ud800"}, "address '\\ud800' contains a control character (such as NUL)"),
    ],
)
def test_bad_feature_properties_are_rejected_like_csv_cells(properties, reason):
    data = collection(feature(point(), **({"name": "书房", "type": "cafe"} | properties)))
    assert parse_venues_geojson(data).rejected == [Rejection(1, reason)]


def test_a_repeated_external_id_in_geojson_rejects_the_second_feature():
    f = feature(point(), name="书房", type="cafe", external_id="yh-g-001")
    parsed = parse_venues_geojson(collection(f, f))
    assert parsed.rejected == [Rejection(2, "duplicate external_id 'yh-g-001' (first in row 1)")]


def test_items_that_are_not_features_are_rejected():
    good = feature(point(), name="书房", type="cafe")
    parsed = parse_venues_geojson(
        collection(point(), good, "text", {"type": "Feature", "properties": 3})
    )
    assert [r.row for r in parsed.records] == [2]
    assert parsed.rejected == [
        Rejection(1, "item is not a GeoJSON Feature but an object of type 'Point'"),
        Rejection(3, "item is not a GeoJSON Feature but a JSON str"),
        Rejection(4, "properties must be an object, not '3'"),
    ]


def test_a_feature_with_null_properties_is_rejected_for_its_missing_name_and_type():
    data = collection({"type": "Feature", "geometry": point(), "properties": None})
    assert parse_venues_geojson(data).rejected == [Rejection(1, "name is missing; type is missing")]


def test_an_empty_feature_collection_has_no_records():
    assert parse_venues_geojson(collection()) == VenueFile()


# --- unreadable files ------------------------------------------------------------


def unreadable(
    data: bytes, parse: Callable[[bytes], VenueFile] = parse_venues
) -> UnreadableVenueFile:
    """The error parsing these bytes raises."""
    with pytest.raises(UnreadableVenueFile) as info:
        parse(data)
    return info.value


def test_the_unreadable_file_error_is_a_400_rejected_file():
    error = unreadable(b"")
    assert isinstance(error, RejectedFile)
    assert (error.code, error.status) == ("unreadable_file", 400)


def test_a_gbk_encoded_csv_is_refused_as_not_utf8():
    error = unreadable(fixture("gbk.csv"))
    assert error.message.startswith("the file is not UTF-8 text")
    assert isinstance(error.__cause__, UnicodeDecodeError)


def test_non_utf8_geojson_is_refused_too():
    data = '{"type": "FeatureCollection", "features": [], "name": "银湖"}'.encode("gbk")
    assert unreadable(data, parse_venues_geojson).message.startswith("the file is not UTF-8 text")


@pytest.mark.parametrize("data", [b"", b"  \r\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_an_empty_file_is_refused(data):
    assert unreadable(data, parse_venues_csv).message == "the file is empty"
    assert unreadable(data, parse_venues_geojson).message == "the file is empty"


def test_a_csv_the_csv_module_cannot_read_is_refused_with_the_line():
    error = unreadable(b'name,lat,lon,type\n"' + b"x" * 200_000 + b"\n")
    assert error.message.startswith("the CSV cannot be read at line 2: field larger than")
    assert error.details == {"line": 2}


def test_a_csv_of_only_separators_has_no_header_row():
    assert unreadable(b",,,\n,,\n").message == "the file has no header row"


def test_a_csv_header_missing_required_columns_names_them():
    error = unreadable(b"name,latitude,address\n\xe4\xb9\xa6,30.09,x\n")
    assert error.message.startswith("the CSV header is missing the required column(s) lon, type")
    assert error.details == {"missing": ["lon", "type"]}


def test_a_csv_without_a_header_row_is_refused_for_its_missing_columns():
    error = unreadable("书房,30.09,120.05,cafe\n".encode())
    assert error.details == {"missing": ["name", "lat", "lon", "type"]}


def test_a_csv_header_naming_a_column_twice_is_refused():
    error = unreadable(b"name,lat,lon,type,latitude\n")
    assert error.message == "the CSV header names the column(s) lat more than once"


def test_a_json_syntax_error_is_refused_with_its_position():
    error = unreadable(b'{"type": "FeatureCollection",\n "features": [}', parse_venues_geojson)
    assert error.message.startswith("the file is not valid JSON: ")
    assert error.details["line"] == 2
    assert isinstance(error.__cause__, json.JSONDecodeError)


def test_deeply_nested_json_is_refused_not_crashing():
    data = b'{"a": ' * 100_000 + b"1" + b"}" * 100_000
    assert "nested too deeply" in unreadable(data, parse_venues_geojson).message


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the JSON is not a GeoJSON FeatureCollection or Feature; it is a JSON list"),
        (
            {"type": "Point", "coordinates": [120, 30]},
            "the JSON is not a GeoJSON FeatureCollection or Feature; it is an object of type 'Point'",
        ),
        (
            {"name": "x"},
            "the JSON is not a GeoJSON FeatureCollection or Feature; it is an object of type 'None'",
        ),
        ({"type": "FeatureCollection"}, "the FeatureCollection has no 'features' list"),
        (
            {"type": "FeatureCollection", "features": {}},
            "the FeatureCollection has no 'features' list",
        ),
    ],
)
def test_json_that_is_not_a_feature_collection_or_feature_is_refused(document, message):
    assert unreadable(json.dumps(document).encode(), parse_venues_geojson).message == message


# --- format detection ------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content_type", "expected"),
    [
        ("venues.csv", None, "csv"),
        ("VENUES.CSV", "application/json", "csv"),
        ("venues.geojson", None, "geojson"),
        ("venues.json", "text/csv", "geojson"),
        (None, "text/csv; charset=utf-8", "csv"),
        (None, "application/geo+json", "geojson"),
        ("upload", "application/json", "geojson"),
        ("venues.txt", "application/octet-stream", "csv"),
        (None, None, "csv"),
    ],
)
def test_the_format_comes_from_the_extension_then_the_content_type(
    filename, content_type, expected
):
    assert venue_format(b"name,lat,lon,type\n", filename, content_type) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"type": "FeatureCollection"}', "geojson"),
        (b'\xef\xbb\xbf \r\n\t{"type": "Feature"}', "geojson"),
        (b"name,lat,lon,type\n", "csv"),
        (b"[1, 2]", "csv"),
        (b"", "csv"),
    ],
)
def test_without_a_name_or_type_the_first_character_decides(data, expected):
    assert venue_format(data, "upload.bin", "application/octet-stream") == expected


def test_parse_venues_reads_geojson_and_csv_alike():
    from_json = parse_venues(fixture("single_feature.geojson"), content_type="application/geo+json")
    from_sniff = parse_venues(fixture("single_feature.geojson"))
    from_csv = parse_venues(
        fixture("bom_crlf_chinese.csv"), "venues.csv", "application/vnd.ms-excel"
    )
    assert from_json == from_sniff
    assert from_json.records[0].name == "银湖南岸社区活动室"
    assert len(from_csv.records) == 3


def test_a_geojson_named_csv_is_read_as_csv_and_refused_for_its_header():
    with pytest.raises(UnreadableVenueFile) as info:
        parse_venues(fixture("single_feature.geojson"), "venues.csv")
    error = info.value
    assert error.message.startswith("the CSV header is missing the required column(s)")

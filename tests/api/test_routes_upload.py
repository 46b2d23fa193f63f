"""POST /api/v1/routes: real-world files import; bad files are refused, nothing stored."""

from __future__ import annotations

import pytest
from lxml import etree

from importers.gpx import parse_gpx
from tests.conftest import DATA, gpx_bytes
from tests.helpers import line, make_gpx, stored_counts, upload

# A copy of ../shared/schemas/gpx-1.1.xsd (the official schema), so a clone is self-contained.
XSD = DATA / "schemas" / "gpx-1.1.xsd"
GOOD_FILES = [
    "garmin_connect.gpx", "strava.gpx", "osmand.gpx", "komoot.gpx", "2bulu.gpx",
    "foooooot.gpx", "gpx10.gpx", "route_only.gpx", "multi_track.gpx", "no_elevation.gpx",
    "zero_elevation.gpx", "bom_crlf.gpx",
]


@pytest.mark.parametrize("name", GOOD_FILES)
def test_it_imports_a_real_world_export(client, token, name) -> None:
    resp = upload(client, gpx_bytes(name), token, filename=name)
    assert resp.status_code == 201, resp.json
    props = resp.json["properties"]
    assert props["length_m"] > 0
    assert props["duration_s"] > 0
    assert props["difficulty"] in ("easy", "moderate", "hard")
    assert resp.headers["Location"].endswith(f"/api/v1/routes/{resp.json['id']}")
    assert set(props["friendliness"]) == {
        "kids", "elderly", "stroller", "wheelchair", "pets", "beginners"
    }


def test_a_route_without_elevation_reports_no_climb(client, token) -> None:
    resp = upload(client, gpx_bytes("zero_elevation.gpx"), token)
    props = resp.json["properties"]
    assert props["ascent_m"] is None and props["max_ele_m"] is None
    assert len(resp.json["geometry"]["coordinates"][0][0]) == 2


def test_the_same_file_again_answers_409_with_the_existing_id(client, token) -> None:
    first = upload(client, gpx_bytes("strava.gpx"), token)
    again = upload(client, gpx_bytes("strava.gpx"), token, filename="other-name.gpx")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "duplicate"
    assert again.json["error"]["details"]["existing_id"] == first.json["id"]


def test_the_original_file_is_kept_byte_for_byte(client, token, session) -> None:
    from geo_service.queries.routes import route_file

    content = gpx_bytes("bom_crlf.gpx")
    resp = upload(client, content, token)
    stored = route_file(session, resp.json["id"])
    assert stored is not None and stored[0] == content


def test_chinese_names_and_descriptions_survive_upload(client, token) -> None:
    resp = upload(client, gpx_bytes("2bulu.gpx"), token)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in resp.json["properties"]["name"])
    named = upload(client, make_gpx(line((120.05, 30.09), 0, 500)), token, name="银湖 环湖 步道")
    assert named.json["properties"]["name"] == "银湖 环湖 步道"


def test_waypoints_become_the_routes_waypoints(client, token) -> None:
    resp = upload(client, gpx_bytes("osmand.gpx"), token)
    wps = resp.json["properties"]["waypoints"]
    assert len(wps) >= 2
    assert all(len(w["coordinates"]) >= 2 for w in wps)


def _validate_xsd(text: bytes) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(text)
    schema.assertValid(doc)


@pytest.mark.parametrize("name", ["garmin_connect.gpx", "gpx10.gpx", "2bulu.gpx", "route_only.gpx"])
def test_upload_download_reparse_round_trip_is_valid_gpx_11(client, token, name) -> None:
    original = parse_gpx(gpx_bytes(name))
    created = upload(client, gpx_bytes(name), token)
    resp = client.get(f"/api/v1/routes/{created.json['id']}/gpx")
    assert resp.status_code == 200
    assert resp.mimetype == "application/gpx+xml"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    _validate_xsd(resp.data)
    again = parse_gpx(resp.data)
    assert again.version == "1.1"
    assert len(again.points) == len(original.points)
    assert again.points.lat.tolist() == pytest.approx(original.points.lat.tolist(), abs=1e-7)
    assert again.points.segment_starts.tolist() == original.points.segment_starts.tolist()
    assert len(again.waypoints) == len(original.waypoints)
    known_times = ~__import__("numpy").isnan(original.points.time)
    assert again.points.time[known_times].tolist() == pytest.approx(
        original.points.time[known_times].tolist(), abs=1e-3
    )
    assert again.name == created.json["properties"]["name"]


BAD_FILES = [
    ("malformed.gpx", 400, "malformed_xml"),
    ("not_xml.gpx", 400, "malformed_xml"),
    ("billion_laughs.gpx", 400, "forbidden_xml"),
    ("xxe.gpx", 400, "forbidden_xml"),
    ("not_gpx.xml", 400, "not_gpx"),
    ("lat_out_of_range.gpx", 422, "invalid_coordinates"),
    ("lon_not_number.gpx", 422, "invalid_coordinates"),
    ("empty_track.gpx", 422, "no_points"),
    ("waypoints_only.gpx", 422, "no_points"),
]


@pytest.mark.parametrize(("name", "status", "code"), BAD_FILES)
def test_a_bad_file_gets_a_clear_error_and_nothing_is_stored(
    client, token, session, name, status, code
) -> None:
    before = stored_counts(session)
    resp = upload(client, (DATA / "gpx" / name).read_bytes(), token, filename=name)
    assert resp.status_code == status
    assert resp.is_json
    assert resp.json["error"]["code"] == code
    assert resp.json["error"]["message"]
    assert stored_counts(session) == before


def test_an_entity_is_never_expanded_into_the_answer(client, token) -> None:
    resp = upload(client, gpx_bytes("xxe.gpx"), token)
    assert "root:" not in resp.get_data(as_text=True)


def test_a_file_over_the_size_limit_answers_413(client, token, session) -> None:
    big = make_gpx(line((120.05, 30.09), 45, 40_000, step_m=1.0))
    assert len(big) > 2 * 1024 * 1024  # the test app's limit
    before = stored_counts(session)
    resp = upload(client, big, token)
    assert resp.status_code == 413
    assert resp.json["error"]["code"] == "too_large"
    assert stored_counts(session) == before


def test_a_body_far_over_the_limit_is_refused_before_reading(client, token) -> None:
    huge = b"<gpx>" + b" " * (4 * 1024 * 1024)
    resp = upload(client, huge, token)
    assert resp.status_code == 413
    assert resp.json["error"]["code"] == "too_large"


def test_an_upload_without_a_token_answers_401(client) -> None:
    resp = upload(client, gpx_bytes("strava.gpx"), None)
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "unauthorized"


def test_an_upload_with_a_wrong_token_answers_401(client) -> None:
    resp = upload(client, gpx_bytes("strava.gpx"), "not-a-token")
    assert resp.status_code == 401


def test_an_upload_that_is_not_multipart_answers_415(client, token) -> None:
    resp = client.post("/api/v1/routes", data=gpx_bytes("strava.gpx"),
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/gpx+xml"})
    assert resp.status_code == 415
    assert resp.json["error"]["code"] == "unsupported_media_type"


def test_an_upload_without_the_file_field_names_it(client, token) -> None:
    resp = client.post("/api/v1/routes", data={"name": "x"},
                       headers={"Authorization": f"Bearer {token}"},
                       content_type="multipart/form-data")
    assert resp.status_code == 400
    assert resp.json["error"]["details"]["parameter"] == "file"

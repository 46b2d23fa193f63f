"""GET /api/v1/routes (search), one route, profile; PUT surface/friendliness; DELETE."""

from __future__ import annotations

import pytest

from tests.helpers import YINHU, line, make_gpx, upload


def _route(client, token, start, bearing, length_m, name, climb_m=0.0, **form):
    resp = upload(client, make_gpx(line(start, bearing, length_m, climb_m=climb_m), name=name),
                  token, filename=f"{name}.gpx", **form)
    assert resp.status_code == 201, resp.json
    return resp.json


@pytest.fixture()
def three_routes(client, token):
    """North (2 km from Yinhu going north), east far away, and a long one."""
    north = _route(client, token, YINHU, 0, 2000, "North walk")
    # Starts 3 km west of the centre and passes ~600 m south of it going east.
    east = _route(client, token, (YINHU[0] - 3000 / 96_300, YINHU[1] - 600 / 110_900), 90, 6000,
                  "Passing walk")
    far = _route(client, token, (120.30, 30.30), 0, 12_000, "Far ridge", climb_m=900)
    return north, east, far


def test_radius_matches_any_part_of_the_route_and_reports_nearest_approach(client, three_routes):
    north, east, _far = three_routes
    resp = client.get(f"/api/v1/routes?lat={YINHU[1]}&lon={YINHU[0]}&radius_m=1000")
    assert resp.status_code == 200
    ids = [f["id"] for f in resp.json["features"]]
    assert ids == [north["id"], east["id"]]  # nearest first
    dist = {f["id"]: f["properties"]["distance_m"] for f in resp.json["features"]}
    assert dist[north["id"]] == pytest.approx(0, abs=1)
    assert dist[east["id"]] == pytest.approx(600, abs=5)  # nearest approach, not the start
    assert resp.json["total"] == 2


def test_radius_excludes_a_route_just_outside(client, three_routes):
    resp = client.get(f"/api/v1/routes?lat={YINHU[1]}&lon={YINHU[0]}&radius_m=550")
    assert [f["properties"]["name"] for f in resp.json["features"]] == ["North walk"]


def test_bbox_q_and_length_filters(client, three_routes):
    _north, east, far = three_routes
    r = client.get("/api/v1/routes?bbox=120.25,30.25,120.35,30.45")
    assert [f["id"] for f in r.json["features"]] == [far["id"]]
    r = client.get("/api/v1/routes?q=passing")
    assert [f["id"] for f in r.json["features"]] == [east["id"]]
    r = client.get("/api/v1/routes?min_length_m=5000&max_length_m=7000")
    assert [f["id"] for f in r.json["features"]] == [east["id"]]
    r = client.get("/api/v1/routes?difficulty=hard")
    assert [f["id"] for f in r.json["features"]] == [far["id"]]


def test_limit_offset_and_total(client, three_routes):
    r = client.get("/api/v1/routes?limit=2&offset=1")
    assert r.json["total"] == 3
    assert len(r.json["features"]) == 2
    assert r.json["type"] == "FeatureCollection"


def test_surface_and_friendly_for_filters(client, token, three_routes):
    north, east, _far = three_routes
    auth = {"Authorization": f"Bearer {token}"}
    body = {"segments": [{"start_m": 0, "end_m": 1000, "surface": "steps", "condition": "good"}]}
    assert client.put(f"/api/v1/routes/{north['id']}/surface", json=body, headers=auth).status_code == 200
    r = client.get("/api/v1/routes?surface=steps")
    assert [f["id"] for f in r.json["features"]] == [north["id"]]
    client.put(f"/api/v1/routes/{east['id']}/friendliness", json={"pets": "friendly"}, headers=auth)
    r = client.get("/api/v1/routes?friendly_for=pets")
    assert [f["id"] for f in r.json["features"]] == [east["id"]]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lat=30.09", "lon"),
        ("lon=120.05", "lat"),
        ("lat=95&lon=120", "lat"),
        ("lat=30&lon=abc", "lon"),
        ("lat=30&lon=120&radius_m=0", "radius_m"),
        ("lat=30&lon=120&radius_m=-5", "radius_m"),
        ("lat=30&lon=120&radius_m=60000", "radius_m"),
        ("radius_m=100", "radius_m"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=120.1,30,120.0,30.1", "bbox"),
        ("bbox=120,30,200,31", "bbox"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
        ("difficulty=extreme", "difficulty"),
        ("surface=lava", "surface"),
        ("friendly_for=cats", "friendly_for"),
        ("min_length_m=nan", "min_length_m"),
    ],
)
def test_a_bad_query_parameter_answers_400_naming_it(client, query, parameter):
    resp = client.get(f"/api/v1/routes?{query}")
    assert resp.status_code == 400, resp.json
    assert resp.json["error"]["code"] == "invalid_parameter"
    assert resp.json["error"]["details"]["parameter"] == parameter
    assert parameter in resp.json["error"]["message"]


def test_one_route_has_every_contract_field(client, token):
    created = _route(client, token, YINHU, 30, 3000, "Detail walk", climb_m=120)
    r = client.get(f"/api/v1/routes/{created['id']}")
    assert r.status_code == 200
    props = r.json["properties"]
    for key in ("name", "description", "length_m", "ascent_m", "descent_m", "min_ele_m",
                "max_ele_m", "duration_s", "difficulty", "is_loop", "start", "surface_segments",
                "friendliness", "waypoints", "created_at"):
        assert key in props
    assert props["start"] == pytest.approx([YINHU[0], YINHU[1]])
    assert props["length_m"] == pytest.approx(3000, rel=0.01)
    assert props["ascent_m"] == pytest.approx(120, abs=10)
    assert r.json["geometry"]["type"] == "MultiLineString"
    assert len(r.json["geometry"]["coordinates"][0][0]) == 3
    assert r.json["id"] == created["id"] and r.json["type"] == "Feature"
    assert sum(map(len, r.json["geometry"]["coordinates"])) == props["point_count"]


def test_an_unknown_route_answers_404(client):
    for path in ("/api/v1/routes/999999", "/api/v1/routes/999999/gpx",
                 "/api/v1/routes/999999/profile"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.json["error"]["code"] == "not_found"


def test_the_profile_has_at_most_about_1000_samples(client, token):
    created = _route(client, token, YINHU, 0, 30_000, "Long flat", climb_m=50)
    r = client.get(f"/api/v1/routes/{created['id']}/profile")
    prof = r.json["profile"]
    assert 2 <= len(prof) <= 1001
    assert prof[0][0] == pytest.approx(0)
    assert prof[-1][0] == pytest.approx(created["properties"]["length_m"], rel=0.01)


def test_steps_make_the_route_unsuitable_for_strollers_and_wheelchairs(client, token):
    created = _route(client, token, YINHU, 0, 2000, "Stair walk")
    auth = {"Authorization": f"Bearer {token}"}
    body = {"segments": [
        {"start_m": 0, "end_m": 1200, "surface": "asphalt", "condition": "good"},
        {"start_m": 1200, "end_m": 1400, "surface": "steps", "condition": "fair"},
    ]}
    r = client.put(f"/api/v1/routes/{created['id']}/surface", json=body, headers=auth)
    assert r.status_code == 200, r.json
    f = r.json["properties"]["friendliness"]
    assert f["stroller"]["level"] == "unsuitable" and f["stroller"]["source"] == "inferred"
    assert f["wheelchair"]["level"] == "unsuitable"
    assert "steps" in f["wheelchair"]["reason"]
    assert r.json["properties"]["surface_segments"][1]["surface"] == "steps"


def test_a_steep_route_is_unsuitable_for_wheelchairs_with_the_grade_as_reason(client, token):
    created = _route(client, token, YINHU, 0, 1000, "Steep", climb_m=140)
    f = client.get(f"/api/v1/routes/{created['id']}").json["properties"]["friendliness"]
    assert f["wheelchair"]["level"] == "unsuitable"
    assert "%" in f["wheelchair"]["reason"]


@pytest.mark.parametrize(
    "segments",
    [
        [{"start_m": 0, "end_m": 600, "surface": "asphalt", "condition": "good"},
         {"start_m": 500, "end_m": 900, "surface": "gravel", "condition": "good"}],
        [{"start_m": 0, "end_m": 5000, "surface": "asphalt", "condition": "good"}],
        [{"start_m": 300, "end_m": 200, "surface": "asphalt", "condition": "good"}],
        [{"start_m": 0, "end_m": 100, "surface": "lava", "condition": "good"}],
        [{"start_m": 0, "end_m": 100, "surface": "asphalt", "condition": "great"}],
        [{"start_m": -1, "end_m": 100, "surface": "asphalt", "condition": "good"}],
    ],
)
def test_a_bad_surface_list_answers_400_and_changes_nothing(client, token, segments):
    created = _route(client, token, YINHU, 0, 1000, "Surface walk")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.put(f"/api/v1/routes/{created['id']}/surface", json={"segments": segments},
                   headers=auth)
    assert r.status_code == 400, r.json
    assert r.json["error"]["code"] == "invalid_parameter"
    after = client.get(f"/api/v1/routes/{created['id']}").json["properties"]
    assert after["surface_segments"] == []


def test_a_manual_level_wins_and_null_returns_to_inferred(client, token):
    created = _route(client, token, YINHU, 0, 1000, "Manual walk")
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/routes/{created['id']}/friendliness"
    inferred = created["properties"]["friendliness"]["kids"]
    r = client.put(url, json={"kids": "unsuitable", "pets": "friendly"}, headers=auth)
    assert r.status_code == 200
    f = r.json["properties"]["friendliness"]
    assert f["kids"] == {"level": "unsuitable", "source": "manual", "reason": "set by hand",
                         "reasons": [{"code": "set_by_hand", "params": {}}]}
    r = client.put(url, json={"kids": None}, headers=auth)
    assert r.json["properties"]["friendliness"]["kids"] == inferred
    assert r.json["properties"]["friendliness"]["pets"]["level"] == "friendly"


def test_a_bad_friendliness_body_answers_400(client, token):
    created = _route(client, token, YINHU, 0, 1000, "Bad levels")
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/routes/{created['id']}/friendliness"
    assert client.put(url, json={"kids": "great"}, headers=auth).status_code == 400
    r = client.put(url, json={"cats": "friendly"}, headers=auth)
    assert r.status_code == 400
    assert r.json["error"]["details"]["parameter"] == "cats"


def test_only_the_owner_or_an_admin_may_delete(client, make_token):
    owner, other, admin = make_token("member"), make_token("member"), make_token("admin")
    a = _route(client, owner, YINHU, 0, 500, "Mine")
    b = _route(client, owner, YINHU, 90, 500, "Also mine")
    r = client.delete(f"/api/v1/routes/{a['id']}", headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 403
    r = client.delete(f"/api/v1/routes/{a['id']}", headers={"Authorization": f"Bearer {owner}"})
    assert r.status_code == 204
    assert client.get(f"/api/v1/routes/{a['id']}").status_code == 404
    r = client.delete(f"/api/v1/routes/{b['id']}", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 204
    r = client.delete("/api/v1/routes/999999", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 404
    assert client.delete(f"/api/v1/routes/{b['id']}").status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/v1/routes/99999999999999999999", "/api/v1/routes/0", "/api/v1/routes/abc"]
)
def test_an_impossible_id_is_a_json_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json["error"]["code"] == "not_found"


def test_a_nul_in_a_query_parameter_is_a_400_not_a_500(client):
    r = client.get("/api/v1/routes?q=a%00b")
    assert r.status_code == 400
    assert r.json["error"]["details"]["parameter"] == "q"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"segments": "asphalt"}', "application/json"),
        ('{"segments": [1]}', "application/json"),
        ('{"segments": [{"start_m": "a", "end_m": 5, "surface": "wood", "condition": "good"}]}',
         "application/json"),
        ('{"segments": []}', "text/plain"),
    ],
)
def test_a_malformed_surface_body_is_a_400(client, token, body, content_type):
    created = _route(client, token, YINHU, 0, 500, "Body walk")
    r = client.put(f"/api/v1/routes/{created['id']}/surface", data=body,
                   headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    assert r.status_code in (400, 415), r.data
    assert r.is_json and "error" in r.json


def test_an_empty_surface_list_clears_the_surfaces(client, token):
    created = _route(client, token, YINHU, 0, 500, "Clear walk")
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/routes/{created['id']}/surface"
    client.put(url, json={"segments": [{"start_m": 0, "end_m": 400, "surface": "wood",
                                        "condition": "good"}]}, headers=auth)
    r = client.put(url, json={"segments": []}, headers=auth)
    assert r.status_code == 200
    assert r.json["properties"]["surface_segments"] == []

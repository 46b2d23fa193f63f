"""Venues: search by radius (exact at the edge), k nearest, bbox, filters, along a route."""

from __future__ import annotations

import pytest
from pyproj import Geod

from geo_service.queries.venue_writes import create_venue, upsert_organizations
from tests.helpers import YINHU, line, make_gpx, upload

GEOD = Geod(ellps="WGS84")


def at(distance_m: float, bearing: float, origin=YINHU) -> tuple[float, float]:
    """The point `distance_m` metres from origin on the ellipsoid."""
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], bearing, distance_m)
    return lon, lat


def add(session, name, lon, lat, **cols) -> int:
    values = {"name": name, "type": "cafe", "lon": lon, "lat": lat, "amenities": []} | cols
    vid = create_venue(session, values)
    session.commit()
    return vid


@pytest.fixture()
def orgs(session):
    upsert_organizations(session, [
        {"key": "yinhu-community", "name": "银湖社区", "kind": "community"},
        {"key": "cafe-chain", "name": "Cafe chain", "kind": "partner"},
    ])
    session.commit()
    from geo_service.queries.venue_writes import organization_ids
    return organization_ids(session)


@pytest.fixture()
def ring(session, orgs):
    """Venues at 100, 250, 500, 1000 and 3000 m around Yinhu."""
    return {
        100: add(session, "一百米咖啡", *at(100, 10), capacity=10, amenities=["wifi"], indoor=True,
                 organization_id=orgs["cafe-chain"]),
        250: add(session, "Reading room", *at(250, 200), type="bookstore", capacity=25,
                 amenities=["wifi", "power", "toilets"], indoor=True),
        500: add(session, "Pavilion", *at(500, 95), type="park_pavilion", capacity=40,
                 amenities=["shelter", "toilets"], indoor=False,
                 organization_id=orgs["yinhu-community"]),
        1000: add(session, "Community room", *at(1000, 0), type="community_room", capacity=60,
                  amenities=["wifi", "projector", "power", "toilets"], indoor=True,
                  organization_id=orgs["yinhu-community"]),
        3000: add(session, "Far trailhead", *at(3000, 270), type="trailhead", capacity=None),
    }


def names(resp) -> list[str]:
    assert resp.status_code == 200, resp.json
    return [f["properties"]["name"] for f in resp.json["features"]]


def test_radius_is_exact_at_the_edge(client, ring):
    base = f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}"
    inside = client.get(base + "&radius_m=1010").json
    assert ring[1000] in [f["id"] for f in inside["features"]]
    outside = client.get(base + "&radius_m=990").json
    assert ring[1000] not in [f["id"] for f in outside["features"]]
    d = {f["id"]: f["properties"]["distance_m"] for f in inside["features"]}
    assert d[ring[1000]] == pytest.approx(1000, abs=0.1)
    assert [f["id"] for f in inside["features"]] == [ring[100], ring[250], ring[500], ring[1000]]
    assert inside["total"] == 4


def test_k_nearest_come_in_exact_distance_order(client, ring):
    r = client.get(f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&k=3")
    assert [f["id"] for f in r.json["features"]] == [ring[100], ring[250], ring[500]]
    dists = [f["properties"]["distance_m"] for f in r.json["features"]]
    assert dists == pytest.approx([100, 250, 500], abs=0.1)


def test_k_nearest_respects_filters(client, ring):
    r = client.get(f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&k=2&amenity=toilets")
    assert [f["id"] for f in r.json["features"]] == [ring[250], ring[500]]


def test_k_nearest_with_a_rare_filter_looks_past_the_nearest_venues(client, session):
    # More cafés nearby than a filtered search first looks at, and the libraries
    # beyond them: found all the same, in exact order.
    from sqlalchemy import text

    from geo_service.queries.venues import window

    session.execute(text(
        "INSERT INTO venues (name, type, geom) SELECT 'cafe ' || i, 'cafe',"
        " ST_SetSRID(ST_MakePoint(:lon + (random() - 0.5) * 0.01,"
        " :lat + (random() - 0.5) * 0.01), 4326) FROM generate_series(1, :n) i"
    ), {"lon": YINHU[0], "lat": YINHU[1], "n": window(3) + 500})
    libraries = [add(session, f"library {d}", *at(d, 37 * d % 360), type="library")
                 for d in (9000, 2000, 400, 15000)]
    r = client.get(f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&k=3&type=library")
    assert [f["id"] for f in r.json["features"]] == [libraries[2], libraries[1], libraries[0]]
    assert r.json["total"] == 3
    r = client.get(f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&k=3&q=nobody")
    assert r.json["features"] == [] and r.json["total"] == 0


def test_bbox_finds_what_is_inside(client, ring):
    lon, lat = at(3000, 270)
    r = client.get(f"/api/v1/venues?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}")
    assert names(r) == ["Far trailhead"]
    assert "distance_m" not in r.json["features"][0]["properties"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=bookstore", ["Reading room"]),
        ("min_capacity=40", ["Pavilion", "Community room"]),
        ("amenity=wifi&amenity=power", ["Reading room", "Community room"]),
        ("indoor=false", ["Pavilion"]),
        ("organization=yinhu-community", ["Pavilion", "Community room"]),
        ("q=咖啡", ["一百米咖啡"]),
    ],
)
def test_filters_narrow_a_radius_search(client, ring, query, expected):
    r = client.get(f"/api/v1/venues?lat={YINHU[1]}&lon={YINHU[0]}&radius_m=5000&{query}")
    assert names(r) == expected


def test_organization_filter_takes_an_id_too(client, ring, orgs):
    r = client.get(f"/api/v1/venues?organization={orgs['cafe-chain']}")
    assert names(r) == ["一百米咖啡"]


def test_one_venue_has_every_contract_field(client, ring):
    r = client.get(f"/api/v1/venues/{ring[1000]}")
    assert r.status_code == 200
    props = r.json["properties"]
    for key in ("name", "type", "address", "capacity", "indoor", "amenities", "opening_hours",
                "contact", "organization"):
        assert key in props
    assert props["organization"]["key"] == "yinhu-community"
    assert r.json["geometry"]["type"] == "Point"
    assert client.get("/api/v1/venues/999999").status_code == 404


def test_organizations_list_their_venues(client, ring):
    r = client.get("/api/v1/organizations")
    orgs = r.json["organizations"]
    assert orgs[0]["kind"] == "community"
    community = orgs[0]
    assert sorted(v["name"] for v in community["venues"]) == ["Community room", "Pavilion"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lat=30.09", "lon"),
        ("lon=120.05&radius_m=10", "lat"),
        ("lat=30.09&lon=120.05&radius_m=0", "radius_m"),
        ("lat=30.09&lon=120.05&radius_m=-3", "radius_m"),
        ("lat=30.09&lon=120.05&radius_m=50001", "radius_m"),
        ("lat=30.09&lon=120.05&k=0", "k"),
        ("lat=30.09&lon=120.05&k=501", "k"),
        ("k=5", "k"),
        ("lat=30.09&lon=120.05&k=5&radius_m=100", "k"),
        ("bbox=120.1,30.0,120.0,30.1", "bbox"),
        ("bbox=120.0,-95,120.1,30.1", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("type=castle", "type"),
        ("amenity=wifi&amenity=sauna", "amenity"),
        ("min_capacity=-1", "min_capacity"),
        ("indoor=maybe", "indoor"),
        ("organization=nobody", "organization"),
    ],
)
def test_a_bad_venue_query_answers_400_naming_the_parameter(client, orgs, query, parameter):
    r = client.get(f"/api/v1/venues?{query}")
    assert r.status_code == 400, r.json
    assert r.json["error"]["details"]["parameter"] == parameter


def test_the_radius_ceiling_is_configurable(app, client):
    app.config["MAX_RADIUS_M"] = 1000
    r = client.get("/api/v1/venues?lat=30.09&lon=120.05&radius_m=1500")
    assert r.status_code == 400


# --- along a route -----------------------------------------------------------------

def _north_route(client, token, length_m=3000):
    resp = upload(client, make_gpx(line(YINHU, 0, length_m, step_m=20)), token, filename="n.gpx")
    assert resp.status_code == 201
    return resp.json


def test_venues_along_a_route_come_in_route_order_with_distance_and_along(
    client, session, token
):
    route = _north_route(client, token)
    a = add(session, "at 2500, 200 m west", *at(200, 270, at(2500, 0)), capacity=30)
    b = add(session, "at 500, 100 m east", *at(100, 90, at(500, 0)), capacity=30)
    c = add(session, "at 1500, 50 m east", *at(50, 90, at(1500, 0)), capacity=5)
    add(session, "400 m off the route", *at(400, 90, at(1000, 0)), capacity=30)
    r = client.get(f"/api/v1/routes/{route['id']}/venues")
    feats = r.json["features"]
    assert [f["id"] for f in feats] == [b, c, a]
    along = [f["properties"]["along_m"] for f in feats]
    assert along == pytest.approx([500, 1500, 2500], abs=3)
    dist = [f["properties"]["distance_m"] for f in feats]
    assert dist == pytest.approx([100, 50, 200], abs=1)
    assert all(0 <= x <= route["properties"]["length_m"] for x in along)
    r = client.get(f"/api/v1/routes/{route['id']}/venues?within_m=500&min_capacity=20")
    assert [f["properties"]["name"] for f in r.json["features"]] == [
        "at 500, 100 m east", "400 m off the route", "at 2500, 200 m west"
    ]


def test_along_is_exact_at_the_corridor_edge(client, session, token):
    route = _north_route(client, token)
    add(session, "300 m east of km 1.5", *at(300, 90, at(1500, 0)))
    url = f"/api/v1/routes/{route['id']}/venues?within_m="
    inside = client.get(url + "301").json["features"]
    assert [f["properties"]["name"] for f in inside] == ["300 m east of km 1.5"]
    assert inside[0]["properties"]["distance_m"] == pytest.approx(300, abs=0.2)
    assert inside[0]["properties"]["along_m"] == pytest.approx(1500, abs=1)
    assert client.get(url + "299").json["features"] == []


def test_a_venue_at_the_end_of_the_route_is_at_its_length(client, session, token):
    route = _north_route(client, token, 2000)
    add(session, "end", *at(2000, 0))
    feats = client.get(f"/api/v1/routes/{route['id']}/venues").json["features"]
    assert feats[0]["properties"]["along_m"] == pytest.approx(
        route["properties"]["length_m"], abs=1
    )


def test_along_counts_only_segment_distance_on_multi_part_routes(client, session, token):
    from tests.conftest import gpx_bytes

    resp = upload(client, gpx_bytes("multi_track.gpx"), token)
    route = resp.json
    coords = route["geometry"]["coordinates"]
    last_lon, last_lat = coords[-1][-1][:2]
    add(session, "at the very end", last_lon, last_lat)
    feats = client.get(f"/api/v1/routes/{route['id']}/venues").json["features"]
    end = next(f for f in feats if f["properties"]["name"] == "at the very end")
    assert end["properties"]["along_m"] == pytest.approx(route["properties"]["length_m"], abs=1)


def test_along_an_unknown_route_is_404_and_bad_within_is_400(client, token):
    assert client.get("/api/v1/routes/999999/venues").status_code == 404
    route = _north_route(client, token, 500)
    r = client.get(f"/api/v1/routes/{route['id']}/venues?within_m=0")
    assert r.status_code == 400
    assert r.json["error"]["details"]["parameter"] == "within_m"

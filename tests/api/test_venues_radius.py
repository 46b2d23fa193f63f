"""The radius search decides most venues with a cheap mid-latitude distance and measures
only the doubtful ones on the ellipsoid: its answers must equal measuring them all."""

from __future__ import annotations

import random

import pytest
from pyproj import Geod
from sqlalchemy import text

from geo_service.queries import spatial
from geo_service.queries import venues as q

GEOD = Geod(ellps="WGS84")

# (lon, lat, radius_m): the fast path at home, on the equator and near its latitude
# limit; the exact-only path across the antimeridian, near a pole and past 100 km.
CASES = [
    (120.05, 30.09, 500.0),
    (120.05, 30.09, 3000.0),
    (0.0, 0.0, 5000.0),
    (-70.0, -79.5, 20000.0),
    (179.99, 10.0, 3000.0),
    (30.0, 89.7, 50000.0),  # the circle holds the pole
    (120.05, 30.09, 150000.0),
]


def scatter(session, lon: float, lat: float, r: float, seed: int) -> None:
    """300 venues around the centre, most of them within 2.5 % of the edge."""
    rng = random.Random(seed)
    dists = ([rng.uniform(0.975, 1.025) * r for _ in range(150)]
             + [r + rng.uniform(-0.5, 0.5) for _ in range(20)]
             + [rng.uniform(0, 1.3) * r for _ in range(130)])
    lons, lats, types = [], [], []
    for i, d in enumerate(dists):
        x, y, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360), d)
        lons.append(x)
        lats.append(y)
        types.append("cafe" if i % 2 else "bookstore")
    session.execute(text(
        "INSERT INTO venues (name, type, geom) SELECT 'v' || i, t,"
        " ST_SetSRID(ST_MakePoint(x, y), 4326)"
        " FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[]), CAST(:t AS text[]))"
        " WITH ORDINALITY AS u(x, y, t, i)"
    ), {"x": lons, "y": lats, "t": types})


def measured(session, lon: float, lat: float, r: float, type_: str | None = None):
    """(id, distance) of every venue within r by PostGIS's geodesic, nearest first."""
    rows = session.execute(text(
        "SELECT id, d FROM (SELECT id, ST_Distance(geography(geom),"
        " geography(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))) AS d FROM venues"
        " WHERE CAST(:t AS text) IS NULL OR type = :t) s WHERE d <= :r ORDER BY d, id"
    ), {"lon": lon, "lat": lat, "r": r, "t": type_})
    return [(row.id, round(row.d, 1)) for row in rows]


def found(page: q.VenuePage) -> list[tuple[int, float]]:
    import json

    return [(f["id"], f["properties"]["distance_m"]) for f in map(json.loads, page.features)]


@pytest.mark.parametrize(("lon", "lat", "r"), CASES)
def test_the_radius_search_equals_measuring_every_venue(session, lon, lat, r):
    scatter(session, lon, lat, r, seed=int(abs(lon * 100 + lat)))
    want = measured(session, lon, lat, r)
    assert 150 < len(want) < 300  # the edge cases really straddle the edge
    page = q.venues_near(session, lon, lat, r, q.VenueFilters(), limit=500)
    assert page.total == len(want)
    assert found(page) == want


@pytest.mark.parametrize(("lon", "lat", "r"), [CASES[1], CASES[4]])
def test_every_page_is_the_right_slice(session, lon, lat, r):
    scatter(session, lon, lat, r, seed=3)
    want = measured(session, lon, lat, r)
    for offset in (0, 7, 49, len(want) - 3):
        page = q.venues_near(session, lon, lat, r, q.VenueFilters(), limit=7, offset=offset)
        assert (page.total, found(page)) == (len(want), want[offset:offset + 7])
    past = q.venues_near(session, lon, lat, r, q.VenueFilters(), limit=7, offset=len(want) + 5)
    assert (past.total, past.features) == (len(want), [])


def test_a_filtered_radius_search_equals_measuring_every_venue(session):
    lon, lat, r = CASES[1]
    scatter(session, lon, lat, r, seed=5)
    want = measured(session, lon, lat, r, "cafe")
    page = q.venues_near(session, lon, lat, r, q.VenueFilters(type="cafe"), limit=500)
    assert (page.total, found(page)) == (len(want), want)


def test_the_mid_latitude_distance_is_within_a_tenth_of_the_margin(session):
    # The fast path trusts MIDLAT_SQL to within EPS of the geodesic; check 10x tighter,
    # from the equator to the 80th parallel and out to 100 km.
    rng = random.Random(11)
    worst = 0.0
    for _ in range(60):
        lon, lat = rng.uniform(-179, 179), rng.uniform(-80, 80)
        points = [GEOD.fwd(lon, lat, rng.uniform(0, 360), rng.uniform(1, 100_000))[:2]
                  for _ in range(50)]
        worst = max(worst, session.execute(text(
            f"WITH c AS ({spatial.RADIUS_CENTRE_SQL}),"
            " p AS (SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt FROM"
            " unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) AS u(x, y))"
            f" SELECT max(abs({spatial.MIDLAT_SQL.format(p='p.pt')}"
            " / ST_Distance(geography(p.pt), c.g) - 1)) FROM p, c"
        ), {"lon": lon, "lat": lat, "radius_m": 1000.0,
            "x": [p[0] for p in points], "y": [p[1] for p in points]}).scalar_one())
    assert worst < spatial.EPS / 10


def test_a_page_boundary_among_venues_at_nearly_one_distance(session):
    # 30 venues 15 km out, a few centimetres apart, in every direction: the cheap
    # distance orders them differently from the geodesic, and a page must still be cut
    # by the geodesic.
    lon, lat = -70.0, -79.5
    points = [GEOD.fwd(lon, lat, 12 * i, 15_000 + 0.002 * i)[:2] for i in range(30)]
    session.execute(text(
        "INSERT INTO venues (name, type, geom) SELECT 'v' || i, 'cafe',"
        " ST_SetSRID(ST_MakePoint(x, y), 4326)"
        " FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) WITH ORDINALITY AS u(x, y, i)"
    ), {"x": [p[0] for p in points], "y": [p[1] for p in points]})
    want = [vid for vid, _ in measured(session, lon, lat, 20_000)]
    for offset in range(0, 30, 3):
        page = q.venues_near(session, lon, lat, 20_000, q.VenueFilters(), limit=4, offset=offset)
        assert [vid for vid, _ in found(page)] == want[offset:offset + 4]

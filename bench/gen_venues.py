"""Fill a database with 1M venues and 10k routes in a 40 km x 40 km box around Yinhu.

Everything is generated inside PostgreSQL (seeded random walks and points), so the
million rows take seconds rather than a million round trips. One more route, ~20 km
long (source_format 'bench-20km', name 'bench 20 km'), is a smooth wandering line
for the along-route benchmark (`bench/venues_search.py`). The venues are then stored in
location order (`geo-service db cluster`), as an operator does after a bulk import.

    .venv/bin/python -m bench.gen_venues --url postgresql+psycopg://…/yinhu_bench
"""

from __future__ import annotations

import argparse
import math
import random
import time

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo_service import migrate
from geo_service.db import make_engine
from geo_service.queries.maintenance import cluster_venues, venues_clustered

# 40 km x 40 km around Yinhu (30.09 N, 120.05 E): ±20 km is ±0.1803° lat, ±0.2077° lon.
CENTRE_LON, CENTRE_LAT = 120.05, 30.09
HALF_LAT, HALF_LON = 0.1803, 0.2077

VENUES_SQL = """
SELECT setseed(0.42);
INSERT INTO venues (name, type, capacity, indoor, amenities, geom)
SELECT 'venue ' || i,
       (ARRAY['cafe','community_room','bookstore','park_pavilion','coworking','sports_ground',
              'trailhead','restaurant','library','tea_house'])[1 + floor(random() * 10)::int],
       5 + floor(random() * 120)::int,
       random() < 0.6,
       (SELECT coalesce(array_agg(a), '{}') FROM unnest(ARRAY['wifi','projector','power',
              'toilets','water','parking','wheelchair_access','shelter']) a
        WHERE random() < 0.35),
       ST_SetSRID(ST_MakePoint(:lon + (random() * 2 - 1) * :hlon,
                               :lat + (random() * 2 - 1) * :hlat), 4326)
FROM generate_series(1, :n) i;
"""

# Random walks: ~300 steps of ~25 m each (~7.5 km), with a gentle elevation wave.
ROUTES_SQL = """
SELECT setseed(0.24);
WITH starts AS (
  SELECT r, :lon + (random() * 2 - 1) * (:hlon * 0.9) AS lon0,
            :lat + (random() * 2 - 1) * (:hlat * 0.9) AS lat0, random() * 6.28 AS h0
  FROM generate_series(1, :n) r
), steps AS (
  SELECT r, s, lon0, lat0,
         h0 + sum((random() - 0.5) * 0.6) OVER (PARTITION BY r ORDER BY s) AS h
  FROM starts, generate_series(0, :steps) s
), pts AS (
  SELECT r, s,
         lon0 + sum(25 * sin(h) / 96300.0) OVER (PARTITION BY r ORDER BY s) AS lon,
         lat0 + sum(25 * cos(h) / 110900.0) OVER (PARTITION BY r ORDER BY s) AS lat
  FROM steps
), lines AS (
  SELECT r, ST_SetSRID(ST_MakeLine(ST_MakePoint(lon, lat, 20 + 15 * sin(s / 20.0))
                                   ORDER BY s), 4326) AS g
  FROM pts GROUP BY r
)
INSERT INTO routes (name, geom, geom_display, start, length_m, ascent_m, descent_m,
                    duration_s, effort_km, difficulty, is_loop, has_elevation, has_times,
                    point_count, profile, source_format)
SELECT 'bench route ' || r, ST_Multi(g), ST_Multi(ST_Force2D(g)), ST_StartPoint(ST_Force2D(g)),
       ST_Length(geography(g)), 100, 100, ST_Length(geography(g)) / 1.11, 8, 'moderate',
       false, true, false, ST_NPoints(g), '[]'::jsonb, 'bench'
FROM lines;
"""

# The 20 km route: 2,000 steps of 10 m (a GPS track's spacing). The heading follows
# a slowly drifting course with a mean-reverting meander around it, both smoothed, so
# the line bends like a path (no zig-zag, no tight curls); a gentle pull towards the
# centre keeps it inside the box.
LONG_ROUTE_NAME, LONG_ROUTE_FORMAT = "bench 20 km", "bench-20km"
LONG_ROUTE_SQL = """
WITH pts AS (
  SELECT ST_MakePoint(lon, lat, ele) AS p, n
  FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[]), CAST(:eles AS float8[]))
       WITH ORDINALITY AS t(lon, lat, ele, n)
), line AS (SELECT ST_SetSRID(ST_MakeLine(p ORDER BY n), 4326) AS g FROM pts)
INSERT INTO routes (name, geom, geom_display, start, length_m, ascent_m, descent_m,
                    duration_s, effort_km, difficulty, is_loop, has_elevation, has_times,
                    point_count, profile, source_format)
SELECT :name, ST_Multi(g), ST_Multi(ST_Simplify(ST_Force2D(g), 0.00005, true)),
       ST_StartPoint(ST_Force2D(g)), ST_Length(geography(g)), 150, 150,
       ST_Length(geography(g)) / 1.11, 22, 'moderate', false, true, false, ST_NPoints(g),
       '[]'::jsonb, :format
FROM line
"""


def long_route_points(
    steps: int = 2000, step_m: float = 10.0, seed: int = 20
) -> tuple[list[float], list[float], list[float]]:
    """Longitudes, latitudes and elevations of the seeded ~20 km wandering line."""
    rng = random.Random(seed)
    lon, lat = CENTRE_LON - 0.04, CENTRE_LAT - 0.03
    course = rng.uniform(0, 2 * math.pi)
    meander = 0.0
    heading = course
    lons, lats, eles = [lon], [lat], [30.0]
    m_lon = 111_320 * math.cos(math.radians(CENTRE_LAT))  # metres per degree
    m_lat = 110_900.0
    for i in range(1, steps + 1):
        course += rng.gauss(0, 0.01)  # the general direction drifts slowly
        dx, dy = (CENTRE_LON - lon) * m_lon, (CENTRE_LAT - lat) * m_lat
        if math.hypot(dx, dy) > 8000:  # steer back towards the centre
            course += 0.01 * math.sin(math.atan2(dx, dy) - course)
        meander = 0.99 * meander + rng.gauss(0, 0.03)  # bends of a few hundred metres
        heading += 0.08 * (course + meander - heading)  # smoothed: no sharp corners
        lon += step_m * math.sin(heading) / m_lon
        lat += step_m * math.cos(heading) / m_lat
        lons.append(lon)
        lats.append(lat)
        eles.append(30 + 25 * math.sin(i / 170) + 8 * math.sin(i / 37))
    return lons, lats, eles


def generate(url: str, venues: int = 1_000_000, routes: int = 10_000) -> None:
    """Create and migrate the database, then fill the bench tables unless they hold the data."""
    migrate.ensure_database(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    params = {"lon": CENTRE_LON, "lat": CENTRE_LAT, "hlon": HALF_LON, "hlat": HALF_LAT}
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM venues")).scalar_one()
        fresh = have < venues  # new rows lie in random order on disk
        if fresh:
            t = time.perf_counter()
            conn.execute(text("TRUNCATE venues CASCADE"))
            for stmt in VENUES_SQL.strip().split(";\n"):
                if stmt.strip():
                    conn.execute(text(stmt), params | {"n": venues})
            print(f"venues: {venues:,} in {time.perf_counter() - t:.0f} s", flush=True)
        have = conn.execute(text("SELECT count(*) FROM routes WHERE source_format = 'bench'"))
        if have.scalar_one() < routes:
            t = time.perf_counter()
            for stmt in ROUTES_SQL.strip().split(";\n"):
                if stmt.strip():
                    conn.execute(text(stmt), params | {"n": routes, "steps": 300})
            print(f"routes: {routes:,} in {time.perf_counter() - t:.0f} s", flush=True)
        have = conn.execute(
            text("SELECT count(*) FROM routes WHERE source_format = :f"), {"f": LONG_ROUTE_FORMAT}
        )
        if have.scalar_one() == 0:
            lons, lats, eles = long_route_points()
            conn.execute(text(LONG_ROUTE_SQL), {
                "lons": lons, "lats": lats, "eles": eles,
                "name": LONG_ROUTE_NAME, "format": LONG_ROUTE_FORMAT,
            })
            print("route: 1 of ~20 km", flush=True)
    with Session(engine) as session:
        if fresh or not venues_clustered(session):
            # What an operator does after a bulk import (`geo-service db cluster`).
            t = time.perf_counter()
            cluster_venues(session)
            session.commit()
            print(f"venues clustered by location in {time.perf_counter() - t:.0f} s", flush=True)
    engine.dispose()
    autocommit = make_engine(url, isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        for table in ("venues", "routes"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))  # a fixed table name, not input
    autocommit.dispose()


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--venues", type=int, default=1_000_000)
    parser.add_argument("--routes", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.url, args.venues, args.routes)


if __name__ == "__main__":
    main()

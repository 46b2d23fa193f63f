"""The k-nearest and radius searches without filters run as prepared statements with
generic plans: those plans must still walk the spatial indexes, and searches with
filters are planned for their values every time (docs/benchmarks.md)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from psycopg import sql
from sqlalchemy import text

from geo_service.queries import venues as q
from tests.helpers import YINHU

FILTERS: dict[str, Any] = {
    "type": "cafe", "min_capacity": 20, "amenities": ("wifi",), "indoor": True,
    "organization_id": 1, "q": "venue 1",
}


@pytest.fixture()
def many_venues(session) -> None:
    """20,000 venues around Yinhu, analysed, so the planner costs like production."""
    session.execute(text(
        "INSERT INTO venues (name, type, capacity, indoor, amenities, geom)"
        " SELECT 'venue ' || i, (ARRAY['cafe','bookstore','library'])[1 + i % 3], i % 120,"
        " i % 2 = 0, CASE WHEN i % 3 = 0 THEN ARRAY['wifi']::varchar[] ELSE '{}' END,"
        " ST_SetSRID(ST_MakePoint(:lon + (random() - 0.5) * 0.4,"
        " :lat + (random() - 0.5) * 0.4), 4326) FROM generate_series(1, 20000) i"
    ), {"lon": YINHU[0], "lat": YINHU[1]})
    session.execute(text("ANALYZE venues"))


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node of an EXPLAIN (FORMAT JSON) plan tree."""
    return [plan, *(n for child in plan.get("Plans", []) for n in nodes(child))]


def generic_plan(session, statement: str, params: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (JSON) of the statement's generic plan, parameters as $n."""
    names: list[str] = []

    def number(m: re.Match[str]) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    raw = session.connection().connection.driver_connection
    raw.execute("PREPARE knn_check AS " + re.sub(r"%\((\w+)\)s", number, statement))
    try:
        given = params | {"lon": YINHU[0], "lat": YINHU[1]}
        values = [list(given[n]) if isinstance(given[n], tuple) else given[n] for n in names]
        # EXECUTE takes no bound parameters: the values go in as quoted literals.
        args = sql.SQL(", ").join(sql.Literal(v) for v in values)
        rows = raw.execute(
            sql.SQL("EXPLAIN (FORMAT JSON) EXECUTE knn_check({})").format(args)
        ).fetchall()
        return rows[0][0][0]["Plan"]
    finally:
        raw.execute("DEALLOCATE knn_check")
        session.execute(text("SET LOCAL plan_cache_mode = auto"))


@pytest.mark.parametrize("k", [1, 10, 500])
def test_the_generic_plan_walks_the_spatial_indexes(session, many_venues, k):
    statement, params = q.nearest_statement(k, q.VenueFilters())
    scans = [(n["Node Type"], n.get("Index Name")) for n in
             nodes(generic_plan(session, statement, params))
             if n.get("Relation Name") == "venues"]
    # The first probe ranks on the geometry index, the second on the geography one.
    assert scans == [("Index Scan", "venues_geom_gist"), ("Index Scan", "venues_geog_gist")]


def test_the_radius_generic_plan_walks_the_geography_index(session, many_venues):
    statement, params = q.radius_statement(q.VenueFilters())
    plan = generic_plan(session, statement, params | {"radius_m": 500.0, "limit": 50, "offset": 0})
    assert "venues_geog_gist" in [n.get("Index Name") for n in nodes(plan)]
    assert not [n for n in nodes(plan)
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "venues"]


def prepared(session) -> list[Any]:
    return list(session.execute(text(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
    )))


@pytest.mark.parametrize(("search", "marker", "least"), [
    (lambda s: q.venues_nearest(s, YINHU[0], YINHU[1], 10, q.VenueFilters()),
     "ORDER BY v.geom <-> (SELECT pt FROM c) LIMIT 10", 10),
    (lambda s: q.venues_near(s, YINHU[0], YINHU[1], 3000, q.VenueFilters()),
     "_ST_Expand(c.g, c.r)", 51),
], ids=["k-nearest", "radius"])
def test_postgres_keeps_the_generic_plan_after_its_trial_runs(
    session, many_venues, search, marker, least
):
    first = search(session)
    assert first.total >= least
    for _ in range(8):
        assert search(session) == first
    [(statement, generic, custom)] = prepared(session)
    assert marker in statement
    assert generic >= 3 and custom <= 6


def test_a_filtered_search_is_planned_for_its_values(session, many_venues):
    # A generic plan cannot know that most venues have wifi (a bitmap scan of them all).
    for names in itertools.chain.from_iterable(
        itertools.combinations(FILTERS, n) for n in range(1, len(FILTERS) + 1)
    ):
        f = q.VenueFilters(**{name: FILTERS[name] for name in names})
        for _ in range(7):
            q.venues_nearest(session, YINHU[0], YINHU[1], 10, f)
            q.venues_near(session, YINHU[0], YINHU[1], 500, f)
    assert prepared(session) == []


def test_a_filtered_k_nearest_walks_a_bounded_window(session, many_venues):
    # A filter no venue meets used to walk the whole geometry index (3.3 s at 1M).
    statement, params = q.nearest_statement(10, q.VenueFilters(q="nobody has this name"))
    raw = session.connection().connection.driver_connection
    [[[explain]]] = raw.execute(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
        params | {"lon": YINHU[0], "lat": YINHU[1]},
    ).fetchall()
    walked = [n["Actual Rows"] for n in nodes(explain["Plan"])
              if n.get("Index Name") == "venues_geom_gist"]
    assert walked == [q.window(10)]

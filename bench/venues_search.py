"""Venue search at a million venues: the API against its own SQL, and under load.

In one run, on the database `bench.gen_venues` fills (1M venues, 10k routes and a
~20 km route):

1. latency, one keep-alive client, p50/p95 of
   - `GET /api/v1/venues?lat&lon&radius_m=500` (rotating centres),
   - `GET /api/v1/venues?lat&lon&k=10`,
   - `GET /api/v1/routes/{20 km route}/venues?within_m=300`,
   - `GET /healthz` — the framework's own per-request floor (one `SELECT 1`), taken
     next to every search call, since this VM's speed drifts within minutes;
   and the very statements those calls run (`geo_service.queries.venues`: STATEMENTS,
   radius_statement, nearest_statement)
   executed straight through psycopg with the same parameters;
2. throughput under `wrk` (gunicorn, loopback), in rounds of `/healthz` and the nearby
   searches, rotating centres through a Lua script; with them two reference points
   that are not targets: the radius search with a page of 10 (the k-nearest's page
   size), and the k-nearest 50, the least any search can do to answer a default page
   of 50 Features (one index probe of ~0.2 ms, no count) — the ceiling for the
   radius search's ratio.

    .venv/bin/python -m bench.venues_search            # local cluster, db yinhu_bench
    .venv/bin/python -m bench.venues_search --url postgresql+psycopg://…/db

Targets (issue 3): each API p50 ≤ 1.5 x its raw SQL p50 + the /healthz p50, and
nearby throughput ≥ 75 % of /healthz's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url

from bench.gen_venues import CENTRE_LAT, CENTRE_LON, HALF_LAT, HALF_LON, LONG_ROUTE_FORMAT, generate
from geo_service.config import default_workers
from geo_service.db import CONNECT_ARGS
from geo_service.queries.venues import (
    STATEMENTS,
    VenueFilters,
    nearest_statement,
    radius_statement,
)

DEFAULT_URL = (
    f"postgresql+psycopg://postgres@127.0.0.1:{os.environ.get('YINHU_PG_PORT', '54329')}"
    "/yinhu_bench"
)


@dataclass(frozen=True)
class Case:
    """One search: its API path and the statement + parameters behind it."""

    path: str
    sql: str  # psycopg paramstyle
    params: dict[str, Any]
    prepare: bool = False  # as the app runs it


def centres(n: int, seed: int = 7) -> list[tuple[float, float]]:
    """Seeded (lon, lat) points in the inner 90 % of the venue box."""
    rng = random.Random(seed)
    return [
        (round(CENTRE_LON + rng.uniform(-0.9, 0.9) * HALF_LON, 6),
         round(CENTRE_LAT + rng.uniform(-0.9, 0.9) * HALF_LAT, 6))
        for _ in range(n)
    ]


def cases(route_id: int, points: list[tuple[float, float]]) -> dict[str, list[Case]]:
    """Per kind of search, one Case per centre (along: the same route every time)."""
    along = str(STATEMENTS["along"].compile(dialect=PGDialect_psycopg()))  # type: ignore[no-untyped-call]
    f = VenueFilters().params()
    page = {"limit": 50, "offset": 0}
    nearest, nearest_params = nearest_statement(10, VenueFilters())
    radius, radius_params = radius_statement(VenueFilters())
    return {
        "radius 500 m": [
            Case(f"/api/v1/venues?lat={lat}&lon={lon}&radius_m=500", radius,
                 {"lon": lon, "lat": lat, "radius_m": 500.0} | page | radius_params,
                 prepare=not radius_params)
            for lon, lat in points
        ],
        "k-nearest 10": [
            Case(f"/api/v1/venues?lat={lat}&lon={lon}&k=10", nearest,
                 {"lon": lon, "lat": lat} | nearest_params, prepare=not nearest_params)
            for lon, lat in points
        ],
        "along 300 m, 20 km route": [
            Case(f"/api/v1/routes/{route_id}/venues?within_m=300", along,
                 {"route_id": route_id, "within_m": 300.0} | page | f)
        ],
    }


def references(points: list[tuple[float, float]]) -> dict[str, list[str]]:
    """wrk paths measured beside the targets, to show what a page of Features costs."""
    return {
        "radius 500 m, page of 10": [
            f"/api/v1/venues?lat={lat}&lon={lon}&radius_m=500&limit=10" for lon, lat in points
        ],
        "k-nearest 50 (ceiling for a page of 50)": [
            f"/api/v1/venues?lat={lat}&lon={lon}&k=50" for lon, lat in points
        ],
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    q = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples) * 1000, q[18] * 1000


def psycopg_dsn(url: str) -> str:
    """A libpq connection string for the SQLAlchemy URL (driver part dropped)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def interleaved(
    port: int, dsn: str, kinds: dict[str, list[Case]], calls: dict[str, int], warmup: int = 40
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    """Per kind, API call i, the same statement raw and /healthz (the floor), taking
    turns. Durations in seconds: (api, raw, floor)."""
    client = http.client.HTTPConnection("127.0.0.1", port)

    def get(path: str) -> None:
        client.request("GET", path)
        resp = client.getresponse()
        body = resp.read()
        assert resp.status == 200, f"{path}: {resp.status} {body[:200]!r}"
        assert path == "/healthz" or b'"Feature"' in body, f"{path}: no features"

    api_t: dict[str, list[float]] = {}
    raw_t: dict[str, list[float]] = {}
    floor_t: dict[str, list[float]] = {}
    # The raw side connects as the app's engine does (same session options, and
    # autocommit, as the app reads), and prepares what the app prepares.
    with psycopg.connect(dsn, autocommit=True, **CONNECT_ARGS) as conn:
        for kind, cs in kinds.items():
            for i in range(warmup + calls[kind]):
                case = cs[i % len(cs)]

                def run_api(case: Case = case) -> float:
                    t = time.perf_counter()
                    get(case.path)
                    return time.perf_counter() - t

                def run_raw(case: Case = case) -> float:
                    t = time.perf_counter()
                    rows = conn.execute(case.sql, case.params, prepare=case.prepare).fetchall()
                    assert rows, f"{case.path}: no rows"
                    return time.perf_counter() - t

                def run_floor() -> float:
                    t = time.perf_counter()
                    get("/healthz")
                    return time.perf_counter() - t

                # Whichever goes first pays for pages not yet cached, and this VM's
                # speed drifts by tens of per cent within minutes: the three take
                # turns, side by side, so each sees the same machine.
                runs = [run_api, run_raw, run_floor]
                turn = runs[i % 3:] + runs[:i % 3]
                took = {run: run() for run in turn}
                if i >= warmup:
                    api_t.setdefault(kind, []).append(took[run_api])
                    raw_t.setdefault(kind, []).append(took[run_raw])
                    floor_t.setdefault(kind, []).append(took[run_floor])
    client.close()
    return api_t, raw_t, floor_t


LUA = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def wrk(port: int, paths: list[str], seconds: int, connections: int) -> float:
    """Requests per second `wrk` reaches on these paths (rotating), non-2xx counted as failure."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{p}"' for p in paths))
    try:
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True, timeout=seconds + 30,
        )
    finally:
        os.unlink(script.name)
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise SystemExit(f"wrk saw errors:\n{done.stdout}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    assert match, done.stdout
    return float(match.group(1))


@contextmanager
def gunicorn(url: str, port: int, workers: int) -> Iterator[None]:
    """The service under gunicorn (sync workers, no access log) on 127.0.0.1:port."""
    env = os.environ | {"DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "geo_service.wsgi:app"],
        env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not come up")
            time.sleep(0.2)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def route_id(dsn: str) -> int:
    """The id of the ~20 km bench route."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT id FROM routes WHERE source_format = %s", (LONG_ROUTE_FORMAT,)
        ).fetchone()
    assert row, "run bench.gen_venues first"
    return int(row[0])


def main() -> None:
    """Command line entry: generate if needed, measure, print Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--calls", type=int, default=300, help="per nearby search")
    parser.add_argument("--along-calls", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=6, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="of wrk runs, one per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    generate(args.url)
    dsn = psycopg_dsn(args.url)
    points = centres(200)
    kinds = cases(route_id(dsn), points)
    calls = {k: args.calls for k in kinds} | {"along 300 m, 20 km route": args.along_calls}

    with gunicorn(args.url, args.port, args.workers):
        served, raw, floor = interleaved(args.port, dsn, kinds, calls)
        targets = {"/healthz": ["/healthz"]} | {
            kind: [c.path for c in kinds[kind]] for kind in ("radius 500 m", "k-nearest 10")
        } | references(points)
        # Rounds of one wrk run per endpoint, back to back: each search is compared
        # with the /healthz run of its own round (this VM drifts within minutes).
        rounds = [{name: wrk(args.port, paths, args.seconds, args.connections)
                   for name, paths in targets.items()} for _ in range(args.rounds)]

    print("\n| search | raw SQL p50 ms | raw p95 | API p50 ms | API p95 | floor p50 ms "
          "| budget ms | met |")
    print("|---|---:|---:|---:|---:|---:|---:|:-:|")
    for kind in kinds:
        r50, r95 = percentiles(raw[kind])
        a50, a95 = percentiles(served[kind])
        f50, _ = percentiles(floor[kind])
        budget = 1.5 * r50 + f50
        print(f"| {kind} | {r50:.2f} | {r95:.2f} | {a50:.2f} | {a95:.2f} | {f50:.2f} "
              f"| {budget:.2f} | {'yes' if a50 <= budget else 'NO'} |")
    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds,"
          f" gunicorn {args.workers} sync workers\n")
    print("| endpoint | " + " | ".join(f"round {i + 1} rps" for i in range(args.rounds))
          + " | median of /healthz |")
    print("|---|" + "---:|" * (args.rounds + 1))
    for name in targets:
        ratios = [r[name] / r["/healthz"] for r in rounds]
        print(f"| {name} | " + " | ".join(f"{r[name]:,.0f} ({r[name] / r['/healthz']:.0%})"
                                        for r in rounds)
              + f" | {statistics.median(ratios):.0%} |")


if __name__ == "__main__":
    main()

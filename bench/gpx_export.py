"""GPX download: writing a route as GPX 1.1, against gpxpy writing the same track.

For each size, a Garmin-style file (bench/gen_gpx.py) is read once by both sides:
`parse_gpx` into arrays for the service's writer, `gpxpy.parse` into its object tree
for gpxpy. Timed, in the same process, best of three: `build_gpx` (what
GET /api/v1/routes/{id}/gpx runs after reading the stored file) against gpxpy's
`to_xml(version="1.1")` alone (the library's own writer, given its objects for free).

    .venv/bin/python -m bench.gpx_export [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import gpxpy

from bench.gen_gpx import write_gpx
from geo_service.gpx_export import build_gpx
from importers.gpx import parse_gpx


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """Fastest wall time of `runs` calls, seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print a Markdown table: sizes, both writers' seconds, the speed-up."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    print("| points | output MB | gpxpy to_xml s | build_gpx s | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            data = write_gpx(Path(tmp) / f"export-{n}.gpx", n).read_bytes()
            points = parse_gpx(data).points
            tree = gpxpy.parse(data.decode())
            ours = best_of(3, partial(build_gpx, "Bench walk", None, points, []))
            theirs = best_of(3, partial(tree.to_xml, version="1.1"))
            size = len(build_gpx("Bench walk", None, points, []).encode()) / 1e6
            print(f"| {n:,} | {size:.1f} | {theirs:.3f} | {ours:.3f} | {theirs / ours:.1f}x |",
                  flush=True)


if __name__ == "__main__":
    main()

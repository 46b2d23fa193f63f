"""Whole-import time (parse + measure + store) against gpxpy.parse alone.

Each measurement runs in a fresh Python process so that its peak memory (ru_maxrss
above the process's own baseline after imports) belongs to it alone. The import
stores into the database and rolls back, so the database stays as it was.

    .venv/bin/python -m bench.gpx_import [--sizes 1000,10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.gen_gpx import write_gpx


def _rss_kib() -> int:
    """Peak resident set of this process so far, KiB (Linux ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _current_rss_kib() -> int:
    """Current resident set, KiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def run_one(kind: str, path: str, url: str) -> dict[str, float]:
    """Do one measurement in this process; print JSON."""
    import gpxpy
    from sqlalchemy.orm import Session

    from geo_service.db import make_engine
    from importers.load import import_gpx

    engine = make_engine(url)
    with engine.connect() as warm:  # connect before the baseline: not part of the work
        warm.exec_driver_sql("SELECT 1")
    base = _current_rss_kib()
    t0 = time.perf_counter()
    if kind == "gpxpy":
        with open(path, encoding="utf-8") as f:
            gpxpy.parse(f)
    else:
        content = Path(path).read_bytes()
        with engine.connect() as conn, conn.begin() as trans:
            import_gpx(Session(bind=conn), content, filename=Path(path).name)
            trans.rollback()
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "peak_mib": (_rss_kib() - base) / 1024}


def measure(kind: str, path: Path, url: str) -> dict[str, float]:
    """Run one measurement in a child process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.gpx_import", "--child", kind, str(path), "--url", url],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Generate the files, measure both sides per size, print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--url", default=None, help="database (default: the test database)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.url is None:
        from geo_service import migrate
        from tests.conftest import database_url_for_tests

        args.url = database_url_for_tests()
        migrate.ensure_database(args.url)
        migrate.upgrade(args.url)
    if args.child:
        print(json.dumps(run_one(args.child[0], args.child[1], args.url)))
        return
    print("| points | file MB | gpxpy.parse s | import s | speed-up | import peak MiB "
          "| peak / file |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = write_gpx(Path(tmp) / f"bench-{n}.gpx", n)
            mb = path.stat().st_size / 1e6
            ref = measure("gpxpy", path, args.url)
            ours = measure("import", path, args.url)
            ratio = ref["seconds"] / ours["seconds"]
            mem = ours["peak_mib"] * 1.048576 / mb
            print(f"| {n:,} | {mb:.1f} | {ref['seconds']:.2f} | {ours['seconds']:.3f} | "
                  f"{ratio:.1f}x | {ours['peak_mib']:.0f} | {mem:.1f}x |", flush=True)


if __name__ == "__main__":
    main()

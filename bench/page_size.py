"""Size of the route page (HTML + inline data) for big tracks, against the GPX size.

Imports a Garmin-style track of N points into the test database (with the sample
venues and events) inside a transaction, renders /routes/{id} through the app, then
rolls back. Also what a
phone's first visit downloads: the page and every script and stylesheet it links,
as sent without and with `Accept-Encoding: gzip` (fonts and images that stylesheets
pull in are not counted).

    .venv/bin/python -m bench.page_size [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from bench.gen_gpx import write_gpx
from geo_service import create_app, migrate
from geo_service.db import make_engine
from geo_service.demo import load_sample_data
from importers.load import import_gpx
from tests.conftest import database_url_for_tests

LINK = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']?([^\"' >]+)", re.I)
GZIP = {"Accept-Encoding": "gzip"}


DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def first_visit_kb(client: FlaskClient, html: str, headers: dict[str, str]) -> float:
    """KB of every script and stylesheet the page links, as the service sends them."""
    total = 0
    for url in set(LINK.findall(html)):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, url
        total += len(resp.data)
        resp.close()
    return total / 1024


def main() -> None:
    """Print a Markdown table of page sizes per track size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    url = database_url_for_tests()
    migrate.ensure_database(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    print("| points | GPX MB | page KB | page KB gzip | render s "
          "| first visit KB | first visit KB gzip |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = write_gpx(Path(tmp) / f"page-{n}.gpx", n)
            with engine.connect() as conn, conn.begin() as trans:
                session = Session(bind=conn, join_transaction_mode="create_savepoint")
                # The sample venues and events, so the page's "venues along the route"
                # always runs in full (with no venue at all the planner may skip it).
                list(load_sample_data(session, DATA_DIR))
                route = import_gpx(session, path.read_bytes(), filename=path.name)
                session.commit()
                client = create_app({"TESTING": True}, bind=conn).test_client()
                t0 = time.perf_counter()
                resp = client.get(f"/routes/{route.route_id}")
                elapsed = time.perf_counter() - t0
                assert resp.status_code == 200, resp.status_code
                size_kb = len(resp.data) / 1024
                zipped_kb = len(client.get(f"/routes/{route.route_id}", headers=GZIP).data) / 1024
                html = resp.data.decode()
                plain_assets = first_visit_kb(client, html, {})
                zipped_assets = first_visit_kb(client, html, GZIP)
                mb = path.stat().st_size / 1e6
                print(f"| {n:,} | {mb:.1f} | {size_kb:.0f} | {zipped_kb:.0f} | {elapsed:.2f} "
                      f"| {size_kb + plain_assets:.0f} | {zipped_kb + zipped_assets:.0f} |",
                      flush=True)
                trans.rollback()
    engine.dispose()


if __name__ == "__main__":
    main()

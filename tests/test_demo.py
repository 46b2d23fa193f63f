"""The sample data in data/ loads completely, and a second load adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from geo_service import cli
from geo_service.demo import load_sample_data
from geo_service.models import Event, Route, SurfaceSegment, Venue
from tests.conftest import database_url_for_tests

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def test_the_sample_data_loads_completely_and_idempotently(session) -> None:
    entries = json.loads((DATA_DIR / "routes.json").read_text("utf-8"))
    lines = list(load_sample_data(session, DATA_DIR))
    assert len([ln for ln in lines if ln.startswith("route ")]) == len(entries)
    assert session.execute(select(func.count()).select_from(Route)).scalar_one() == len(entries)
    segs = session.execute(select(func.count()).select_from(SurfaceSegment)).scalar_one()
    assert segs >= len(entries)
    events = json.loads((DATA_DIR / "events.json").read_text("utf-8"))
    assert session.execute(select(func.count()).select_from(Event)).scalar_one() == len(events)
    venues = session.execute(select(func.count()).select_from(Venue)).scalar_one()
    assert venues == 50
    assert any(line == "venues: 50 created, 0 updated" for line in lines)
    again = list(load_sample_data(session, DATA_DIR))
    assert f"events: 0 created, {len(events)} already loaded" in again
    assert "venues: 0 created, 50 updated" in again
    assert all("already loaded" in ln for ln in again if ln.startswith("route "))
    assert session.execute(select(func.count()).select_from(Route)).scalar_one() == len(entries)


def test_db_upgrade_brings_the_schema_to_head(engine, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url_for_tests())
    result = CliRunner().invoke(cli.main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_every_sample_route_has_venues_along_it(session, client) -> None:
    list(load_sample_data(session, DATA_DIR))
    for route_id in session.execute(select(Route.id)).scalars():
        r = client.get(f"/api/v1/routes/{route_id}/venues?within_m=300")
        assert r.json["total"] >= 3, route_id

"""The geo-service command line, on the test's rolled-back connection."""

from __future__ import annotations

import shutil
from itertools import pairwise

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from geo_service import cli
from geo_service.models import Route, User
from geo_service.queries.users import hash_token, user_by_token
from tests.conftest import DATA


@pytest.fixture()
def runner(session, monkeypatch) -> CliRunner:
    """A CLI runner whose commands use the test's session."""
    monkeypatch.setattr(cli, "_session", lambda: session)
    return CliRunner()


def test_users_create_prints_a_token_and_stores_only_its_hash(runner, session) -> None:
    result = runner.invoke(cli.main, ["users", "create", "alice", "--role", "organizer"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token) >= 32
    user = user_by_token(session, token)
    assert user is not None and user.name == "alice" and user.role == "organizer"
    stored = session.execute(select(User.token_hash).where(User.name == "alice")).scalar_one()
    assert stored == hash_token(token) and token not in stored


def test_users_create_refuses_an_unknown_role_and_a_taken_name(runner) -> None:
    assert runner.invoke(cli.main, ["users", "create", "bob", "--role", "king"]).exit_code != 0
    assert runner.invoke(cli.main, ["users", "create", "bob"]).exit_code == 0
    again = runner.invoke(cli.main, ["users", "create", "bob"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_import_gpx_reports_imported_duplicate_and_failed_and_exits_1(
    runner, session, tmp_path
) -> None:
    for name in ("strava.gpx", "komoot.gpx", "malformed.gpx"):
        shutil.copy(DATA / "gpx" / name, tmp_path / name)
    sub = tmp_path / "more"
    sub.mkdir()
    shutil.copy(DATA / "gpx" / "strava.gpx", sub / "copy-of-strava.gpx")
    result = runner.invoke(cli.main, ["import-gpx", str(tmp_path)])
    assert result.exit_code == 1
    assert "imported 2, duplicate 1, failed 1" in result.output
    assert "malformed.gpx" in result.output
    names = session.execute(select(Route.name)).scalars().all()
    assert len(names) == 2


def test_import_gpx_exits_0_when_everything_imported(runner) -> None:
    result = runner.invoke(cli.main, ["import-gpx", str(DATA / "gpx" / "gpx10.gpx")])
    assert result.exit_code == 0, result.output
    assert "imported 1, duplicate 0, failed 0" in result.output


def test_db_cluster_stores_venues_in_location_order(runner, session) -> None:
    from sqlalchemy import text

    from geo_service.queries.maintenance import venues_clustered

    def switches() -> int:
        """How often the next row on disk lies in the other half (west / east)."""
        west = session.execute(text(
            "SELECT ST_X(geom) < 120.4 FROM venues ORDER BY ctid"
        )).scalars().all()
        return sum(a != b for a, b in pairwise(west))

    # Inserted west, east, west, east…: every row on disk far from its neighbours
    # (nearly every: rows may land in space earlier tests' rolled-back rows freed).
    session.execute(text(
        "INSERT INTO venues (name, type, geom) SELECT 'v' || i, 'cafe',"
        " ST_SetSRID(ST_MakePoint(120 + (i % 2) * 0.5 + i * 0.0001, 30), 4326)"
        " FROM generate_series(1, 2000) i"
    ))
    assert not venues_clustered(session) and switches() > 1900
    result = runner.invoke(cli.main, ["db", "cluster"])
    assert result.exit_code == 0, result.output
    assert "location order" in result.output
    assert venues_clustered(session) and switches() < 100  # vs 1,999 before

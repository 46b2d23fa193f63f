"""Migrations that move data: run down and up inside the test's rolled-back transaction."""

from __future__ import annotations

import json

from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import Connection, text

from geo_service.friendliness import Finding, describe
from geo_service.migrate import alembic_config
from tests.helpers import YINHU, line, make_gpx, upload

FINDINGS = text(
    "SELECT audience, inferred_level, inferred_reasons FROM route_friendliness"
    " WHERE route_id = :r ORDER BY audience"
)


def test_friendliness_findings_survive_a_downgrade_and_are_re_inferred_on_upgrade(
    client: FlaskClient, connection: Connection, token: str
) -> None:
    r = upload(client, make_gpx(line(YINHU, 0.0, 2000.0, climb_m=280.0), name="Steep"), token)
    assert r.status_code == 201, r.json
    route_id = r.json["id"]
    segments = [{"start_m": 0, "end_m": 1200, "surface": "gravel", "condition": "poor"}]
    r = client.put(f"/api/v1/routes/{route_id}/surface", json={"segments": segments},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.json
    api = r.json["properties"]["friendliness"]
    before = connection.execute(FINDINGS, {"r": route_id}).all()
    assert len(before) == 6 and all(row.inferred_reasons for row in before)

    command.downgrade(alembic_config(connection=connection), "0003")
    sentences = dict(connection.execute(text(
        "SELECT audience, inferred_reason FROM route_friendliness WHERE route_id = :r"
    ), {"r": route_id}).all())
    assert sentences == {row.audience: api[row.audience]["reason"] for row in before}
    stroller = next(row for row in before if row.audience == "stroller")
    assert sentences["stroller"] == describe(Finding.from_json(f)
                                             for f in stroller.inferred_reasons)
    assert sentences["stroller"].startswith("gravel at km 0.0\u20131.2; poor surface")
    # Anything stored under the old schema is inferred again on the way up.
    connection.execute(text("UPDATE route_friendliness SET inferred_level = 'unknown',"
                            " inferred_reason = 'stale' WHERE route_id = :r"), {"r": route_id})

    command.upgrade(alembic_config(connection=connection), "head")
    after = connection.execute(FINDINGS, {"r": route_id}).all()
    assert [tuple(row) for row in after] == [tuple(row) for row in before]
    assert json.dumps(api, sort_keys=True) == json.dumps(
        client.get(f"/api/v1/routes/{route_id}").json["properties"]["friendliness"],
        sort_keys=True)

"""WGS-84 ⇄ GCJ-02 in Python and in the pages' JavaScript."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod

from geo_service.gcj02 import gcj02_to_wgs84, in_china, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")
JS = Path(__file__).resolve().parents[2] / "geo_service" / "static" / "js" / "gcj02.js"
HARNESS = Path(__file__).with_name("gcj02_leaflet_check.js")
YINHU = (120.05, 30.09)
CHINA_POINTS = [
    YINHU,
    (120.0534, 30.0912),
    (116.397428, 39.90923),  # Beijing
    (121.4737, 31.2304),  # Shanghai
    (113.2644, 23.1291),  # Guangzhou
    (87.6168, 43.8256),  # Ürümqi, far west
    (126.6424, 45.7567),  # Harbin, far north-east
    (110.3312, 20.0311),  # Haikou, south
]
OUTSIDE = [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (139.6917, 35.6895)]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance between two lon/lat points."""
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def test_the_shift_at_yinhu_is_between_300_and_600_metres() -> None:
    shifted = wgs84_to_gcj02(*YINHU)
    assert 300 <= metres(YINHU, shifted) <= 600


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_gcj02_to_wgs84_inverts_the_forward_transform_to_1e_7_degrees(
    point: tuple[float, float],
) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert abs(back[0] - point[0]) < 1e-7
    assert abs(back[1] - point[1]) < 1e-7
    assert metres(point, back) < 0.01


def test_the_inverse_is_exact_where_the_one_step_shortcut_is_not() -> None:
    glon, glat = wgs84_to_gcj02(*YINHU)
    slon, slat = wgs84_to_gcj02(glon, glat)
    one_step = (2 * glon - slon, 2 * glat - slat)  # subtract the shift taken at the GCJ point
    assert metres(YINHU, one_step) > 0.01
    assert metres(YINHU, gcj02_to_wgs84(glon, glat)) < 0.001


@pytest.mark.parametrize("point", OUTSIDE)
def test_both_directions_are_the_identity_outside_china(point: tuple[float, float]) -> None:
    assert not in_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def node() -> str:
    """The node executable, or skip: the JS checks need it."""
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed (scripts/bootstrap installs it with npm)")
    return path


def test_the_javascript_gives_the_same_results_as_python() -> None:
    points = [*CHINA_POINTS, *OUTSIDE]
    script = (
        f"const G = require({json.dumps(str(JS))});"
        f"const pts = {json.dumps(points)};"
        "process.stdout.write(JSON.stringify(pts.map(p => {"
        "  const g = G.toGcj(p[0], p[1]); return [g, G.toWgs(g[0], g[1])]; })));"
    )
    result = json.loads(
        subprocess.run([node(), "-e", script], check=True, capture_output=True, text=True).stdout
    )
    for point, (gcj, back) in zip(points, result, strict=True):
        expected = wgs84_to_gcj02(*point)
        assert gcj == pytest.approx(expected, abs=1e-12)
        assert back == pytest.approx(gcj02_to_wgs84(*expected), abs=1e-12)
        assert back == pytest.approx(point, abs=1e-7)


@pytest.fixture(scope="module")
def leaflet_run() -> dict[str, Any]:
    """What the Leaflet helper did with a stand-in map (see gcj02_leaflet_check.js)."""
    done = subprocess.run(
        [node(), str(HARNESS), str(JS)], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_overlays_move_to_gcj02_when_a_gcj02_base_layer_is_chosen(
    leaflet_run: dict[str, Any],
) -> None:
    wgs, gcj = leaflet_run["wgs"], leaflet_run["gcj"]
    assert gcj["marker"] == pytest.approx(list(wgs84_to_gcj02(*wgs["marker"])), abs=1e-12)
    assert gcj["inner"] == pytest.approx(list(wgs84_to_gcj02(*wgs["inner"])), abs=1e-12)
    # A group that hands a moved marker back ("layeradd") gets it moved once, not forever.
    assert gcj["filed"] == pytest.approx(list(wgs84_to_gcj02(*wgs["filed"])), abs=1e-12)
    for before, after in zip(wgs["line"], gcj["line"], strict=True):
        assert after == pytest.approx(list(wgs84_to_gcj02(*before)), abs=1e-12)
    assert metres(tuple(wgs["marker"]), tuple(gcj["marker"])) > 300


def test_the_view_follows_the_tiles_when_the_datum_changes(leaflet_run: dict[str, Any]) -> None:
    expected = wgs84_to_gcj02(*leaflet_run["centerBefore"])
    assert leaflet_run["centerGcj"] == pytest.approx(list(expected), abs=1e-12)
    assert leaflet_run["centerAfter"] == pytest.approx(leaflet_run["centerBefore"], abs=1e-9)


def test_a_click_on_gcj02_tiles_is_reported_in_wgs84(leaflet_run: dict[str, Any]) -> None:
    assert leaflet_run["clickWgs"] == pytest.approx(leaflet_run["wgs"]["marker"], abs=1e-9)


def test_the_located_position_is_drawn_in_gcj02_and_reported_in_wgs84(
    leaflet_run: dict[str, Any],
) -> None:
    reported = [120.0502, 30.0901]
    assert leaflet_run["locateWgs"] == pytest.approx(reported, abs=1e-12)
    assert leaflet_run["locateShown"] == pytest.approx(list(wgs84_to_gcj02(*reported)), abs=1e-12)


def test_a_layer_added_to_a_managed_group_on_gcj02_tiles_is_shifted(
    leaflet_run: dict[str, Any],
) -> None:
    assert leaflet_run["lateGcj"] == pytest.approx(list(wgs84_to_gcj02(120.04, 30.08)), abs=1e-12)


def test_switching_back_and_forth_many_times_does_not_drift(leaflet_run: dict[str, Any]) -> None:
    wgs, after = leaflet_run["wgs"], leaflet_run["after"]
    # Data layers come back from their stored originals: exactly, not approximately.
    assert after["marker"] == wgs["marker"]
    assert after["inner"] == wgs["inner"]
    assert after["filed"] == wgs["filed"]
    assert after["line"] == wgs["line"]
    assert after["late"] == [120.04, 30.08]
    assert after["locate"] == pytest.approx([120.0502, 30.0901], abs=1e-9)

"""Route maps built from the API's shapes: surfaces, size, escaping, page parts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo_service import assets, maps
from geo_service.map_lines import (
    MAX_DRAWN_POINTS,
    cumulative_m,
    geometry_from_wkb,
    line_parts,
    simplify,
    split_by_surface,
)
from geo_service.tiles import TileLayerDef, tile_layers

GEOD = Geod(ellps="WGS84")
HOSTILE = "<img src=x onerror=alert(1)>"
# Also what would break out of folium's JS template literals: `…`, ${…} and a backslash.
HOSTILE_JS = "`${alert(2)}` </script><script>alert(3)</script> \\"


def straight_line(n: int = 101, metres: float = 1000.0) -> list[list[float]]:
    """n points due east from Yinhu, evenly spaced over `metres`, with elevations."""
    lon, lat, _ = GEOD.fwd(
        np.full(n, 120.05), np.full(n, 30.09), np.full(n, 90.0), np.linspace(0, metres, n)
    )
    return [[x, y, 20.0] for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]


def wiggly_track(n: int, seed: int = 7) -> list[list[float]]:
    """A hard-to-simplify 100k-point walk: a turning heading with 1.5 m steps."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0, 0.35, n))
    lon = 120.05 + np.cumsum(np.cos(heading)) * 1.5 / 96_000
    lat = 30.09 + np.cumsum(np.sin(heading)) * 1.5 / 111_000
    coords: list[list[float]] = np.column_stack((lon, lat, np.full(n, 30.0))).round(7).tolist()
    return coords


def route_feature(
    coords: Any, segments: list[dict[str, Any]] | None = None, **props: Any
) -> dict[str, Any]:
    """A route Feature shaped like GET /api/v1/routes/{id}."""
    geometry = (
        {"type": "MultiLineString", "coordinates": coords}
        if coords and isinstance(coords[0][0], list)
        else {"type": "LineString", "coordinates": coords}
    )
    properties: dict[str, Any] = {
        "name": "银湖环线",
        "description": None,
        "is_loop": False,
        "surface_segments": segments or [],
        "friendliness": {},
        "waypoints": [],
    }
    properties.update(props)
    return {"type": "Feature", "id": 1, "geometry": geometry, "properties": properties}


def venue(name: str, **props: Any) -> dict[str, Any]:
    """A venue Feature as the venues-along-a-route query gives it."""
    properties = {
        "name": name,
        "type": "cafe",
        "capacity": 20,
        "distance_m": 85.0,
        "along_m": 420.0,
    }
    properties.update(props)
    return {
        "type": "Feature",
        "id": 7,
        "geometry": {"type": "Point", "coordinates": [120.052, 30.0905]},
        "properties": properties,
    }


def test_stretches_are_cut_exactly_where_the_surface_changes() -> None:
    segments = [
        {"start_m": 0, "end_m": 300, "surface": "asphalt", "condition": "good"},
        {"start_m": 300, "end_m": 655, "surface": "gravel", "condition": "poor"},
        {"start_m": 800, "end_m": 1000, "surface": "steps", "condition": "fair"},
    ]
    route = route_feature(straight_line(), segments)
    stretches = split_by_surface(route["geometry"], segments)
    assert [(s.surface, s.start_m, s.end_m) for s in stretches] == [
        ("asphalt", 0.0, 300.0),
        ("gravel", 300.0, 655.0),
        (None, 655.0, 800.0),
        ("steps", 800.0, pytest.approx(1000.0)),
    ]
    start = np.array(route["geometry"]["coordinates"][0][:2])
    for stretch in stretches:
        first = stretch.coords[0]
        along = GEOD.inv(start[0], start[1], first[0], first[1])[2]
        assert along == pytest.approx(stretch.start_m, abs=0.01)
    # neighbours share their joint, so the line has no gaps
    for a, b in pairwise(stretches):
        assert np.allclose(a.coords[-1], b.coords[0])


def test_a_line_read_from_wkb_is_drawn_exactly_as_from_geojson() -> None:
    """Pages read the line as WKB (fast); the API's GeoJSON gives the same stretches."""
    line = straight_line(101, 1000)
    parts = [line[:51], line[60:]]  # with elevations, which drawing ignores
    wkb = shapely.to_wkb(shapely.multilinestrings([shapely.linestrings(p) for p in parts]))
    segments = [{"start_m": 300, "end_m": 700, "surface": "gravel", "condition": "fair"}]
    from_wkb = split_by_surface(geometry_from_wkb(wkb), segments)
    from_json = split_by_surface(route_feature(parts, segments)["geometry"], segments)
    assert len(from_wkb) == len(from_json) == 4
    for a, b in zip(from_wkb, from_json, strict=True):
        assert (a.surface, a.start_m, a.end_m) == (b.surface, b.start_m, b.end_m)
        np.testing.assert_array_equal(a.coords, b.coords)


def test_the_gap_between_two_parts_counts_no_distance() -> None:
    line = straight_line(101, 1000)
    parts = [line[:51], line[60:]]  # 500 m, a 100 m jump, 400 m
    segments = [{"start_m": 400, "end_m": 600, "surface": "wood", "condition": "good"}]
    route = route_feature(parts, segments)
    stretches = split_by_surface(route["geometry"], segments)
    total = sum(float(cumulative_m(p)[-1]) for p in line_parts(route["geometry"]))
    assert total == pytest.approx(900, abs=0.01)
    wood = [s for s in stretches if s.surface == "wood"]
    assert [(s.start_m, s.end_m) for s in wood] == [
        (400.0, pytest.approx(500.0)),
        (pytest.approx(500.0), 600.0),
    ]
    # the second part starts a new line where the first left off in distance, not in space
    assert np.allclose(wood[1].coords[0], parts[1][0][:2])


def test_a_100k_point_track_renders_under_150_kb() -> None:
    segments = [
        {"start_m": a, "end_m": a + 400, "surface": s, "condition": c}
        for a, s, c in zip(
            range(0, 140_000, 700),
            ["asphalt", "gravel", "dirt", "steps", "grass", "wood"] * 40,
            ["good", "fair", "poor"] * 80,
            strict=False,
        )
    ]
    route = route_feature(wiggly_track(100_000), segments)
    stretches = simplify(split_by_surface(route["geometry"], segments))
    assert sum(len(s.coords) for s in stretches) <= MAX_DRAWN_POINTS
    html = maps.route_map(route, [venue("Café")]).get_root().render()
    assert len(html.encode()) <= 150_000


def test_a_small_track_keeps_every_point() -> None:
    route = route_feature(straight_line(200, 2000))
    stretches = simplify(split_by_surface(route["geometry"], []))
    assert sum(len(s.coords) for s in stretches) == 200


def rendered(route: dict[str, Any], **kwargs: Any) -> str:
    """The whole HTML document of the route map."""
    return maps.route_map(route, **kwargs).get_root().render()


def hostile_route() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """A route, venue and event whose every user string is hostile."""
    waypoint = {
        "id": 1,
        "name": HOSTILE,
        "description": HOSTILE_JS,
        "kind": HOSTILE,
        "coordinates": [120.051, 30.0901],
        "time": None,
    }
    route = route_feature(straight_line(), name=HOSTILE, waypoints=[waypoint])
    venues = [venue(HOSTILE), venue(HOSTILE_JS)]
    events = [
        {
            "type": "Feature",
            "id": 3,
            "geometry": {"type": "Point", "coordinates": [120.053, 30.0902]},
            "properties": {"title": HOSTILE_JS, "starts_at": "2025-05-01T09:00:00+08:00"},
        }
    ]
    return route, venues, events


def test_user_text_shows_as_text_in_popups_and_tooltips() -> None:
    route, venues, events = hostile_route()
    html = rendered(route, venues=venues, events=events)
    assert "<img src=x" not in html
    assert "alert(3)</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${alert" not in html
    assert "`${" not in html


def test_the_map_script_stays_valid_javascript_with_hostile_text() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (scripts/bootstrap installs it with npm)")
    route, venues, events = hostile_route()
    parts = maps.split_parts(maps.route_map(route, venues, events))
    # Compile only (vm.Script): a broken-out string would be a syntax error or
    # would show up as extra code; nothing runs.
    check = "new (require('vm').Script)(require('fs').readFileSync(0, 'utf8'));"
    subprocess.run([node, "-e", check], input=str(parts["script"]), check=True, text=True)


def test_the_line_is_coloured_by_surface_with_a_legend() -> None:
    segments = [{"start_m": 0, "end_m": 500, "surface": "gravel", "condition": "poor"}]
    html = rendered(route_feature(straight_line(), segments))
    found = re.search(r"(\[\{\"c\".*?\}\])\.forEach", html)
    assert found is not None
    data = json.loads(found.group(1))
    assert [d["k"] for d in data] == [maps.SURFACE_COLOURS["gravel"], maps.UNKNOWN_COLOUR]
    assert data[0]["d"] == maps.POOR_DASH
    assert "yinhu-legend" in html
    assert "Gravel" in html and "Unknown surface" in html and "poor condition" in html


def test_start_and_end_markers_are_drawn_and_a_loop_gets_one() -> None:
    html = rendered(route_feature(straight_line()))
    assert "flag-checkered" in html and '"play"' in html
    loop = rendered(route_feature(straight_line(), is_loop=True))
    assert "flag-checkered" not in loop and "Start &amp; finish" in loop


def point_layers(html: str) -> list[tuple[list[list[Any]], dict[str, Any]]]:
    """The (rows, config) of every compact marker layer (PointMarkers) in a page."""
    found = re.findall(r"YinhuPoints\.layer\((\[.*?\]), (\{.*?\})\);", html)
    return [(json.loads(rows), json.loads(config)) for rows, config in found]


def test_venues_link_to_their_page_and_state_where_they_are() -> None:
    html = rendered(route_feature(straight_line()), venues=[venue("Lakeside Café")])
    ((rows, config),) = [p for p in point_layers(html) if p[1]["href"] == "/venues/{id}"]
    assert rows == [[30.0905, 120.052, 7, "Lakeside Café", "cafe", "Café · up to 20 people",
                     "85 m from the route · at 420 m along it"]]
    assert config["kinds"]["cafe"] == ["mug-hot", "purple"] and not config["cluster"]


def test_user_text_travels_as_plain_text_in_script_safe_json() -> None:
    route, venues, events = hostile_route()
    html = rendered(route, venues=venues, events=events)
    layers = point_layers(html)
    names = [row[3] for rows, _ in layers for row in rows]
    # Plain text (points.js sets it with textContent), not HTML-escaped text...
    assert names.count(HOSTILE) == 1 and names.count(HOSTILE_JS) == 2
    # ...and nothing in the script that HTML or a template literal would read.
    script = maps.split_parts(maps.route_map(route, venues, events))["script"]
    for raw in ("<img", "</script>", "`", "${"):
        assert raw not in script.split("YinhuPoints.layer(", 1)[1], raw


def test_the_overview_clusters_venues_in_one_compact_layer() -> None:
    venues = [venue(f"Café {i}") | {"id": i} for i in range(40)]
    events = [{"type": "Feature", "id": 5,
               "geometry": {"type": "Point", "coordinates": [120.053, 30.0902]},
               "properties": {"title": "Walk", "starts_at": "2025-05-01T09:00:00+08:00"}}]
    html = maps.overview_map([], venues, events).get_root().render()
    (venue_rows, venue_config), (event_rows, event_config) = point_layers(html)
    assert len(venue_rows) == 40 and venue_config["cluster"] is True
    assert event_rows == [[30.0902, 120.053, 5, "Walk", "event", "2025/5/1 09:00"]]
    assert event_config == {"kinds": {"event": ["calendar-days", "orange"]},
                            "href": "/events/{id}", "cluster": False}
    assert "L.marker(" not in html and "L.markerClusterGroup(" not in html
    assert assets.href("vendor/leaflet.markercluster/leaflet.markercluster.js") + '"' in html
    assert assets.href("js/points.js") + '"' in html


def test_every_overlay_is_handed_to_the_gcj02_hook() -> None:
    route, venues, events = hostile_route()
    html = rendered(route, venues=venues, events=events)
    found = re.search(r"Gcj02\.attach\(\w+, \[(.*?)\]\)", html)
    assert found is not None
    names = found.group(1).split(", ")
    assert len(names) == 4  # the line, waypoints, venues and events
    kinds = [re.search(rf"var {name} = (L\.featureGroup|YinhuPoints\.layer)\(", html)
             for name in names]
    assert [k.group(1) if k else None for k in kinds] == [
        "L.featureGroup", "L.featureGroup", "YinhuPoints.layer", "YinhuPoints.layer"]
    assert '"gcj02": true' in html


def test_tiles_and_controls_are_on_the_map() -> None:
    tiles = tile_layers({"TIANDITU_KEY": "k"})
    html = rendered(route_feature(straight_line()), tiles=tiles)
    assert "tile.openstreetmap.org" in html and "tianditu.gov.cn" in html
    assert "L.control.locate" in html and "L.control.fullscreen" in html
    assert "L.control.layers" in html


def test_split_parts_gives_head_body_and_script_without_page_wide_styles() -> None:
    parts = maps.split_parts(maps.route_map(route_feature(straight_line())))
    assert parts["header"].count("<script src=") >= 4
    assert "html, body" not in parts["header"] and "user-scalable" not in parts["header"]
    assert "charset" not in parts["header"]
    assert re.fullmatch(r'\s*<div class="folium-map" id="map_\w+" ></div>\s*', parts["html"])
    assert "L.map(" in parts["script"] and "<script" not in parts["script"]


def test_tile_layers_offer_tianditu_only_with_a_key() -> None:
    keys = [layer.key for layer in tile_layers({})]
    assert keys == ["osm", "amap"]
    with_key = tile_layers({"TIANDITU_KEY": "a b&c"})
    assert [layer.key for layer in with_key][:1] == ["osm"]
    vec = next(layer for layer in with_key if layer.key == "tianditu_vec")
    assert vec.url.endswith("tk=a%20b%26c") and "vec_w" in vec.url
    assert not vec.gcj02
    assert next(layer for layer in with_key if layer.key == "amap").gcj02


def test_tile_layer_names_are_translated_by_the_given_function() -> None:
    names = [layer.name for layer in tile_layers({}, translate=str.upper)]
    assert names == ["OPENSTREETMAP", "AMAP (GAODE)"]
    assert isinstance(tile_layers({})[0], TileLayerDef)

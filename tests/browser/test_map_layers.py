"""The map layers at work in headless Chromium: compact markers and GCJ-02 shifting.

The overview's venues and events travel as compact rows drawn by static/js/points.js
(text set with textContent); on the AMap (GCJ-02) base layer every overlay — the
markers inside the MarkerCluster, the route lines — is redrawn at its GCJ-02
position, exactly as geo_service.gcj02 computes it, comes back on OpenStreetMap,
and clicks are reported in WGS-84.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from geo_service.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from tests.browser.conftest import CHROMIUM, Visit
from tests.browser.test_pages_in_browser import assert_clean

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing (Debian's chromium): run scripts/browser_deps",
)

OpenPage = Callable[..., tuple[Any, Visit]]
HOSTILE = '<img src=x onerror="window.__xss = 1">'


def map_name(page: Any) -> str:
    """The page's first L.Map is window[map_name] (folium names it after its container)."""
    name: str = page.evaluate("() => document.querySelector('.leaflet-container').id")
    return name


def test_compact_markers_show_user_text_as_text(open_page: OpenPage) -> None:
    page, visit = open_page("/")
    assert_clean(visit)
    shown = page.evaluate(
        """([name, mapName]) => {
          const map = window[mapName];
          const layer = YinhuPoints.layer(
            [[30.09, 120.05, 7, name, "cafe", name, "2nd line"]],
            {kinds: {cafe: ["mug-hot", "purple"]}, href: "/venues/{id}", cluster: false}
          ).addTo(map);
          const marker = layer.getLayers()[0];
          marker.openTooltip();
          const tooltip = marker.getTooltip().getElement();
          marker.openPopup();
          const popup = marker.getPopup().getElement();
          return {
            tooltip: tooltip.textContent,
            title: popup.querySelector(".title").textContent,
            lines: [...popup.querySelectorAll(".yinhu-popup > div:not(.title)")]
              .map(d => d.textContent),
            href: popup.querySelector(".title a").getAttribute("href"),
            images: document.querySelectorAll(".leaflet-pane img:not(.leaflet-tile)").length,
            icon: marker.getElement().querySelector("i").className,
          };
        }""",
        [HOSTILE, map_name(page)],
    )
    page.wait_for_timeout(200)  # an onerror handler would have run by now
    assert shown["tooltip"] == HOSTILE and shown["title"] == HOSTILE
    assert shown["lines"] == [HOSTILE, "2nd line"]
    assert shown["href"] == "/venues/7"
    assert shown["images"] == 0
    assert "fa-mug-hot" in shown["icon"]
    assert page.evaluate("() => window.__xss") is None


# Where every overlay of the overview is drawn, by Leaflet id: the clustered markers,
# the other markers and the route lines ([lon, lat]), and the cluster group's bounds.
POSITIONS_JS = """(mapName) => {
  const map = window[mapName];
  const out = {clustered: {}, markers: {}, lines: {}, clusterBounds: null, inCluster: 0};
  const ll = p => [p.lng, p.lat];
  map.eachLayer(layer => {
    if (layer instanceof L.MarkerClusterGroup) {
      const all = layer.getLayers();
      all.forEach(m => { out.clustered[L.stamp(m)] = ll(m.getLatLng()); });
      const b = layer.getBounds();
      out.clusterBounds = [ll(b.getSouthWest()), ll(b.getNorthEast())];
      out.inCluster = all.filter(m => layer.hasLayer(m)).length;
    } else if (layer instanceof L.Polyline) {
      out.lines[L.stamp(layer)] = layer.getLatLngs().flat(3).map(ll);
    } else if (layer instanceof L.Marker && !(layer instanceof L.MarkerCluster)
               && !layer.__parent) {
      out.markers[L.stamp(layer)] = ll(layer.getLatLng());
    }
  });
  return out;
}"""


def positions(page: Any, name: str) -> dict[str, Any]:
    """Where the overview's overlays are drawn now."""
    result: dict[str, Any] = page.evaluate(POSITIONS_JS, name)
    return result


def assert_shifted(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Every point of `after` is its `before` point in GCJ-02, as Python computes it."""
    assert after.keys() == before.keys()
    for key, points in before.items():
        pairs = points if isinstance(points[0], list) else [points]
        expected = [wgs84_to_gcj02(lon, lat) for lon, lat in pairs]
        got = after[key] if isinstance(points[0], list) else [after[key]]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def choose_base_layer(page: Any, label: str) -> None:
    """Pick a base layer in the (collapsed) layer control, as a user would."""
    choice = page.locator(".leaflet-control-layers-base label", has_text=label)
    if not choice.is_visible():
        # Leaflet opens the control when the pointer comes over it (a tap on a phone).
        page.locator(".leaflet-control-layers").hover()
    if not choice.is_visible():
        page.locator(".leaflet-control-layers-toggle").tap()
    choice.click()
    page.wait_for_timeout(300)  # markercluster re-clusters without animation by then


def test_amap_shifts_clustered_markers_and_lines_and_osm_shifts_them_back(
    open_page: OpenPage,
) -> None:
    page, visit = open_page("/")
    name = map_name(page)
    wgs = positions(page, name)
    assert len(wgs["clustered"]) >= 20 and wgs["inCluster"] == len(wgs["clustered"])
    assert wgs["markers"] and wgs["lines"]

    choose_base_layer(page, "高德地图")
    gcj = positions(page, name)
    for kind in ("clustered", "markers", "lines"):
        assert_shifted(wgs[kind], gcj[kind])
    # The cluster itself was rebuilt at the new positions, not only the markers moved.
    assert gcj["inCluster"] == len(wgs["clustered"])
    lons, lats = zip(*(wgs84_to_gcj02(*p) for p in wgs["clustered"].values()), strict=True)
    np.testing.assert_allclose(gcj["clusterBounds"],
                               [[min(lons), min(lats)], [max(lons), max(lats)]], atol=1e-9)
    page.screenshot(path=str(visit.screenshot).replace(".png", "_amap.png"))

    choose_base_layer(page, "OpenStreetMap")
    back = positions(page, name)
    assert back == wgs  # from the stored WGS-84 originals: exactly, no drift
    assert_clean(visit)
    assert any("amap" in url or "autonavi" in url for url in visit.tiles)


CLICK_JS = """(mapName) => {
  const map = window[mapName];
  window.__clicks = {shown: [], wgs: []};
  map.on("click", e => window.__clicks.shown.push([e.latlng.lng, e.latlng.lat]));
  map.on("wgs84click", e => window.__clicks.wgs.push([e.latlng.lng, e.latlng.lat]));
}"""

# A point of the map to click on that is no marker, control, popup or line (on the
# canvas renderer a click on a line goes to the line only, not to the map).
EMPTY_SPOT_JS = """(mapName) => {
  const map = window[mapName];
  const box = map.getContainer().getBoundingClientRect();
  const lines = [];
  map.eachLayer(l => {
    if (l instanceof L.Polyline) {
      lines.push(l.getLatLngs().flat(3).map(p => map.latLngToContainerPoint(p)));
    }
  });
  const clear = p => lines.every(pts => pts.every(
    (b, i) => i === 0 || L.LineUtil.pointToSegmentDistance(p, pts[i - 1], b) > 20));
  for (let fy = 0.3; fy < 0.9; fy += 0.05) {
    for (let fx = 0.2; fx < 0.8; fx += 0.05) {
      const p = L.point(box.width * fx, box.height * fy);
      const el = document.elementFromPoint(box.left + p.x, box.top + p.y);
      if (clear(p) && el &&
          !el.closest(".leaflet-marker-pane, .leaflet-control, .leaflet-popup-pane")) {
        return [box.left + p.x, box.top + p.y];
      }
    }
  }
  return null;
}"""


def click_empty_spot(page: Any, name: str) -> dict[str, list[float]]:
    """Click the map where nothing is drawn; the click's shown and WGS-84 positions."""
    spot = page.evaluate(EMPTY_SPOT_JS, name)
    assert spot is not None, "no empty spot on the map to click"
    before = page.evaluate("() => window.__clicks.shown.length")
    page.mouse.click(spot[0], spot[1])
    page.wait_for_timeout(100)
    clicks: dict[str, list[list[float]]] = page.evaluate("() => window.__clicks")
    assert len(clicks["shown"]) == len(clicks["wgs"]) == before + 1, clicks
    return {"shown": clicks["shown"][-1], "wgs": clicks["wgs"][-1]}


def test_a_click_on_amap_is_reported_in_wgs84(open_page: OpenPage) -> None:
    page, visit = open_page("/")
    name = map_name(page)
    page.evaluate(CLICK_JS, name)

    choose_base_layer(page, "高德地图")
    click = click_empty_spot(page, name)
    assert click["wgs"] == pytest.approx(list(gcj02_to_wgs84(*click["shown"])), abs=1e-9)
    assert click["wgs"] != pytest.approx(click["shown"], abs=1e-4)  # ~500 m apart

    choose_base_layer(page, "OpenStreetMap")
    click = click_empty_spot(page, name)
    assert click["wgs"] == click["shown"]
    assert_clean(visit)

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

import pytest

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

"""Every page from a 360 px phone to a 1280 px desktop, in headless Chromium.

At 360 x 740 no page, in either language, is wider than the screen (nothing to
scroll sideways); the
calendar shows its agenda list on a phone and its month grid on a desktop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, Recorder, Service, Visit, save_screenshot
from tests.browser.test_pages_in_browser import PAGES, _url, assert_clean

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing (Debian's chromium): run scripts/browser_deps",
)

SMALL_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 360, "height": 740}}
DESKTOP: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
# What sticks out past the right edge, to say which element overflows (the map's
# tiles and panes may: the map clips them).
WIDEST_JS = """(limit) => [...document.querySelectorAll("body *")]
  .filter(el => !el.closest(".leaflet-container"))
  .filter(el => el.getBoundingClientRect().right > limit + 0.5)
  .slice(-5)
  .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
       (el.className && typeof el.className === "string" ? "." + el.className.trim()
         .split(/\\s+/).join(".") : "") + " " + Math.round(el.getBoundingClientRect().right))"""

Opener = Callable[[str, str], tuple[Any, Visit]]


@pytest.fixture()
def opener(browser: Any, live_server: Service) -> Iterator[Callable[[dict[str, Any]], Opener]]:
    """opener(device) → open(path, name): a page loaded in a context of that device."""
    contexts: list[Any] = []

    def for_device(device: dict[str, Any]) -> Opener:
        context = browser.new_context(base_url=live_server.base_url, **device)
        context.set_default_timeout(15_000)
        contexts.append(context)

        def open_(path: str, name: str) -> tuple[Any, Visit]:
            page = context.new_page()
            visit = Visit(path=path, status=None)
            Recorder(page, live_server, visit)
            response = page.goto(path, wait_until="load")
            visit.status = response.status if response else None
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)  # Leaflet's first draw, Chart.js's first layout
            visit.screenshot = save_screenshot(page, name)
            return page, visit

        return open_

    yield for_device
    for context in contexts:
        context.close()


def page_paths(service: Service) -> list[str]:
    """Every page and the plan with a route chosen, in Chinese and in (longer) English."""
    paths = [_url(template, service) for template in PAGES]
    paths.append(f"/plan?route={service.sample.route_id}&within_m=2000")
    return [f"{path}{'&' if '?' in path else '?'}lang={lang}"
            for lang in ("zh", "en") for path in paths]


def test_no_page_is_wider_than_a_360_px_phone(
    opener: Callable[[dict[str, Any]], Opener], live_server: Service
) -> None:
    open_page = opener(SMALL_PHONE)
    too_wide = {}
    for path in page_paths(live_server):
        page, visit = open_page(path, "w360_" + path.strip("/").replace("/", "_")
                                .replace("?", "_").replace("&", "_").replace("=", "_"))
        assert_clean(visit)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = (width, page.evaluate(WIDEST_JS, 360))
        page.close()
    assert too_wide == {}


def test_the_calendar_is_a_month_grid_on_a_desktop_and_an_agenda_on_a_phone(
    opener: Callable[[dict[str, Any]], Opener],
) -> None:
    desktop, _ = opener(DESKTOP)("/events", "events_desktop")
    assert desktop.locator(".yinhu-month").is_visible()
    assert not desktop.locator(".yinhu-agenda").is_visible()
    assert desktop.locator(".yinhu-month .cell").count() >= 28
    assert desktop.evaluate("() => document.documentElement.scrollWidth") <= 1280

    phone, _ = opener(SMALL_PHONE)("/events", "events_360")
    assert phone.locator(".yinhu-agenda").is_visible()
    assert not phone.locator(".yinhu-month").is_visible()

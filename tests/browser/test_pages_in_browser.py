"""Every page in headless Chromium at a phone viewport (issue 5, point 7).

Each page answers 200, logs no console error or uncaught exception, loads nothing
from another host (map tiles are blocked and recorded apart), and, where it has a
map, draws lines and markers. The upload form shows the API's refusal message for
a bad GPX. A page that is not built yet (404) is skipped, not failed. Screenshots:
tests/artifacts/*.png.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from geo_service.queries.users import create_user
from tests.browser.conftest import CHROMIUM, Service, Visit, save_screenshot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing (Debian's chromium): run scripts/browser_deps",
)

OpenPage = Callable[..., tuple[Any, Visit]]
MALFORMED_GPX = Path(__file__).resolve().parents[1] / "data" / "gpx" / "malformed.gpx"

# Counts of what Leaflet drew. Folium names each map's variable after its container's
# id, so the L.Map is window[container.id]; its layers are counted by class, which
# works for the canvas renderer (preferCanvas) too. The SVG elements are counted as
# well: paths whose outline has an arc are circle markers, the others lines;
# icons and cluster bubbles are markers.
MAP_LAYERS_JS = """() => {
  const containers = [...document.querySelectorAll('.leaflet-container')];
  const out = {maps: containers.length, lines: 0, circles: 0, icons: 0};
  for (const c of containers) {
    const paths = [...c.querySelectorAll('path.leaflet-interactive')];
    const arc = p => /a/i.test(p.getAttribute('d') || '');
    let lines = paths.filter(p => !arc(p)).length, circles = paths.filter(arc).length;
    let icons = c.querySelectorAll('.leaflet-marker-icon').length;
    const m = window[c.id];
    if (window.L && m instanceof L.Map) {
      let ll = 0, cc = 0, ii = 0;
      m.eachLayer(l => {
        if (l instanceof L.CircleMarker) cc++;
        else if (l instanceof L.Polyline && l.getLatLngs().flat(3).length > 1) ll++;
        else if (l instanceof L.Marker) ii++;
      });
      lines = Math.max(lines, ll); circles = Math.max(circles, cc); icons = Math.max(icons, ii);
    }
    out.lines += lines; out.circles += circles; out.icons += icons;
  }
  return out;
}"""


# path → (needs a map, needs a line, needs a marker); ids filled from the sample data.
PAGES: dict[str, tuple[bool, bool, bool]] = {
    "/": (True, True, True),
    "/routes/{route_id}": (True, True, True),
    "/venues/{venue_id}": (True, True, True),  # its upcoming events' routes drawn too
    "/events/{event_id}": (True, True, True),
    "/events": (False, False, False),
    "/plan": (True, True, True),
    "/upload": (False, False, False),
    "/dashboard": (False, False, False),
}


def _url(template: str, service: Service) -> str:
    return template.format(**vars(service.sample))


def assert_clean(visit: Visit) -> None:
    """200, no errors, nothing but the service reached (tiles aside)."""
    assert visit.status == 200, f"{visit.path} answered {visit.status}"
    assert not visit.errors, f"{visit.path}: console/page errors: {visit.errors}"
    assert not visit.third_party, (
        f"{visit.path} asked another host for scripts/styles/fonts/data: {visit.third_party}"
    )
    assert not visit.failed_local, f"{visit.path}: the service refused: {visit.failed_local}"


def map_layers(page: Any) -> dict[str, int]:
    """What Leaflet drew on the page."""
    result: dict[str, int] = page.evaluate(MAP_LAYERS_JS)
    return result


def wait_for_vectors(page: Any) -> dict[str, int]:
    """Give Leaflet up to 5 s to draw a line or a marker; then what it drew."""
    # On a timeout the counts below say what is missing.
    with contextlib.suppress(Exception):
        page.wait_for_function(
            f"(c => c.lines + c.circles + c.icons > 0)(({MAP_LAYERS_JS})())", timeout=5_000
        )
    return map_layers(page)


def choose_a_route_on_the_plan(page: Any, service: Service) -> None:
    """On /plan, pick the sample route in the form and submit, if the map is empty."""
    select = page.locator("form select").first
    if not select.count():
        return
    wanted = str(service.sample.route_id)
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    choice = wanted if wanted in values else next((v for v in values if v), None)
    if choice is None:
        return
    select.select_option(choice)
    submit = page.locator("form:has(select) [type=submit]").first
    if submit.count():
        submit.click()
        page.wait_for_url("**/plan?*", wait_until="load", timeout=10_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("template", list(PAGES))
def test_page_loads_clean_on_a_phone(
    open_page: OpenPage, live_server: Service, template: str
) -> None:
    page, visit = open_page(_url(template, live_server))
    assert_clean(visit)
    needs_map, needs_line, needs_marker = PAGES[template]
    if not needs_map:
        return
    layers = wait_for_vectors(page) if map_layers(page)["maps"] else map_layers(page)
    if template == "/plan" and not layers["lines"]:
        # The plan's map shows once a route is chosen in its form.
        choose_a_route_on_the_plan(page, live_server)
        layers = wait_for_vectors(page)
        save_screenshot(page, "plan_route_chosen")
        assert_clean(visit)
    assert layers["maps"] >= 1, f"{visit.path}: no Leaflet map (.leaflet-container)"
    if needs_line:
        assert layers["lines"] >= 1, f"{visit.path}: no line on the map ({layers})"
    if needs_marker:
        assert layers["icons"] + layers["circles"] >= 1, f"{visit.path}: no marker ({layers})"


@pytest.fixture()
def upload_token(live_server: Service) -> str:
    """A member's token in the browser-test database."""
    factory = live_server.app.extensions["yinhu_db"]
    with factory() as session:
        assert isinstance(session, Session)
        _, token = create_user(session, f"browser-{uuid.uuid4().hex[:12]}", "member")
        session.commit()
    return token


def api_refusal(live_server: Service, token: str, lang: str = "zh-CN") -> str:
    """The message the API gives for the malformed GPX, in the browser's language."""
    with live_server.app.test_client() as client:
        answer = client.post(
            "/api/v1/routes",
            data={"file": (MALFORMED_GPX.open("rb"), MALFORMED_GPX.name)},
            headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
        )
    assert answer.status_code == 400, answer.get_data(as_text=True)
    message: str = answer.get_json()["error"]["message"]
    return message


def test_the_upload_form_shows_the_refusal_of_a_bad_gpx(
    open_page: OpenPage, live_server: Service, upload_token: str
) -> None:
    page, visit = open_page("/upload")
    assert_clean(visit)
    expected = api_refusal(live_server, upload_token)
    form = page.locator("form:has(input[type=file])").first
    assert form.count(), "/upload has no form with a file input"
    form.locator("input[type=file]").first.set_input_files(str(MALFORMED_GPX))
    token_field = form.locator(
        "input[name*=token i], input[id*=token i], input[type=password]"
    ).first
    if token_field.count():
        token_field.fill(upload_token)
    form.locator("[type=submit]").first.click()
    # The page may post with fetch() or as a plain form: either way the message shows.
    page.get_by_text(expected, exact=False).first.wait_for(state="visible", timeout=10_000)
    page.wait_for_load_state("networkidle")
    save_screenshot(page, "upload_refused")
    # The refusal itself (a 400 from the API) is expected: only other failures count.
    visit.console_errors[:] = [e for e in visit.console_errors if "status of 400" not in e]
    visit.failed_local[:] = [f for f in visit.failed_local if not f.startswith("400 ")]
    assert not visit.errors, f"/upload after submitting: {visit.errors}"
    assert not visit.third_party, f"/upload after submitting: {visit.third_party}"

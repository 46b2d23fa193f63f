"""Real-browser fixtures: the app served on 127.0.0.1 and Debian's headless Chromium.

The app runs in a thread (Werkzeug's server, random port) on its own database,
`<test database>_browser`, migrated and loaded with the sample data in data/ once
per session (the load is idempotent): the per-test rolled-back connection of
tests/conftest.py can't be shared with a server thread. As the sample season's dates
age, one walk two days ahead is added at the sample venue. Playwright drives
/usr/bin/chromium (never a downloaded browser) at a phone viewport. Every request
is routed: the service's own host:port goes through, anything else is recorded and
aborted (map tiles included, recorded apart). Console errors and page errors are
collected, and each visit leaves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, delete, make_url, select
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from geo_service import create_app, migrate
from geo_service.db import make_engine
from geo_service.demo import load_sample_data
from geo_service.models import Event
from tests.conftest import database_url_for_tests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"

# As root Chromium needs --no-sandbox; the rest keep it from calling Google's hosts,
# which this machine's closed network refuses (and which would not be the page's).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/150.0.0.0 Mobile Safari/537.36"
    ),
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}

# Tile servers the pages may name (OpenStreetMap, Tianditu, AMap/Gaode).
TILE_HOST = re.compile(r"(openstreetmap\.(org|fr)|tianditu\.gov\.cn|amap\.com|autonavi\.com)$")


@dataclass
class Sample:
    """Ids of the loaded sample data that the pages show."""

    route_id: int
    venue_id: int
    event_id: int


@dataclass
class Service:
    """The app served on 127.0.0.1:port, and what it serves."""

    base_url: str
    app: Any
    sample: Sample

    @property
    def netloc(self) -> str:
        return urlsplit(self.base_url).netloc


@dataclass
class Visit:
    """What one page load did in the browser."""

    path: str
    status: int | None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)  # aborted, not tiles
    tiles: list[str] = field(default_factory=list)  # aborted tile requests
    failed_local: list[str] = field(default_factory=list)  # service answers ≥ 400
    screenshot: Path | None = None

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions together."""
        return self.console_errors + self.page_errors


def browser_database_url() -> str:
    """The test database's name with `_browser` added."""
    url = make_url(database_url_for_tests())
    return url.set(database=f"{url.database}_browser").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def browser_engine() -> Iterator[Engine]:
    """The migrated browser-test database, with the sample data loaded."""
    url = browser_database_url()
    migrate.ensure_database(url)
    migrate.upgrade(url)
    eng = make_engine(url)
    with Session(eng) as session:
        for _ in load_sample_data(session, ROOT / "data"):
            pass
    yield eng
    eng.dispose()


def _sample_ids(engine: Engine) -> Sample:
    """An event that has both a route and a venue, and those two (with an upcoming walk)."""
    with Session(engine) as session:
        event = session.execute(
            select(Event)
            .where(Event.route_id.is_not(None), Event.venue_id.is_not(None))
            .order_by(Event.id)
            .limit(1)
        ).scalar_one()
        assert event.route_id is not None and event.venue_id is not None
        _upcoming_event(session, event.venue_id, event.route_id)
        return Sample(route_id=event.route_id, venue_id=event.venue_id, event_id=event.id)


UPCOMING_KEY = "browser-test-upcoming"


def _upcoming_event(session: Session, venue_id: int, route_id: int) -> Event:
    """An event at the venue on the route two days from now, whatever today is.

    The sample season's dates age; the venue page maps its upcoming events' routes.
    """
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    session.execute(delete(Event).where(Event.key == UPCOMING_KEY))
    # Its title has one long word: pages must wrap it rather than grow wider.
    event = Event(key=UPCOMING_KEY, title="Browser test walk " + "Yinhu" * 12, starts_at=start,
                  ends_at=start + timedelta(hours=2), last_ends_at=start + timedelta(hours=2),
                  venue_id=venue_id, route_id=route_id)
    session.add(event)
    session.commit()
    return event


@pytest.fixture(scope="session")
def live_server(browser_engine: Engine) -> Iterator[Service]:
    """The real app on 127.0.0.1 at a free port, in a thread, for the session."""
    app = create_app({"DATABASE_URL": browser_database_url()}, bind=browser_engine)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server")
    thread.start()
    try:
        yield Service(
            base_url=f"http://127.0.0.1:{server.port}",
            app=app,
            sample=_sample_ids(browser_engine),
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/browser_deps")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def phone(browser: Any, live_server: Service) -> Iterator[Any]:
    """A fresh phone-sized browser context, closed after the test."""
    context = browser.new_context(base_url=live_server.base_url, **PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


class Recorder:
    """Routes and watches one page: only the service's host may be reached."""

    def __init__(self, page: Any, service: Service, visit: Visit) -> None:
        self.service, self.visit = service, visit
        self.aborted: set[str] = set()
        page.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
        page.on("response", self._response)

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == self.service.netloc:
            route.continue_()
            return
        if parts.scheme in ("data", "blob"):
            route.continue_()
            return
        self.aborted.add(url)
        host = parts.hostname or ""
        is_tile = bool(TILE_HOST.search(host)) or (
            route.request.resource_type == "image" and re.search(r"/\d+/\d+/\d+", url)
        )
        (self.visit.tiles if is_tile else self.visit.third_party).append(url)
        route.abort("blockedbyclient")

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        # The aborts above show up as "Failed to load resource"; they are reported
        # as third-party requests or tiles, not as the page's own errors.
        if where in self.aborted and msg.text.startswith("Failed to load resource"):
            return
        self.visit.console_errors.append(f"{msg.text} ({where})")

    def _response(self, response: Any) -> None:
        if urlsplit(response.url).netloc == self.service.netloc and response.status >= 400:
            self.visit.failed_local.append(f"{response.status} {response.url}")


def _artifact_name(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "index"


@pytest.fixture()
def open_page(phone: Any, live_server: Service) -> Callable[..., tuple[Any, Visit]]:
    """open_page(path) → (page, Visit): load, settle, screenshot to tests/artifacts/.

    A 404 skips the test: that page is not built yet.
    """

    def open_(path: str, name: str | None = None) -> tuple[Any, Visit]:
        page = phone.new_page()
        visit = Visit(path=path, status=None)
        Recorder(page, live_server, visit)
        response = page.goto(path, wait_until="load")
        visit.status = response.status if response else None
        if visit.status == 404:
            page.close()
            pytest.skip(f"{path}: page not built yet (404)")
        page.wait_for_load_state("networkidle")
        if page.locator(".leaflet-container").count():
            # Leaflet draws vector layers after the map's first view is set.
            page.wait_for_timeout(300)
        visit.screenshot = save_screenshot(page, name or _artifact_name(path))
        return page, visit

    return open_


SCREENSHOT_MAX_HEIGHT = 4000  # CSS px: a long list would make a slow, huge PNG


def save_screenshot(page: Any, name: str) -> Path:
    """A PNG of the page's top (whole if short) in tests/artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else 390
    page.screenshot(
        path=str(target),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(height, SCREENSHOT_MAX_HEIGHT)},
        animations="disabled",
        caret="hide",
    )
    return target

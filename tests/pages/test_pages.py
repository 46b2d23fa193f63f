"""The HTML pages: Chinese first, English on request, readable errors, escaping, size."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from geo_service.demo import load_sample_data
from geo_service.events_core import SHANGHAI
from geo_service.models import Event, Route, Venue
from tests.helpers import YINHU, line, make_gpx, upload

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
LINK = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']?([^\"' >]+)", re.I)


@pytest.fixture()
def sample(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The sample Yinhu data; ids of one route, venue and event."""
    list(load_sample_data(session, DATA_DIR))
    first = {
        "route": session.execute(select(Route.id).order_by(Route.id)).scalars().first(),
        "venue": session.execute(select(Venue.id).order_by(Venue.id)).scalars().first(),
        "event": session.execute(
            select(Event.id).where(Event.route_id.is_not(None), Event.venue_id.is_not(None))
        ).scalars().first(),
    }
    assert all(first.values())
    return first


def page_urls(ids: dict[str, int]) -> list[str]:
    """Every page, with the given ids."""
    return [
        "/",
        f"/routes/{ids['route']}",
        f"/venues/{ids['venue']}",
        f"/events/{ids['event']}",
        "/events",
        "/plan",
        f"/plan?route={ids['route']}&within_m=500&min_capacity=5",
        "/upload",
        "/dashboard",
    ]


def html(client: FlaskClient, url: str, status: int = 200, **kw: Any) -> str:
    """The page's text, checking its status and type."""
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code)
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_every_page_speaks_chinese_by_default(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    for url in page_urls(sample):
        text = html(client, url)
        assert '<html lang="zh-CN">' in text, url
        assert "日历" in text and "Calendar" not in text, url
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text


def test_every_page_speaks_english_on_request(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    for url in page_urls(sample):
        sep = "&" if "?" in url else "?"
        text = html(client, f"{url}{sep}lang=en", headers={"Cookie": ""})
        assert '<html lang="en">' in text, url
        assert "Calendar" in text, url
        client.delete_cookie("lang")


def test_the_language_switch_links_to_the_same_page(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    text = html(client, f"/routes/{sample['route']}")
    assert f'href="/routes/{sample["route"]}?lang=en"' in text


def test_pages_name_no_other_host(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    for url in page_urls(sample):
        links = LINK.findall(html(client, url))
        assert links, url
        assert all(link.startswith("/") and not link.startswith("//") for link in links), (
            url, [link for link in links if not link.startswith("/")])


def test_the_route_page_has_stats_badges_profile_gpx_venues_and_events(
    client: FlaskClient, sample  # type: ignore[no-untyped-def]
) -> None:
    route_id = sample["route"]
    text = html(client, f"/routes/{route_id}")
    assert f'href="/api/v1/routes/{route_id}/gpx"' in text
    assert "下载 GPX" in text or "GPX" in text
    assert 'id="profile"' in text and "/static/vendor/chart.js/" in text
    assert "SurfaceLine" not in text or "L.polyline" in text
    assert "badge level-" in text
    assert "公里" in text  # distance in Chinese units
    assert "L.control.locate" in text and "L.control.fullscreen" in text
    # The map's script runs as a script, after its container.
    assert re.search(r"<script>(?:(?!</script>).)*\bL\.map\(", text, re.S)
    assert text.index('class="folium-map"') < text.index("L.map(")


def test_unknown_ids_answer_a_readable_404_page(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    for url in ("/routes/999999", "/venues/999999", "/events/999999", "/plan?route=999999"):
        text = html(client, url, 404)
        assert "<h1" in text and "999999" in text
        assert '"error"' not in text


@pytest.mark.parametrize(
    "url",
    ["/events?month=2026-13", "/events?month=soon", "/plan?within_m=-3",
     "/plan?within_m=nan", "/plan?amenity=jacuzzi", "/?audience=cats", "/?length=huge"],
)
def test_bad_parameters_answer_a_readable_400_page(client: FlaskClient, url: str) -> None:
    text = html(client, url, 400)
    assert "<h1" in text and "400" in text


def test_the_calendar_links_every_item_to_its_event_and_place(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    text = html(client, "/events?month=2026-11")
    assert 'class="yinhu-month"' in text and 'class="yinhu-agenda"' in text
    assert "2026年11月" in text and "November 2026" in html(client, "/events?month=2026-11&lang=en")
    client.delete_cookie("lang")
    assert "?month=2026-10" in text and "?month=2026-12" in text
    assert re.search(r'href="/events/\d+"', text)
    assert re.search(r'href="/(venues|routes)/\d+"', text)


def test_the_plan_lists_venues_by_kilometre_mark(client: FlaskClient, sample) -> None:  # type: ignore[no-untyped-def]
    text = html(client, f"/plan?route={sample['route']}&within_m=2000")
    assert re.search(r'href="/venues/\d+"', text)
    assert f'value="{sample["route"]}" selected' in text


@pytest.fixture()
def hostile(client: FlaskClient, make_token) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A route, venue and event all named like an XSS attempt."""
    token = make_token("organizer")
    auth = {"Authorization": f"Bearer {token}"}
    gpx = make_gpx(line(YINHU, 45.0, 1500.0), name="walk")
    r = upload(client, gpx, token, name=HOSTILE, description=HOSTILE)
    assert r.status_code == 201, r.json
    route_id = r.json["id"]
    r = client.post("/api/v1/venues", headers=auth, json={
        "name": HOSTILE, "type": "cafe", "lon": YINHU[0] + 0.001, "lat": YINHU[1] + 0.001,
        "address": HOSTILE, "capacity": 20,
    })
    assert r.status_code == 201, r.json
    venue_id = r.json["id"]
    start = datetime.now(SHANGHAI).replace(microsecond=0) + timedelta(days=2)
    r = client.post("/api/v1/events", headers=auth, json={
        "title": HOSTILE, "description": HOSTILE, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "venue_id": venue_id, "route_id": route_id,
    })
    assert r.status_code == 201, r.json
    return {"route": route_id, "venue": venue_id, "event": r.json["id"],
            "month": int(start.strftime("%Y%m"))}


def test_hostile_names_are_escaped_in_pages_and_popups(client: FlaskClient, hostile) -> None:  # type: ignore[no-untyped-def]
    month = str(hostile["month"])
    urls = ["/", f"/routes/{hostile['route']}", f"/venues/{hostile['venue']}",
            f"/events/{hostile['event']}", f"/events?month={month[:4]}-{month[4:]}",
            f"/plan?route={hostile['route']}"]
    for url in urls:
        text = html(client, url)
        assert HOSTILE not in text, url
        assert ESCAPED in text, url
    # The maps' popups and tooltips carry it escaped too.
    event_page = html(client, f"/events/{hostile['event']}")
    assert event_page.count(ESCAPED) >= 3  # heading, venue link, popups


def test_a_large_track_keeps_the_route_page_small(client: FlaskClient, token: str) -> None:
    points = line(YINHU, 30.0, 40_000.0, step_m=2.0)[:20_000]
    r = upload(client, make_gpx(points, name="大轨迹"), token)
    assert r.status_code == 201, r.json
    body = client.get(f"/routes/{r.json['id']}").get_data()
    assert len(body) < 150_000, len(body)


def test_friendliness_reasons_are_worded_in_the_pages_language(
    client: FlaskClient, token: str
) -> None:
    r = upload(client, make_gpx(line(YINHU, 0.0, 2000.0, climb_m=280.0), name="陡坡"), token)
    assert r.status_code == 201, r.json
    route_id = r.json["id"]
    auth = {"Authorization": f"Bearer {token}"}
    segments = [{"start_m": 0, "end_m": 1200, "surface": "asphalt", "condition": "good"},
                {"start_m": 1200, "end_m": 1400, "surface": "steps", "condition": "fair"}]
    r = client.put(f"/api/v1/routes/{route_id}/surface", json={"segments": segments},
                   headers=auth)
    assert r.status_code == 200, r.json
    f = client.get(f"/api/v1/routes/{route_id}").json["properties"]["friendliness"]
    stroller, wheelchair = f["stroller"], f["wheelchair"]
    grade = wheelchair["reasons"][1]["params"]
    shown, at = f"{grade['grade_pct']:.1f}".removesuffix(".0"), f"{grade['at_km']:.1f}"
    # The API's reason stays the English sentence; `reasons` holds its findings.
    assert stroller["reason"] == "steps at km 1.2\u20131.4"
    assert stroller["reasons"] == [
        {"code": "steps", "params": {"places": [[1.2, 1.4]], "more": 0}}]
    assert wheelchair["reason"] == f"steps at km 1.2\u20131.4; {shown} % grade at km {at}"

    zh = html(client, f"/routes/{route_id}")
    assert "1.2\u20131.4 公里处有台阶" in zh
    assert f"1.2\u20131.4 公里处有台阶\uff1b坡度 {shown} %\uff08{at} 公里处\uff09" in zh
    assert "路线数据未说明是否欢迎携带宠物" in zh
    assert "steps at km" not in zh and "% grade" not in zh

    en = html(client, f"/routes/{route_id}?lang=en")
    assert stroller["reason"] in en and wheelchair["reason"] in en
    assert "the route data does not say whether pets are welcome" in en
    client.delete_cookie("lang")

    r = client.put(f"/api/v1/routes/{route_id}/friendliness", json={"pets": "friendly"},
                   headers=auth)
    assert r.json["properties"]["friendliness"]["pets"]["reason"] == "set by hand"
    assert "人工设定" in html(client, f"/routes/{route_id}?lang=zh")


def test_the_venue_page_maps_its_upcoming_events_and_their_routes(
    client: FlaskClient, hostile  # type: ignore[no-untyped-def]
) -> None:
    text = html(client, f"/venues/{hostile['venue']}")
    # The event at the venue, listed and on the map...
    assert f'href="/events/{hostile["event"]}"' in text
    assert '"href":"/events/{id}"' in text and f',{hostile["event"]},' in text
    # ...and the route it walks: listed, and drawn (RouteLines) with a link to its page.
    assert "这些活动的路线" in text
    assert f'href="/routes/{hostile["route"]}"' in text
    lines = re.search(r"(\[\{\"c\".*?\}\])\.forEach", text)
    assert lines is not None
    assert f"/routes/{hostile['route']}" in lines.group(1)


def test_a_venue_without_events_shows_no_routes(client: FlaskClient, make_token) -> None:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {make_token('organizer')}"}
    r = client.post("/api/v1/venues", headers=auth, json={
        "name": "Quiet room", "type": "community_room", "lon": YINHU[0], "lat": YINHU[1]})
    assert r.status_code == 201, r.json
    text = html(client, f"/venues/{r.json['id']}")
    assert "这些活动的路线" not in text and "RouteLines" not in text
    assert "L.polyline" not in text

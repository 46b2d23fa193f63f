"""Events: window overlap, time zones, recurrence, places, feeds, stats, bad input."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from geo_service.queries.venue_writes import create_venue, upsert_organizations
from tests.helpers import YINHU, line, make_gpx, upload


@pytest.fixture()
def place(session, client, make_token):
    """An organizer token, an organization, a venue at Yinhu and a route nearby."""
    token = make_token("organizer")
    upsert_organizations(session, [{"key": "books", "name": "春江书房", "kind": "partner"}])
    venue = create_venue(session, {"name": "春江书房", "type": "bookstore", "lon": YINHU[0],
                                   "lat": YINHU[1], "address": "银湖街道 1 号", "amenities": []})
    session.commit()
    route = upload(client, make_gpx(line((120.10, 30.12), 0, 2000)), token).json
    return {"token": token, "venue": venue, "route": route["id"]}


def post(client, token, **body):
    return client.post("/api/v1/events", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def make(client, place, **over):
    body = {"title": "读书会", "starts_at": "2026-11-05T19:30:00+08:00",
            "ends_at": "2026-11-05T21:00:00+08:00", "venue_id": place["venue"]} | over
    r = post(client, place["token"], **body)
    assert r.status_code == 201, r.json
    return r.json


def titles(r):
    assert r.status_code == 200, r.json
    return [f["properties"]["title"] for f in r.json["features"]]


def test_an_event_overlapping_the_window_is_in_it(client, place):
    make(client, place, title="overnight", starts_at="2026-10-31T22:00:00+08:00",
         ends_at="2026-11-01T02:00:00+08:00")
    make(client, place, title="before", starts_at="2026-10-30T10:00:00+08:00",
         ends_at="2026-10-30T12:00:00+08:00")
    assert titles(client.get("/api/v1/events?from=2026-11-01&to=2026-11-30")) == ["overnight"]


def test_a_2330_shanghai_event_on_the_last_day_of_a_month_belongs_to_that_month(client, place):
    make(client, place, title="late", starts_at="2027-01-31T23:30:00+08:00",
         ends_at="2027-01-31T23:59:00+08:00")
    assert titles(client.get("/api/v1/events?from=2027-01-01&to=2027-01-31")) == ["late"]
    assert titles(client.get("/api/v1/events?from=2027-02-01&to=2027-02-28")) == []


def test_a_time_without_offset_is_read_as_shanghai(client, place):
    ev = make(client, place, starts_at="2026-11-05T19:30", ends_at="2026-11-05T21:00")
    assert ev["properties"]["starts_at"] == "2026-11-05T19:30:00+08:00"


def test_a_weekly_club_expands_into_its_occurrences_in_the_window(client, place):
    make(client, place, title="weekly", rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=20")
    r = client.get("/api/v1/events?from=2026-12-01&to=2026-12-31")
    starts = [f["properties"]["starts_at"] for f in r.json["features"]]
    assert starts == [f"2026-12-{d:02d}T19:30:00+08:00" for d in (3, 10, 17, 24, 31)]
    assert r.json["total"] == 5
    assert {f["properties"]["occurrence"] for f in r.json["features"]} == {4, 5, 6, 7, 8}


def test_events_near_a_point_through_venue_route_or_meeting_point(client, place):
    make(client, place, title="at the venue")
    make(client, place, title="on the route", venue_id=None, route_id=place["route"])
    make(client, place, title="meet here", venue_id=None,
         meeting_point={"lat": 30.30, "lon": 120.30, "name": "北门"})
    base = "/api/v1/events?from=2026-11-01&to=2026-11-30"
    assert titles(client.get(base + f"&lat={YINHU[1]}&lon={YINHU[0]}&radius_m=300")) == [
        "at the venue"]
    assert titles(client.get(base + "&lat=30.125&lon=120.10&radius_m=500")) == ["on the route"]
    assert titles(client.get(base + "&lat=30.30&lon=120.30&radius_m=100")) == ["meet here"]


def test_route_and_venue_event_lists(client, place):
    make(client, place, title="walk", route_id=place["route"])
    r = client.get(f"/api/v1/routes/{place['route']}/events")
    assert titles(r) == ["walk"]
    assert titles(client.get(f"/api/v1/venues/{place['venue']}/events")) == ["walk"]
    assert client.get("/api/v1/routes/999999/events").status_code == 404


def test_one_event_has_its_venue_and_route_summaries(client, place):
    ev = make(client, place, route_id=place["route"], organizer="books", tags=["walk"])
    r = client.get(f"/api/v1/events/{ev['id']}")
    props = r.json["properties"]
    assert props["venue"]["name"] == "春江书房"
    assert props["route"]["id"] == place["route"]
    assert props["organizer"]["key"] == "books"
    assert props["url"].endswith(f"/events/{ev['id']}")
    assert r.json["geometry"]["coordinates"] == pytest.approx(list(YINHU))


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"ends_at": "2026-11-05T18:00:00+08:00"}, "ends_at"),
        ({"starts_at": "next thursday"}, "starts_at"),
        ({"venue_id": None}, "venue_id"),
        ({"venue_id": 999999}, "venue_id"),
        ({"route_id": 999999}, "route_id"),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"organizer": "nobody"}, "organizer"),
        ({"signup_url": "javascript:alert(1)"}, "signup_url"),
        ({"status": "maybe"}, "status"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field_and_nothing_is_stored(
    client, place, over, field
):
    body = {"title": "x", "starts_at": "2026-11-05T19:30:00+08:00",
            "ends_at": "2026-11-05T21:00:00+08:00", "venue_id": place["venue"]} | over
    r = post(client, place["token"], **body)
    assert r.status_code == 400, r.json
    assert r.json["error"]["details"]["parameter"] == field
    assert client.get("/api/v1/events").json["total"] == 0


def test_bad_query_dates_are_400(client):
    r = client.get("/api/v1/events?from=yesterday")
    assert r.status_code == 400 and r.json["error"]["details"]["parameter"] == "from"
    r = client.get("/api/v1/events?to=2026-13-40")
    assert r.status_code == 400 and r.json["error"]["details"]["parameter"] == "to"
    r = client.get("/api/v1/events?venue_id=999999")
    assert r.status_code == 400 and r.json["error"]["details"]["parameter"] == "venue_id"


def test_members_may_not_create_events_and_owners_may_edit(client, place, make_token):
    member = make_token("member")
    r = post(client, member, title="x", starts_at="2026-11-05T19:30", ends_at="2026-11-05T21:00",
             venue_id=place["venue"])
    assert r.status_code == 403
    ev = make(client, place)
    other = make_token("organizer")
    url = f"/api/v1/events/{ev['id']}"
    assert client.patch(url, json={"status": "cancelled"},
                        headers={"Authorization": f"Bearer {other}"}).status_code == 403
    r = client.patch(url, json={"status": "cancelled"},
                     headers={"Authorization": f"Bearer {place['token']}"})
    assert r.status_code == 200 and r.json["properties"]["status"] == "cancelled"
    r = client.patch(url, json={"ends_at": "2026-11-05T19:00"},
                     headers={"Authorization": f"Bearer {place['token']}"})
    assert r.status_code == 400
    assert client.delete(url, headers={"Authorization": f"Bearer {place['token']}"}).status_code == 204


def test_a_venue_with_events_cannot_be_deleted(client, place, make_token):
    make(client, place)
    admin = make_token("admin")
    r = client.delete(f"/api/v1/venues/{place['venue']}", headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 409
    assert r.json["error"]["code"] == "in_use"


def test_the_ics_feed_parses_back_with_rule_location_geo_and_status(client, place):
    weekly = make(client, place, title="weekly, club; 读书", rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4")
    cancelled = make(client, place, title="cancelled walk", route_id=place["route"],
                     starts_at="2026-11-07T08:00", ends_at="2026-11-07T10:00")
    client.patch(f"/api/v1/events/{cancelled['id']}", json={"status": "cancelled"},
                 headers={"Authorization": f"Bearer {place['token']}"})
    r = client.get("/events.ics?from=2026-10-01")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = Calendar.from_ical(r.data)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    w = events["weekly, club; 读书"]
    assert str(w["UID"]) == f"event-{weekly['id']}@localhost"
    assert w["RRULE"]["FREQ"] == ["WEEKLY"] and w["RRULE"]["COUNT"] == [4]
    assert "春江书房" in str(w["LOCATION"])
    assert w["GEO"].latitude == pytest.approx(YINHU[1])
    assert str(w["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    assert "DTSTAMP" in w
    assert str(w["URL"]).endswith(f"/events/{weekly['id']}")
    assert str(events["cancelled walk"]["STATUS"]) == "CANCELLED"
    again = Calendar.from_ical(client.get("/events.ics?from=2026-10-01").data)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in cal.walk("VEVENT")]


def test_venue_and_route_feeds_hold_only_their_events(client, place):
    make(client, place, title="at venue")
    make(client, place, title="on route", venue_id=None, route_id=place["route"])
    cal = Calendar.from_ical(client.get(f"/routes/{place['route']}/events.ics?from=2026-10-01").data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["on route"]
    cal = Calendar.from_ical(client.get(f"/venues/{place['venue']}/events.ics?from=2026-10-01").data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["at venue"]
    assert client.get("/venues/999999/events.ics").status_code == 404


def test_stats_count_and_bucket_events_per_month(client, place):
    from datetime import datetime, timedelta

    from geo_service.events_core import SHANGHAI

    now = datetime.now(SHANGHAI)
    soon = (now + timedelta(days=1)).replace(hour=19, minute=0, second=0, microsecond=0)
    make(client, place, title="soon", starts_at=soon.isoformat(),
         ends_at=(soon + timedelta(hours=1)).isoformat(), rrule="FREQ=DAILY;COUNT=3")
    r = client.get("/api/v1/stats")
    assert r.status_code == 200
    s = r.json
    assert s["routes"] == 1 and s["venues"] == 1 and s["events"] == 1
    assert s["venues_by_type"] == {"bookstore": 1}
    assert len(s["events_per_month"]) == 15
    assert sum(m["events"] for m in s["events_per_month"]) == 3
    assert s["busiest_venues"][0] == {"id": place["venue"], "name": "春江书房", "events": 3}
    assert s["route_km"] == pytest.approx(2.0, abs=0.1)


def test_route_and_venue_features_count_their_upcoming_events(client, place):
    make(client, place, title="future", route_id=place["route"],
         starts_at="2099-01-01T10:00", ends_at="2099-01-01T12:00")
    make(client, place, title="past", starts_at="2001-01-01T10:00", ends_at="2001-01-01T12:00")
    venue = client.get(f"/api/v1/venues/{place['venue']}").json
    assert venue["properties"]["upcoming_events"] == 1
    route = client.get(f"/api/v1/routes/{place['route']}").json
    assert route["properties"]["upcoming_events"] == 1
    listed = client.get("/api/v1/routes").json["features"][0]
    assert listed["properties"]["upcoming_events"] == 1

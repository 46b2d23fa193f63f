"""Event times, windows and recurrence, and the sample events.json: pure, no database."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from geo_service.events_core import (
    EVENT_STATUSES,
    SHANGHAI,
    Occurrence,
    month_of,
    month_window,
    occurrences,
    parse_when,
    parse_window,
    to_shanghai,
    validate_rrule,
)

DATA = Path(__file__).resolve().parent.parent / "data"
READING_CLUB_RULE = "FREQ=WEEKLY;UNTIL=20270128T155959Z;BYDAY=TH"


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Asia/Shanghai date-time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def reading_club(rule: str = READING_CLUB_RULE) -> tuple[datetime, datetime, str]:
    """The weekly Thursday 19:30-21:00 reading club, first on Thu 3 Sep 2026."""
    return sh(2026, 9, 3, 19, 30), sh(2026, 9, 3, 21, 0), rule


# --- parse_when ------------------------------------------------------------------


def test_a_time_with_an_offset_is_kept_as_given():
    value = parse_when("2026-11-28T08:00:00+08:00")
    assert value.utcoffset() == timedelta(hours=8)
    assert value.astimezone(UTC) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def test_a_utc_time_stays_utc():
    value = parse_when("2026-11-28T00:00:00Z")
    assert value.utcoffset() == timedelta(0)
    assert value == sh(2026, 11, 28, 8, 0)


def test_a_time_without_an_offset_is_read_as_shanghai_time():
    value = parse_when("2026-11-28T08:00")
    assert value.tzinfo is SHANGHAI
    assert value.astimezone(UTC) == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def test_a_bare_date_is_midnight_in_shanghai():
    value = parse_when("2026-11-28")
    assert value == sh(2026, 11, 28)
    assert value.astimezone(UTC) == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def test_an_offset_whose_plus_became_a_space_in_a_query_string_is_read_as_plus():
    assert parse_when("2026-11-28T08:00:00 08:00") == sh(2026, 11, 28, 8, 0)


def test_a_space_between_date_and_time_is_not_mistaken_for_an_offset():
    assert parse_when("2026-11-28 08:00") == sh(2026, 11, 28, 8, 0)


@pytest.mark.parametrize(
    "text", ["", "   ", "tomorrow", "2026-13-01", "2026-11-31", "28/11/2026", "2026-11-28T25:00"]
)
def test_unparseable_text_is_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"ISO 8601"):
        parse_when(text)


@pytest.mark.parametrize("text", ["1899-12-31", "2100-01-01", "9999-12-31T23:00:00Z"])
def test_a_year_outside_the_supported_range_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="year out of range"):
        parse_when(text)


def test_to_shanghai_reads_a_naive_time_as_shanghai_and_converts_an_aware_one():
    assert to_shanghai(datetime(2026, 1, 31, 23, 30)) == sh(2026, 1, 31, 23, 30)
    converted = to_shanghai(datetime(2026, 1, 31, 15, 30, tzinfo=UTC))
    assert converted.tzinfo is SHANGHAI
    assert (converted.day, converted.hour) == (31, 23)


# --- parse_window ----------------------------------------------------------------


def test_a_bare_date_in_from_is_the_start_of_that_day():
    start, end = parse_window("2026-11-01", None)
    assert start == sh(2026, 11, 1)
    assert end is None


def test_a_bare_date_in_to_means_the_end_of_that_day():
    start, end = parse_window(None, "2026-11-30")
    assert start is None
    assert end == sh(2026, 12, 1)


def test_a_bare_date_in_to_at_the_end_of_the_year_rolls_into_january():
    assert parse_window(None, "2026-12-31")[1] == sh(2027, 1, 1)


def test_the_same_bare_date_in_from_and_to_is_that_whole_day():
    assert parse_window("2026-11-28", "2026-11-28") == (sh(2026, 11, 28), sh(2026, 11, 29))


def test_date_times_in_the_window_are_taken_as_given():
    start, end = parse_window("2026-11-28T08:00", "2026-11-28T10:00:00Z")
    assert start == sh(2026, 11, 28, 8, 0)
    assert end == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_missing_or_empty_bounds_are_open():
    assert parse_window(None, None) == (None, None)
    assert parse_window("", "  ") == (None, None)


def test_a_bad_from_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"^from: "):
        parse_window("soon", "2026-11-30")


def test_a_bad_to_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"^to: "):
        parse_window("2026-11-01", "2026-11-31")


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match=r"^to: must be later than from"):
        parse_window("2026-11-02", "2026-11-01")


# --- month_of / month_window -------------------------------------------------------


def test_an_event_at_2330_shanghai_on_31_january_belongs_to_january():
    at = datetime(2027, 1, 31, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert month_of(at) == (2027, 1)


def test_an_event_at_0030_shanghai_on_1_february_belongs_to_february():
    at = datetime(2027, 1, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 Feb in Shanghai
    assert month_of(at) == (2027, 2)


def test_month_of_reads_a_naive_time_as_shanghai():
    assert month_of(datetime(2026, 12, 31, 23, 30)) == (2026, 12)


def test_a_month_window_runs_from_its_first_midnight_to_the_next_months():
    assert month_window(2026, 12) == (sh(2026, 12, 1), sh(2027, 1, 1))
    assert month_window(2027, 2) == (sh(2027, 2, 1), sh(2027, 3, 1))
    with pytest.raises(ValueError):
        month_window(2027, 13)


# --- validate_rrule ----------------------------------------------------------------


def test_a_rule_is_normalised_without_its_prefix():
    start = sh(2026, 9, 3, 19, 30)
    assert validate_rrule("RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128T155959Z", start) == (
        READING_CLUB_RULE
    )
    assert validate_rrule("rrule:freq=weekly;byday=th;until=20270128t155959z", start) == (
        READING_CLUB_RULE
    )


def test_normalising_a_normalised_rule_changes_nothing():
    start = sh(2026, 9, 3, 19, 30)
    assert validate_rrule(READING_CLUB_RULE, start) == READING_CLUB_RULE


def test_a_bare_date_until_means_the_end_of_that_shanghai_day():
    rule = validate_rrule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270128", sh(2026, 9, 3, 19, 30))
    assert rule == READING_CLUB_RULE  # 2027-01-28 23:59:59 in Shanghai is 15:59:59 UTC


def test_a_floating_until_is_read_as_shanghai_time():
    rule = validate_rrule("FREQ=WEEKLY;UNTIL=20270128T210000", sh(2026, 9, 3, 19, 30))
    assert rule == "FREQ=WEEKLY;UNTIL=20270128T130000Z"


def test_an_unbounded_weekly_rule_is_fine():
    assert validate_rrule("FREQ=WEEKLY;BYDAY=TH", sh(2026, 9, 3, 19, 30)) == (
        "FREQ=WEEKLY;BYDAY=TH"
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=1TH",
        "FREQ=MONTHLY;BYMONTHDAY=3",
        "FREQ=MONTHLY;BYDAY=TH;BYSETPOS=1",
        "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=3",
        "FREQ=DAILY;COUNT=2",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,SA;WKST=MO",
    ],
)
def test_common_community_rules_are_accepted(rule: str) -> None:
    validate_rrule(rule, sh(2026, 9, 3, 19, 30))  # Thursday 3 Sep, the first Thursday


@pytest.mark.parametrize("freq", ["HOURLY", "MINUTELY", "SECONDLY"])
def test_rules_more_frequent_than_daily_are_refused(freq: str) -> None:
    with pytest.raises(ValueError, match=r"^recurrence: .*too frequent"):
        validate_rrule(f"FREQ={freq};COUNT=3", sh(2026, 9, 3, 19, 30))


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "RRULE:",
        "FREQ",
        "BYDAY=TH",
        "FREQ=FORTNIGHTLY",
        "FREQ=WEEKLY;BYDAY=THURSDAY",
        "FREQ=WEEKLY;BYDAY=TH;BYDAY=FR",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=-3",
        "FREQ=WEEKLY;INTERVAL=two",
        "FREQ=WEEKLY;UNTIL=next-year",
        "FREQ=WEEKLY;UNTIL=20271340",
        "FREQ=WEEKLY;COUNT=5;UNTIL=20270101T000000Z",
        "FREQ=WEEKLY;BYMONTHDAY=3",
        "FREQ=WEEKLY;BYDAY=1TH",
        "FREQ=MONTHLY;BYDAY=6TH",
        "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=DAILY;BYHOUR=9,15",
        "FREQ=YEARLY;BYWEEKNO=36",
        "FREQ=WEEKLY;X-FOO=1",
        "FREQ=WEEKLY;BYDAY=TH\nEXDATE:20261001T193000",
        "FREQ=WEEKLY;BYDAY=TH;BYSETPOS=1",
    ],
)
def test_malformed_or_unsupported_rules_are_refused(rule: str) -> None:
    with pytest.raises(ValueError, match=r"^recurrence: "):
        validate_rrule(rule, sh(2026, 9, 3, 19, 30))


def test_a_start_that_is_not_one_of_the_rules_dates_is_refused():
    with pytest.raises(ValueError, match="not one of the rule's dates"):
        validate_rrule("FREQ=WEEKLY;BYDAY=FR", sh(2026, 9, 3, 19, 30))  # a Thursday


def test_an_impossible_date_is_refused_quickly_instead_of_searched_for():
    with pytest.raises(ValueError, match="not one of the rule's dates"):
        validate_rrule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", sh(2026, 9, 3, 19, 30))


def test_a_rule_that_ends_before_the_start_is_refused():
    with pytest.raises(ValueError, match="ends"):
        validate_rrule("FREQ=WEEKLY;UNTIL=20260901", sh(2026, 9, 3, 19, 30))


# --- occurrences: one-off events -------------------------------------------------------


def test_a_one_off_event_inside_the_window_is_its_own_single_occurrence():
    start, end = sh(2026, 11, 28, 8, 0), sh(2026, 11, 28, 10, 0)
    assert occurrences(start, end, None, *month_window(2026, 11)) == [Occurrence(start, end, 0)]


def test_an_event_that_started_before_the_window_and_ends_inside_it_is_included():
    start, end = sh(2026, 10, 31, 23, 30), sh(2026, 11, 1, 1, 0)
    found = occurrences(start, end, None, *month_window(2026, 11))
    assert [o.starts_at for o in found] == [start]


def test_an_event_that_ends_exactly_when_the_window_starts_is_not_included():
    start, end = sh(2026, 10, 31, 22, 0), sh(2026, 11, 1, 0, 0)
    assert occurrences(start, end, None, *month_window(2026, 11)) == []


def test_an_event_that_starts_exactly_when_the_window_ends_is_not_included():
    start, end = sh(2026, 12, 1, 0, 0), sh(2026, 12, 1, 2, 0)
    assert occurrences(start, end, None, *month_window(2026, 11)) == []


def test_open_window_bounds_include_everything_on_that_side():
    start, end = sh(2026, 11, 28, 8, 0), sh(2026, 11, 28, 10, 0)
    assert len(occurrences(start, end, None, None, None)) == 1
    assert len(occurrences(start, end, None, None, sh(2026, 11, 28, 9, 0))) == 1
    assert occurrences(start, end, None, sh(2026, 11, 28, 10, 0), None) == []


def test_a_zero_length_event_counts_at_its_start():
    at = sh(2026, 11, 1, 0, 0)
    assert len(occurrences(at, at, None, *month_window(2026, 11))) == 1
    assert occurrences(at, at, None, *month_window(2026, 10)) == []


def test_an_event_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends_at"):
        occurrences(sh(2026, 11, 28, 10), sh(2026, 11, 28, 8), None, None, None)


def test_answers_are_in_shanghai_time_whatever_zone_the_input_uses():
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    (occ,) = occurrences(start, start + timedelta(hours=2), None, None, None)
    assert occ.starts_at.tzinfo is SHANGHAI
    assert occ.starts_at.hour == 8
    assert occ.starts_at == start


# --- occurrences: repeating events -----------------------------------------------------


def test_the_weekly_reading_club_meets_four_times_in_november_at_1930_local():
    found = occurrences(*reading_club(), *month_window(2026, 11))
    assert [o.starts_at.day for o in found] == [5, 12, 19, 26]
    assert all((o.starts_at.hour, o.starts_at.minute) == (19, 30) for o in found)
    assert all(o.starts_at.tzinfo is SHANGHAI for o in found)
    assert all(o.starts_at.astimezone(UTC).hour == 11 for o in found)
    assert all(o.ends_at - o.starts_at == timedelta(minutes=90) for o in found)


def test_the_weekly_reading_club_meets_five_times_in_october():
    found = occurrences(*reading_club(), *month_window(2026, 10))
    assert [o.starts_at.day for o in found] == [1, 8, 15, 22, 29]


def test_occurrence_indexes_count_from_the_first_of_the_series():
    found = occurrences(*reading_club(), *month_window(2026, 10))
    assert [o.index for o in found] == [4, 5, 6, 7, 8]  # September had 4 (3, 10, 17, 24)


def test_until_is_respected():
    january = occurrences(*reading_club(), *month_window(2027, 1))
    assert [o.starts_at.day for o in january] == [7, 14, 21, 28]  # UNTIL is the 28th, 23:59:59
    assert occurrences(*reading_club(), *month_window(2027, 2)) == []
    everything = occurrences(*reading_club(), None, None)
    assert everything[-1].starts_at == sh(2027, 1, 28, 19, 30)
    assert len(everything) == 22


def test_count_is_respected():
    start, end = sh(2026, 10, 13, 14, 30), sh(2026, 10, 13, 16, 0)  # Tuesdays, eight lessons
    found = occurrences(start, end, "FREQ=WEEKLY;COUNT=8;BYDAY=TU", None, None)
    assert [o.index for o in found] == list(range(8))
    assert found[-1].starts_at == sh(2026, 12, 1, 14, 30)


def test_a_rule_given_in_utc_still_expands_in_shanghai_wall_clock_time():
    start = datetime(2026, 9, 3, 11, 30, tzinfo=UTC)  # Thu 19:30 in Shanghai
    found = occurrences(start, start + timedelta(hours=1), "FREQ=WEEKLY", *month_window(2026, 11))
    assert [(o.starts_at.weekday(), o.starts_at.hour) for o in found] == [(3, 19)] * 4


def test_a_late_night_repeat_that_crosses_midnight_into_the_window_is_included():
    start, end = sh(2026, 10, 31, 23, 30), sh(2026, 11, 1, 1, 0)
    found = occurrences(start, end, "FREQ=MONTHLY;BYMONTHDAY=-1", *month_window(2026, 12))
    # 30 Nov 23:30 ends at 01:00 on 1 Dec; 31 Dec 23:30 starts inside December.
    assert [o.starts_at for o in found] == [sh(2026, 11, 30, 23, 30), sh(2026, 12, 31, 23, 30)]


def test_a_monthly_rule_on_the_last_saturday_expands_in_order():
    start, end = sh(2026, 9, 26, 9, 0), sh(2026, 9, 26, 11, 0)
    found = occurrences(start, end, "FREQ=MONTHLY;BYDAY=-1SA", sh(2026, 9, 1), sh(2027, 1, 1))
    assert [o.starts_at.date().isoformat() for o in found] == [
        "2026-09-26",
        "2026-10-31",
        "2026-11-28",
        "2026-12-26",
    ]


def test_an_unbounded_rule_with_an_open_end_stops_at_the_limit():
    found = occurrences(*reading_club("FREQ=WEEKLY;BYDAY=TH"), sh(2026, 10, 1), None, limit=10)
    assert len(found) == 10
    assert found[0].starts_at == sh(2026, 10, 1, 19, 30)
    assert found[-1].starts_at == sh(2026, 12, 3, 19, 30)


def test_the_default_limit_caps_an_unbounded_daily_rule():
    start = sh(2026, 9, 1, 7, 0)
    assert len(occurrences(start, start, "FREQ=DAILY", None, None)) == 1000


def test_a_bounded_window_stops_an_unbounded_rule():
    found = occurrences(*reading_club("FREQ=WEEKLY"), *month_window(2030, 5))
    assert [o.starts_at.day for o in found] == [2, 9, 16, 23, 30]


def test_an_invalid_stored_rule_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match=r"^recurrence: "):
        occurrences(*reading_club("FREQ=HOURLY"), None, None)


def test_a_window_in_another_zone_is_compared_as_an_instant():
    plus_nine = timezone(timedelta(hours=9))
    # 22:01 at +09:00 is 21:01 in Shanghai, just after the 5 Nov meeting ended.
    found = occurrences(*reading_club(), datetime(2026, 11, 5, 22, 1, tzinfo=plus_nine), None, 1)
    assert found[0].starts_at == sh(2026, 11, 12, 19, 30)


# --- data/events.json ---------------------------------------------------------------


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    """The sample events."""
    with (DATA / "events.json").open(encoding="utf-8") as f:
        loaded: list[dict[str, Any]] = json.load(f)
    return loaded


def _csv(name: str) -> list[dict[str, str]]:
    """Rows of a sample CSV file."""
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_sample_events_refer_only_to_sample_venues_routes_and_organizations(events):
    venues = {row["external_id"] for row in _csv("venues.csv")}
    organizations = {row["key"] for row in _csv("organizations.csv")}
    routes = {r["file"] for r in json.loads((DATA / "routes.json").read_text(encoding="utf-8"))}
    for event in events:
        assert event["organizer"] in organizations, event["key"]
        assert event["venue"] is None or event["venue"] in venues, event["key"]
        assert event["route"] is None or event["route"] in routes, event["key"]
        assert event["route"] is None or (DATA / event["route"]).is_file(), event["key"]


def test_sample_events_have_the_documented_fields_and_a_place(events):
    fields = {
        "key", "title", "description", "starts_at", "ends_at", "organizer", "capacity",
        "signup_url", "tags", "status", "venue", "route", "meeting_point", "rrule",
    }  # fmt: skip
    keys = [e["key"] for e in events]
    assert keys == [f"ev-{i:03d}" for i in range(1, len(events) + 1)]
    assert 30 <= len(events) <= 40
    for event in events:
        assert set(event) == fields, event["key"]
        assert event["venue"] or event["route"] or event["meeting_point"], event["key"]
        assert event["status"] in EVENT_STATUSES
        assert event["tags"] and all(t == t.lower() and t.isascii() for t in event["tags"])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in event["title"] + event["description"])
        point = event["meeting_point"]
        if point is not None:
            assert set(point) == {"lat", "lon", "name"}
            assert 30.05 <= point["lat"] <= 30.13 and 120.00 <= point["lon"] <= 120.10


def test_sample_event_times_have_the_shanghai_offset_and_end_after_they_start(events):
    starts = []
    for event in events:
        assert event["starts_at"].endswith("+08:00") and event["ends_at"].endswith("+08:00")
        start, end = parse_when(event["starts_at"]), parse_when(event["ends_at"])
        assert end > start, event["key"]
        assert sh(2026, 9, 1) <= start < sh(2027, 3, 1), event["key"]
        starts.append(start)
    assert starts == sorted(starts)


def test_sample_event_rules_are_valid_and_already_normalised(events):
    for event in events:
        if event["rrule"] is not None:
            start = parse_when(event["starts_at"])
            assert validate_rrule(event["rrule"], start) == event["rrule"], event["key"]


def test_sample_events_fit_in_their_venues(events):
    capacity = {row["external_id"]: int(row["capacity"]) for row in _csv("venues.csv")}
    for event in events:
        if event["venue"] and event["capacity"] is not None:
            assert event["capacity"] <= capacity[event["venue"]], event["key"]


def test_sample_events_cover_the_kinds_the_calendar_must_show(events):
    types = {row["external_id"]: row["type"] for row in _csv("venues.csv")}

    def kind(e: dict[str, Any]) -> str | None:
        """The type of the event's venue, if it has one."""
        return types.get(e["venue"]) if e["venue"] else None

    assert any(kind(e) == "cafe" and e["route"] for e in events)  # walk from a café
    assert any(e["route"] and not e["venue"] and not e["meeting_point"] for e in events)
    assert any(kind(e) == "bookstore" and "WEEKLY" in (e["rrule"] or "") for e in events)
    assert any(kind(e) == "park_pavilion" and "market" in e["tags"] and e["rrule"] for e in events)
    assert any(kind(e) == "community_room" and "class" in e["tags"] for e in events)
    assert any(e["meeting_point"] and not e["venue"] and not e["route"] for e in events)
    assert any(e["status"] == "cancelled" for e in events)
    late = [parse_when(e["starts_at"]) for e in events if e["starts_at"].endswith("23:30:00+08:00")]
    assert any((t + timedelta(days=1)).day == 1 for t in late)  # last day of a month


def test_sample_events_at_2330_on_a_months_last_day_belong_to_that_month(events):
    late = [e for e in events if e["starts_at"].endswith("23:30:00+08:00")]
    assert late
    for event in late:
        start = parse_when(event["starts_at"])
        assert month_of(start.astimezone(UTC)) == (start.year, start.month)
        window = month_window(start.year, start.month)
        end = parse_when(event["ends_at"])
        assert [o.starts_at for o in occurrences(start, end, None, *window)] == [start]

"""Event times and recurrence: parsing, time zones and occurrence expansion.

Pure functions: no database, no Flask. Every time is read and shown in Asia/Shanghai
(UTC+8, no daylight saving since 1991):

- A date-time *with* an offset (`2026-11-28T08:00:00+08:00`, `...Z`) is taken as given.
- A date-time *without* one (`2026-11-28T08:00`) is Asia/Shanghai wall-clock time.
- A bare date (`2026-11-28`) is midnight Asia/Shanghai; as the end of a window (`to`)
  it means the end of that day, i.e. the next midnight, exclusive.
- A `+` in an offset that arrived as a space (an unencoded `+` in a query string,
  `2026-11-28T08:00:00 08:00`) is read as `+`.
- Years outside 1900-2099 are refused: no community event is there, and it keeps
  date arithmetic and recurrence expansion bounded.

Recurrence is an RFC 5545 RRULE value, expanded in Asia/Shanghai wall-clock time (a
weekly 19:30 club stays at 19:30).

`validate_rrule(rule, dtstart)` accepts FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL,
COUNT or UNTIL (not both), BYDAY (numbered, e.g. -1SA, only for MONTHLY/YEARLY),
BYMONTHDAY, BYMONTH, WKST, and BYSETPOS with MONTHLY plain weekdays (e.g. the last
weekday of the month). Unbounded rules are fine. It refuses, with
ValueError("recurrence: ..."), HOURLY and faster, BYHOUR/BYMINUTE/BYSECOND (the time
of day comes from starts_at), BYYEARDAY, BYWEEKNO, malformed text, and a `dtstart`
that is not the rule's first occurrence: calendar apps count DTSTART as the first
instance (RFC 5545), and the check also guarantees every accepted rule yields
occurrences, so expansion can never spin looking for an impossible date. It answers
the rule normalised: upper case, no `RRULE:` prefix, parts in the order icalendar
writes them (so a feed round-trips the text), UNTIL in UTC (a bare date UNTIL means
the end of that Shanghai day, a floating one Shanghai time).

`occurrences(...)` answers each occurrence that overlaps [window_from, window_to)
(start < window_to and end > window_from; a zero-length one counts at its start),
with the event's duration, as aware Asia/Shanghai date-times, in order. `index` counts
from the first occurrence of the series, not of the window. With an unbounded rule and
no window_to it stops after `limit`. A stored rule is re-validated: an invalid one, or
ends_at before starts_at, raises ValueError rather than being guessed at. Cost grows
with the occurrences between starts_at and the window (a daily rule over 70 years is
~0.2 s), which the year range bounds.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

import dateutil.rrule

SHANGHAI: Final = zoneinfo.ZoneInfo("Asia/Shanghai")

EVENT_STATUSES: Final = ("scheduled", "cancelled")

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2099

# An offset whose "+" became a space: "...T08:00:00 08:00" -> "...T08:00:00+08:00".
_SPACE_OFFSET = re.compile(r"^(.+[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?) (\d{2}(?::?\d{2})?)$")

_WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ALLOWED_FREQS: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_TOO_FREQUENT: Final = ("HOURLY", "MINUTELY", "SECONDLY")
# The parts we accept, in the order icalendar writes them (so a feed keeps the text).
_PART_ORDER: Final = (
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
_REFUSED_PARTS: Final = {
    "BYHOUR": "the time of day comes from starts_at; create separate events instead",
    "BYMINUTE": "the time of day comes from starts_at; create separate events instead",
    "BYSECOND": "the time of day comes from starts_at; create separate events instead",
    "BYYEARDAY": "BYYEARDAY is not supported; use BYMONTH and BYMONTHDAY",
    "BYWEEKNO": "BYWEEKNO is not supported; use BYMONTH and BYDAY",
}
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INT = re.compile(r"^[+-]?\d{1,6}$")
_UNTIL_DATE = re.compile(r"^\d{8}$")
_UNTIL_LOCAL = re.compile(r"^\d{8}T\d{6}$")
_UNTIL_UTC = re.compile(r"^\d{8}T\d{6}Z$")
_MAX_INTERVAL: Final = 1000


def to_shanghai(dt: datetime) -> datetime:
    """`dt` as an aware Asia/Shanghai date-time; a naive one is read as Shanghai time."""
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        return dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(SHANGHAI)


def _parse_instant(text: str) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or date-time; answer it and whether it was a bare date."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty; expected an ISO 8601 date or date-time")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        pass
    else:
        _check_year(day.year, raw)
        return datetime.combine(day, time(0), tzinfo=SHANGHAI), True
    fixed = _SPACE_OFFSET.sub(r"\1+\2", raw)
    try:
        value = datetime.fromisoformat(fixed)
    except ValueError:
        raise ValueError(
            f"not an ISO 8601 date or date-time: {raw!r} "
            "(expected e.g. 2026-11-28 or 2026-11-28T08:00:00+08:00)"
        ) from None
    _check_year(value.year, raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value, False


def _check_year(year: int, raw: str) -> None:
    """Refuse a year outside the supported range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range {MIN_YEAR}-{MAX_YEAR}: {raw!r}")


def parse_when(text: str) -> datetime:
    """An aware date-time from ISO 8601 text; no offset means Shanghai, a bare date midnight."""
    value, _ = _parse_instant(text)
    return value


def parse_window(
    from_text: str | None, to_text: str | None
) -> tuple[datetime | None, datetime | None]:
    """The [from, to) window of a query; a bare `to` date includes that whole day."""
    start: datetime | None = None
    end: datetime | None = None
    if from_text is not None and from_text.strip():
        try:
            start, _ = _parse_instant(from_text)
        except ValueError as exc:
            raise ValueError(f"from: {exc}") from None
    if to_text is not None and to_text.strip():
        try:
            end, is_date = _parse_instant(to_text)
        except ValueError as exc:
            raise ValueError(f"to: {exc}") from None
        if is_date:
            end = datetime.combine(end.date() + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    if start is not None and end is not None and end <= start:
        raise ValueError("to: must be later than from")
    return start, end


def month_of(dt: datetime) -> tuple[int, int]:
    """The (year, month) `dt` falls in on a Shanghai calendar."""
    local = to_shanghai(dt)
    return local.year, local.month


def month_window(year: int, month: int) -> tuple[datetime, datetime]:
    """The [first midnight, next month's first midnight) window of a Shanghai month."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, not {month}")
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    nxt = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, nxt


def _fail(message: str) -> ValueError:
    """A recurrence error with the common prefix."""
    return ValueError(f"recurrence: {message}")


def _split_rule(rule: str) -> dict[str, str]:
    """RRULE text into upper-cased NAME -> value, refusing duplicates and junk."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text or "\r" in text:
        raise _fail("expected one RRULE value such as FREQ=WEEKLY;BYDAY=TH")
    parts: dict[str, str] = {}
    for chunk in text.strip().strip(";").split(";"):
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise _fail(f"malformed part {chunk!r}; expected NAME=VALUE")
        if name in parts:
            raise _fail(f"{name} given twice")
        parts[name] = value
    return parts


def _int_list(name: str, value: str, low: int, high: int) -> list[int]:
    """Comma-separated integers, each non-zero with |n| in [low, high]."""
    out: list[int] = []
    for item in value.split(","):
        if not _INT.match(item) or not low <= abs(int(item)) <= high:
            raise _fail(f"{name} must be a list of numbers ±{low}..{high}, not {value!r}")
        out.append(int(item))
    return out


def _normalise_until(value: str) -> str:
    """UNTIL as UTC `YYYYMMDDTHHMMSSZ`; a date means the end of that Shanghai day."""
    try:
        if _UNTIL_UTC.match(value):
            datetime.strptime(value, "%Y%m%dT%H%M%SZ")
            return value
        if _UNTIL_DATE.match(value):
            day = datetime.strptime(value, "%Y%m%d")
            local = day.replace(hour=23, minute=59, second=59, tzinfo=SHANGHAI)
        elif _UNTIL_LOCAL.match(value):
            local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=SHANGHAI)
        else:
            raise ValueError(value)
    except ValueError:
        raise _fail(f"UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSS[Z], not {value!r}") from None
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check_parts(parts: dict[str, str]) -> dict[str, str]:
    """Check each part of a rule and answer them normalised, in canonical order."""
    for name in parts:
        if name in _REFUSED_PARTS:
            raise _fail(_REFUSED_PARTS[name])
        if name not in _PART_ORDER:
            raise _fail(f"unknown part {name}")
    freq = parts.get("FREQ")
    if freq is None:
        raise _fail("FREQ is required")
    if freq in _TOO_FREQUENT:
        raise _fail(f"FREQ={freq} is too frequent for a community event; use DAILY or slower")
    if freq not in _ALLOWED_FREQS:
        raise _fail(f"FREQ must be one of {', '.join(_ALLOWED_FREQS)}, not {freq!r}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _fail("give COUNT or UNTIL, not both")
    out = dict(parts)
    if "COUNT" in parts:
        out["COUNT"] = str(_positive("COUNT", parts["COUNT"], 100_000))
    if "INTERVAL" in parts:
        out["INTERVAL"] = str(_positive("INTERVAL", parts["INTERVAL"], _MAX_INTERVAL))
    if "UNTIL" in parts:
        out["UNTIL"] = _normalise_until(parts["UNTIL"])
    if "BYMONTH" in parts:
        months = _int_list("BYMONTH", parts["BYMONTH"], 1, 12)
        if any(m < 0 for m in months):
            raise _fail("BYMONTH must be 1..12")
        out["BYMONTH"] = ",".join(map(str, months))
    if "BYMONTHDAY" in parts:
        if freq == "WEEKLY":
            raise _fail("BYMONTHDAY cannot be used with FREQ=WEEKLY")
        out["BYMONTHDAY"] = ",".join(map(str, _int_list("BYMONTHDAY", parts["BYMONTHDAY"], 1, 31)))
    if "BYDAY" in parts:
        out["BYDAY"] = ",".join(_check_byday(parts, freq))
    if "BYSETPOS" in parts:
        _check_setpos(parts, freq)
        out["BYSETPOS"] = ",".join(map(str, _int_list("BYSETPOS", parts["BYSETPOS"], 1, 366)))
    if "WKST" in parts and parts["WKST"] not in _WEEKDAYS:
        raise _fail(f"WKST must be one of {', '.join(_WEEKDAYS)}")
    return {name: out[name] for name in _PART_ORDER if name in out}


def _positive(name: str, value: str, high: int) -> int:
    """A positive integer no larger than `high`."""
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise _fail(f"{name} must be a whole number 1..{high}, not {value!r}")
    return int(value)


def _check_byday(parts: dict[str, str], freq: str) -> list[str]:
    """BYDAY items, with ordinals only where RFC 5545 gives them a meaning we support."""
    items: list[str] = []
    for item in parts["BYDAY"].split(","):
        match = _BYDAY_ITEM.match(item)
        if not match:
            raise _fail(f"BYDAY must be weekdays such as TH or -1SA, not {parts['BYDAY']!r}")
        if match.group(1) is None:
            items.append(item)
            continue
        n = int(match.group(1))
        if freq not in ("MONTHLY", "YEARLY"):
            raise _fail("a numbered BYDAY (such as 2SA) needs FREQ=MONTHLY or YEARLY")
        if "BYMONTHDAY" in parts:
            raise _fail("use a numbered BYDAY or BYMONTHDAY, not both")
        high = 5 if freq == "MONTHLY" or "BYMONTH" in parts else 53
        if n == 0 or abs(n) > high:
            raise _fail(f"BYDAY {item}: the number must be ±1..{high}")
        items.append(f"{n}{match.group(2)}")
    return items


def _check_setpos(parts: dict[str, str], freq: str) -> None:
    """Allow BYSETPOS only where every period has enough days to pick from."""
    if freq != "MONTHLY" or "BYMONTHDAY" in parts or "BYDAY" not in parts:
        raise _fail("BYSETPOS is supported only with FREQ=MONTHLY and plain BYDAY weekdays")
    days = parts["BYDAY"].split(",")
    if any(not d.isalpha() for d in days):
        raise _fail("BYSETPOS is supported only with plain BYDAY weekdays (no numbers)")
    # Every month has at least four of each weekday.
    for pos in _int_list("BYSETPOS", parts["BYSETPOS"], 1, 366):
        if abs(pos) > 4 * len(set(days)):
            raise _fail(f"BYSETPOS {pos} is beyond the days the rule picks in a month")


def _nth_in(day: int, length: int) -> tuple[int, int]:
    """Which occurrence of its weekday `day` is in a span of `length` days: (from start, end)."""
    return (day - 1) // 7 + 1, -((length - day) // 7 + 1)


def _starts_on_rule(parts: dict[str, str], local: datetime) -> bool:
    """Whether the Shanghai date-time `local` satisfies the rule's BY* filters."""
    dim = calendar.monthrange(local.year, local.month)[1]
    if "BYMONTH" in parts and local.month not in {int(m) for m in parts["BYMONTH"].split(",")}:
        return False
    if "BYMONTHDAY" in parts:
        wanted = {int(d) for d in parts["BYMONTHDAY"].split(",")}
        if local.day not in wanted and local.day - dim - 1 not in wanted:
            return False
    weekday = _WEEKDAYS[local.weekday()]
    if "BYDAY" not in parts:
        return True
    items = parts["BYDAY"].split(",")
    if "BYSETPOS" in parts:
        plain = set(items)
        first_weekday = date(local.year, local.month, 1).weekday()
        picked = [d for d in range(1, dim + 1) if _WEEKDAYS[(first_weekday + d - 1) % 7] in plain]
        positions = [int(p) for p in parts["BYSETPOS"].split(",")]
        chosen = {picked[p - 1] if p > 0 else picked[p] for p in positions}
        return local.day in chosen
    if parts["FREQ"] == "YEARLY" and "BYMONTH" not in parts:
        yday = local.timetuple().tm_yday
        nth = _nth_in(yday, 366 if calendar.isleap(local.year) else 365)
    else:
        nth = _nth_in(local.day, dim)
    for item in items:
        match = _BYDAY_ITEM.match(item)
        assert match is not None  # checked by _check_byday
        if match.group(2) != weekday:
            continue
        if match.group(1) is None or int(match.group(1)) in nth:
            return True
    return False


def _build(rule: str, dtstart: datetime) -> tuple[str, dateutil.rrule.rrule]:
    """Normalised rule text and its dateutil rule, with `dtstart` its first occurrence."""
    parts = _check_parts(_split_rule(rule))
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    start = to_shanghai(dtstart)
    if not _starts_on_rule(parts, start):
        raise _fail(
            f"starts_at ({start:%a %Y-%m-%d %H:%M}) is not one of the rule's dates; "
            "move starts_at onto the first occurrence"
        )
    try:
        parsed = dateutil.rrule.rrulestr(text, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise _fail(f"cannot read {text!r}: {exc}") from None
    if not isinstance(parsed, dateutil.rrule.rrule):  # pragma: no cover - a single RRULE value
        raise _fail(f"cannot read {text!r}")
    first = next(iter(parsed), None)
    if first is None:
        raise _fail("the rule ends (UNTIL) before starts_at")
    if first != start:  # pragma: no cover - our filter check and dateutil disagree
        raise _fail(f"starts_at is not the rule's first occurrence ({first:%Y-%m-%d %H:%M})")
    return text, parsed


def validate_rrule(rule: str, dtstart: datetime) -> str:
    """The RRULE normalised (no `RRULE:` prefix); ValueError("recurrence: ...") if refused."""
    text, _ = _build(rule, dtstart)
    return text


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event; `index` 0 is the first of its series."""

    starts_at: datetime
    ends_at: datetime
    index: int


def _overlaps(start: datetime, end: datetime, lo: datetime | None, hi: datetime | None) -> bool:
    """Whether [start, end) meets [lo, hi); a zero-length event counts at its start."""
    if hi is not None and start >= hi:
        return False
    if lo is None:
        return True
    return end > lo or (end == start and start >= lo)


def occurrences(
    starts_at: datetime,
    ends_at: datetime,
    rrule: str | None,
    window_from: datetime | None,
    window_to: datetime | None,
    limit: int = 1000,
) -> list[Occurrence]:
    """The occurrences overlapping [window_from, window_to) (None: open), at most `limit`."""
    start = to_shanghai(starts_at)
    end = to_shanghai(ends_at)
    if end < start:
        raise ValueError("ends_at is before starts_at")
    lo = to_shanghai(window_from) if window_from is not None else None
    hi = to_shanghai(window_to) if window_to is not None else None
    if limit <= 0:
        return []
    if not rrule:
        return [Occurrence(start, end, 0)] if _overlaps(start, end, lo, hi) else []
    _, series = _build(rrule, start)
    duration = end - start
    out: list[Occurrence] = []
    for index, occ_start in enumerate(series):
        if hi is not None and occ_start >= hi:
            break
        occ_end = occ_start + duration
        if _overlaps(occ_start, occ_end, lo, hi):
            out.append(Occurrence(occ_start, occ_end, index))
            if len(out) >= limit:
                break
    return out

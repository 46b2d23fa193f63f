"""Venue rows from CSV, and the field rules that GeoJSON properties share.

A bad row becomes a `Rejection` naming every problem it has; only a file that
cannot be read at all raises `UnreadableVenueFile`. Pure: no Flask, no database.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from geo_service.vocabulary import AMENITIES, VENUE_TYPES
from importers.errors import UnreadableVenueFile
from importers.venue_records import Rejection, VenueFile, VenueRecord

T = TypeVar("T")

REQUIRED = ("name", "lat", "lon", "type")
OPTIONAL = (
    "external_id",
    "address",
    "capacity",
    "indoor",
    "amenities",
    "opening_hours",
    "contact",
    "organization",
)
ALIASES = {"lng": "lon", "longitude": "lon", "latitude": "lat"}
# The database column widths (and the API's limits), so no row can fail the batch.
TEXT_LIMITS = {
    "external_id": 100,
    "name": 200,
    "address": 500,
    "opening_hours": 255,
    "contact": 200,
    "organization": 64,
}
MAX_CAPACITY = 1_000_000
TRUE_WORDS = frozenset({"true", "yes", "1", "是"})
FALSE_WORDS = frozenset({"false", "no", "0", "否"})
# ASCII ; , | and spaces, plus the full-width semicolon, comma, enumeration comma and bar.
AMENITY_SEPARATORS = re.compile("[;,|\\s\uff1b\uff0c\u3001\uff5c]+")
WHOLE_NUMBER = re.compile(r"\+?(\d+)(?:\.0*)?")
DELIMITERS = (",", ";", "\t")


class BadValue(ValueError):
    """A value that cannot be used; the message is the reason, in plain English."""


# --- decoding ----------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The file's text (UTF-8, BOM optional); refuses other encodings and empty files."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableVenueFile(
            f"the file is not UTF-8 text (byte {exc.start} cannot be decoded); "
            "save it as UTF-8, e.g. 'CSV UTF-8' in Excel",
            position=exc.start,
        ) from exc
    if not text.strip():
        raise UnreadableVenueFile("the file is empty")
    return text


def canonical_key(key: str) -> str | None:
    """The field a column or property name stands for, or None when it is not ours."""
    name = key.strip().lower()
    name = ALIASES.get(name, name)
    return name if name in REQUIRED or name in OPTIONAL else None


# --- single values -------------------------------------------------------------


def show(value: object) -> str:
    """A value quoted for a message, cut short when long."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _is_blank(value: object) -> bool:
    """True for None and for text that is only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _is_control(ch: str) -> bool:
    """True for control characters and lone surrogates (tab and newlines pass)."""
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r"


def text_value(column: str, value: object) -> str | None:
    """Trimmed text, or None when empty; refuses control characters and overlong text."""
    if _is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadValue(f"{column} must be text, not {show(value)}")
    text = str(value).strip()
    if any(_is_control(ch) for ch in text):
        raise BadValue(f"{column} {show(text)} contains a control character (such as NUL)")
    limit = TEXT_LIMITS.get(column)
    if limit is not None and len(text) > limit:
        raise BadValue(f"{column} is {len(text)} characters long, over the limit of {limit}")
    return text


def _name(column: str, value: object) -> str:
    """The required venue name."""
    name = text_value(column, value)
    if name is None:
        raise BadValue("name is missing")
    return name


def _number(column: str, value: object) -> float:
    """A finite float from a number or numeric text."""
    if _is_blank(value):
        raise BadValue(f"{column} is missing")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValue(f"{column} {show(value)} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise BadValue(f"{column} {show(value)} is not a number") from None
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise BadValue(f"{column} {show(value)} is not a finite number")
    return number


def _coordinate(column: str, value: object) -> float:
    """A latitude (-90..90) or longitude (-180..180) in degrees."""
    number = _number(column, value)
    limit = 90 if column == "lat" else 180
    if not -limit <= number <= limit:
        raise BadValue(f"{column} {show(value)} is out of range (-{limit} to {limit})")
    return number


def _venue_type(column: str, value: object) -> str:
    """One of VENUE_TYPES (case does not matter)."""
    word = text_value(column, value)
    if word is None:
        raise BadValue("type is missing")
    if word.lower() not in VENUE_TYPES:
        raise BadValue(f"unknown type {show(word)} (allowed: {', '.join(VENUE_TYPES)})")
    return word.lower()


def _amenity_words(value: object) -> list[str]:
    """The words of an amenity list or of text split on ; , | or spaces."""
    if _is_blank(value):
        return []
    parts = value if isinstance(value, list) else [value]
    if not all(isinstance(part, str) for part in parts):
        raise BadValue(f"amenities must be text or a list of words, not {show(value)}")
    return [w.lower() for part in parts for w in AMENITY_SEPARATORS.split(str(part)) if w]


def _amenities(column: str, value: object) -> tuple[str, ...]:
    """Known amenities, in file order, without repeats."""
    words = _amenity_words(value)
    unknown = [w for w in words if w not in AMENITIES]
    if unknown:
        label = "amenity" if len(unknown) == 1 else "amenities"
        names = ", ".join(show(w) for w in unknown)
        raise BadValue(f"unknown {label} {names} (allowed: {', '.join(AMENITIES)})")
    return tuple(dict.fromkeys(words))


def _whole_number(value: object) -> int | None:
    """An int from an int, an integral float or digit text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = WHOLE_NUMBER.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    digits = match[1].lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else MAX_CAPACITY + 1


def _capacity(column: str, value: object) -> int | None:
    """People the venue holds: a whole number from 0 to MAX_CAPACITY, or None."""
    if _is_blank(value):
        return None
    number = _whole_number(value)
    if number is None or number < 0:
        raise BadValue(f"capacity {show(value)} is not a non-negative whole number")
    if number > MAX_CAPACITY:
        raise BadValue(f"capacity {show(value)} is over the limit of {MAX_CAPACITY}")
    return number


def _indoor(column: str, value: object) -> bool | None:
    """A boolean from JSON true/false, 1/0, or a yes/no word in English or Chinese."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else ""
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise BadValue(f"indoor {show(value)} is not true/false, yes/no, 1/0 or 是/否")


# --- rows ------------------------------------------------------------------------


class _Checker:
    """Reads fields one by one, noting each problem instead of stopping at the first."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        """Check these fields (keys already canonical)."""
        self.fields = fields
        self.problems: list[str] = []

    def get(self, column: str, parse: Callable[[str, object], T], fallback: T) -> T:
        """The parsed value of a column, or the fallback after noting the problem."""
        try:
            return parse(column, self.fields.get(column))
        except BadValue as exc:
            self.problems.append(str(exc))
            return fallback


def _text_field(column: str, value: object) -> str | None:
    """An optional text column."""
    return text_value(column, value)


def _checked(row: int, fields: Mapping[str, object]) -> tuple[VenueRecord, list[str]]:
    """A record built from the fields, and the problems that make it unusable."""
    c = _Checker(fields)
    record = VenueRecord(
        row=row,
        name=c.get("name", _name, ""),
        lat=c.get("lat", _coordinate, 0.0),
        lon=c.get("lon", _coordinate, 0.0),
        type=c.get("type", _venue_type, ""),
        external_id=c.get("external_id", _text_field, None),
        address=c.get("address", _text_field, None),
        capacity=c.get("capacity", _capacity, None),
        indoor=c.get("indoor", _indoor, None),
        amenities=c.get("amenities", _amenities, ()),
        opening_hours=c.get("opening_hours", _text_field, None),
        contact=c.get("contact", _text_field, None),
        organization=c.get("organization", _text_field, None),
    )
    return record, c.problems


class VenueRows:
    """Collects the rows of one file: good records, and rejections with their reasons.

    The first row that names an external_id owns it; later rows with the same id
    are rejected, even when the first was rejected for another reason.
    """

    def __init__(self) -> None:
        """Start an empty file."""
        self.result = VenueFile()
        self._first_row: dict[str, int] = {}

    def add(self, row: int, fields: Mapping[str, object], problem: str | None = None) -> None:
        """Keep the row as a record, or reject it; `problem` is a fault found beforehand."""
        record, problems = _checked(row, fields) if problem is None else (None, [problem])
        problems = problems + self._repeat(row, fields)
        if record is None or problems:
            self.result.rejected.append(Rejection(row, "; ".join(problems)))
        else:
            self.result.records.append(record)

    def _repeat(self, row: int, fields: Mapping[str, object]) -> list[str]:
        """A problem when an earlier row already used this row's external_id."""
        try:
            key = text_value("external_id", fields.get("external_id"))
        except BadValue:
            return []
        if key is None:
            return []
        first = self._first_row.setdefault(key, row)
        return [] if first == row else [f"duplicate external_id {show(key)} (first in row {first})"]


# --- CSV -----------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Comma, unless the header line has none and uses ';' or tabs instead."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    return "," if counts[","] else max(DELIMITERS, key=lambda d: counts[d])


def _records(text: str) -> Iterator[list[str]]:
    """The CSV records of the text; a broken file becomes UnreadableVenueFile."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise UnreadableVenueFile(
            f"the CSV cannot be read at line {reader.line_num}: {exc}", line=reader.line_num
        ) from exc


def _is_blank_record(cells: list[str]) -> bool:
    """True for a record with no text in any cell."""
    return all(not cell.strip() for cell in cells)


def _columns(header: list[str]) -> list[str | None]:
    """The field of each header cell (None: ignored); refuses missing or repeated columns."""
    columns = [canonical_key(cell) for cell in header]
    repeated = sorted({c for c in columns if c is not None and columns.count(c) > 1})
    if repeated:
        raise UnreadableVenueFile(
            f"the CSV header names the column(s) {', '.join(repeated)} more than once",
            repeated=repeated,
        )
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UnreadableVenueFile(
            f"the CSV header is missing the required column(s) {', '.join(missing)} "
            f"(the first row must name the columns: {', '.join(REQUIRED)}, …)",
            missing=missing,
        )
    return columns


def _fields(columns: list[str | None], cells: list[str]) -> tuple[dict[str, object], str | None]:
    """The row's fields by column, and a problem when it has more values than columns."""
    fields: dict[str, object] = {
        c: cell for c, cell in zip(columns, cells, strict=False) if c is not None
    }
    extra = cells[len(columns) :]
    if any(cell.strip() for cell in extra):
        return fields, (
            f"the row has {len(cells)} values but the header has {len(columns)} columns "
            "(is there a comma in an unquoted value?)"
        )
    return fields, None


def parse_venues_csv(data: bytes) -> VenueFile:
    """Venue records from CSV bytes; bad rows are rejected, the others kept."""
    records = _records(decode_text(data))
    header = next((cells for cells in records if not _is_blank_record(cells)), None)
    if header is None:
        raise UnreadableVenueFile("the file has no header row")
    columns = _columns(header)
    rows = VenueRows()
    for number, cells in enumerate(records, start=1):
        if not _is_blank_record(cells):
            rows.add(number, *_fields(columns, cells))
    return rows.result

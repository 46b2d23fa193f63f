"""Read a GPX 1.0 or 1.1 file into a `ParsedGpx`, streaming and refusing DTDs.

Two parsers look at every file. First defusedxml (expat) reads only the prolog,
the one place a DTD or an entity declaration can appear, and stops at the root
start tag; it refuses any DOCTYPE. Then lxml streams the whole document with its
own DTD and entity handling switched off as a second line of defence, and only
the point elements reach Python: each is read, cleared and dropped, so memory
stays flat whatever the number of points.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
from array import array
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import IO, BinaryIO, Final

import numpy as np
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from lxml import etree

from importers.errors import (
    ForbiddenXmlError,
    InvalidCoordinateError,
    NoPointsError,
    NotGpxError,
    NotXmlError,
)
from importers.records import ParsedGpx, TrackPoints, Waypoint

GpxSource = bytes | str | os.PathLike[str] | BinaryIO
_Element = etree._Element

_CHUNK: Final = 64 * 1024
_NAN: Final = math.nan
_VERSIONS: Final = ("1.0", "1.1")
_GPX10_NS: Final = "http://www.topografix.com/GPX/1/0"
# Raw attribute values longer than this are cut in messages: they echo user input.
_MAX_ECHO: Final = 40
# Points are cleared one by one but unlinked in batches: removing them one at a
# time from Python costs a tenth of the whole parse. A cleared point is ~100 bytes.
_PURGE_EVERY: Final = 1024

# pyexpat refuses multi-byte declared encodings outright (old Chinese exports say
# GBK). In these, no byte of 0x00-0x2F or 0x3A-0x3F ever sits inside a multi-byte
# character (only GB18030 uses bytes below 0x40 there, and only the digits), so the
# prolog's delimiters `<`, `!`, `-`, `?`, `>` and quotes fall at the same places when
# the bytes are read as Latin-1: the guard reads the prolog so and sees any DOCTYPE
# exactly where libxml2, decoding properly, would.
_ASCII_SAFE_CJK: Final = frozenset({"gb2312", "gbk", "gb18030", "cp936", "big5"})
_DECLARED_ENCODING: Final = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


class _RootReached(Exception):
    """Raised by the guard at the root start tag: the prolog is over and was clean."""

    def __init__(self, tag: str) -> None:
        """Carry the root element's tag, in Clark notation."""
        super().__init__(tag)
        self.tag = tag


class _StopAtRoot:
    """Parser target that ends the guard as soon as the root element starts."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """Stop the guard: the root element starts."""
        raise _RootReached(tag)


@dataclass(frozen=True)
class _Prolog:
    """What the guard learnt: the root tag, and the bytes it has read so far."""

    tag: str
    head: bytes


class _Replay:
    """A read-only stream: the bytes the guard already read, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        """Replay `head`, then read on from `rest`."""
        self._head = memoryview(head)
        self._pos = 0
        self._rest = rest

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes, from the replayed head first."""
        left = len(self._head) - self._pos
        if not left:
            return self._rest.read(-1 if size is None else size)
        if size is None or size < 0:
            size = left
            tail = self._rest.read()
        else:
            tail = b""
        data = self._head[self._pos : self._pos + size].tobytes()
        self._pos += len(data)
        return data + tail


@dataclass
class _Points:
    """Parallel coordinate arrays of track or route points, growing as the file streams."""

    label: str  # "track point" or "route point", for messages
    lon: array[float] = field(default_factory=lambda: array("d"))
    lat: array[float] = field(default_factory=lambda: array("d"))
    ele: array[float] = field(default_factory=lambda: array("d"))
    time: array[float] = field(default_factory=lambda: array("d"))
    starts: list[int] = field(default_factory=lambda: [0])

    def __len__(self) -> int:
        """Number of points so far."""
        return len(self.lon)

    def break_segment(self) -> None:
        """Start a new segment with the next point (a new trkseg, trk or rte)."""
        if len(self.lon) > self.starts[-1]:
            self.starts.append(len(self.lon))

    def to_track_points(self, blank_ele: bool) -> TrackPoints:
        """The arrays as numpy; `blank_ele` turns every elevation into NaN."""
        # Views, not copies: the arrays are finished and numpy keeps them alive.
        ele = np.frombuffer(self.ele, dtype=np.float64)
        if blank_ele:
            ele[:] = _NAN
        starts = [s for s in self.starts if s < len(self.lon)] or [0]
        return TrackPoints(
            lon=np.frombuffer(self.lon, dtype=np.float64),
            lat=np.frombuffer(self.lat, dtype=np.float64),
            ele=ele,
            time=np.frombuffer(self.time, dtype=np.float64),
            segment_starts=np.asarray(starts, dtype=np.int64),
        )


class _GpxReader:
    """Collects points, waypoints and names from lxml's end events for one file."""

    def __init__(self, namespace: str) -> None:
        """Prepare for a document whose elements live in `namespace` ("" for none)."""
        prefix = f"{{{namespace}}}" if namespace else ""
        self.prefix = prefix
        self.trkpt, self.rtept, self.wpt = prefix + "trkpt", prefix + "rtept", prefix + "wpt"
        self.trkseg, self.trk, self.rte = prefix + "trkseg", prefix + "trk", prefix + "rte"
        self.ele, self.time = prefix + "ele", prefix + "time"
        self.track = _Points("track point")
        self.route = _Points("route point")
        self.waypoints: list[Waypoint] = []
        self.track_text: tuple[str | None, str | None] = (None, None)
        self.route_text: tuple[str | None, str | None] = (None, None)
        self.root: _Element | None = None

    def tags(self) -> tuple[str, ...]:
        """The elements lxml should report; everything else stays in C."""
        return (self.trkpt, self.rtept, self.wpt, self.trkseg, self.trk, self.rte)

    def read(self, stream: _Replay) -> None:
        """Stream the document and collect everything it holds."""
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=self.tags(),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            # Fewer nodes for indented files; whitespace-only text means nothing in GPX.
            remove_blank_text=True,
        )
        trkpt, track = self.trkpt, self.track
        try:
            for _event, el in events:
                # Nearly every event is a track point: spare those the dispatch.
                if el.tag == trkpt:
                    self._add_point(el, track)
                else:
                    self._handle(el)
        except etree.XMLSyntaxError as exc:
            line, column = exc.position
            raise NotXmlError(
                f"the file is not well-formed XML: {exc.msg}", line=line, column=column
            ) from exc
        self.root = events.root

    def _handle(self, el: _Element) -> None:
        """Dispatch a finished element other than a trkpt, then drop what is not needed."""
        tag = el.tag
        if tag == self.rtept:
            self._add_point(el, self.route)
            return
        if tag == self.wpt:
            self._add_waypoint(el)
        elif tag == self.trkseg:
            self.track.break_segment()
        elif tag == self.trk:
            self.track.break_segment()
            if self.track_text == (None, None):
                self.track_text = self._name_and_desc(el)
        elif tag == self.rte:
            self.route.break_segment()
            if self.route_text == (None, None):
                self.route_text = self._name_and_desc(el)
        _forget(el)

    def _add_point(self, el: _Element, points: _Points) -> None:
        """Append one trkpt or rtept; this is the hot loop, so it stays flat."""
        lat, lon = _valid_coordinates(el, points.label, len(points.lon) + 1)
        ele_text, time_text = _ele_and_time(el, self.ele, self.time)
        points.lon.append(lon)
        points.lat.append(lat)
        points.ele.append(_parse_float(ele_text))
        points.time.append(_parse_time(time_text))
        el.clear()
        if len(points.lon) % _PURGE_EVERY == 0:
            self._purge_points_before(el)

    def _purge_points_before(self, el: _Element) -> None:
        """Drop the cleared points before `el`, in one C-level slice where possible."""
        parent = el.getparent()
        if parent is not None and parent.tag == self.trkseg:
            # A <trkseg> holds nothing but points before its closing <extensions>.
            del parent[: parent.index(el)]
        else:
            _drop_previous(el)

    def _add_waypoint(self, el: _Element) -> None:
        """Append one <wpt>, refusing bad coordinates like for track points."""
        number = len(self.waypoints) + 1
        lat, lon = _valid_coordinates(el, "waypoint", number)
        text = self._children_text(el)
        ele = _parse_float(text.get("ele"))
        time = _parse_time(text.get("time"))
        self.waypoints.append(
            Waypoint(
                lon=lon,
                lat=lat,
                name=text.get("name"),
                description=text.get("desc") or text.get("cmt"),
                kind=text.get("sym") or text.get("type"),
                ele=None if math.isnan(ele) else ele,
                time=None if math.isnan(time) else time,
            )
        )

    def _children_text(self, el: _Element) -> dict[str, str]:
        """Stripped, non-empty text of the GPX-namespace children, by local name."""
        found: dict[str, str] = {}
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag.startswith(self.prefix):
                text = _clean(child.text)
                if text is not None:
                    found.setdefault(tag[len(self.prefix) :], text)
        return found

    def _name_and_desc(self, el: _Element) -> tuple[str | None, str | None]:
        """The <name> and <desc> children of a trk, rte, metadata or gpx element."""
        text = self._children_text(el)
        return text.get("name"), text.get("desc")

    def root_attribute(self, name: str) -> str | None:
        """An attribute of <gpx>, as lxml decoded it (the guard may have read Latin-1)."""
        return None if self.root is None else self.root.get(name)

    def file_name_and_desc(self) -> tuple[str | None, str | None]:
        """Name and description of the file: 1.1 metadata, else 1.0 gpx children."""
        if self.root is None:
            return None, None
        metadata = self.root.find(self.prefix + "metadata")
        meta_name, meta_desc = (None, None) if metadata is None else self._name_and_desc(metadata)
        # GPX 1.0 puts them directly under <gpx>; some 1.1 writers do too.
        top_name, top_desc = self._name_and_desc(self.root)
        return meta_name or top_name, meta_desc or top_desc


def parse_gpx(source: GpxSource) -> ParsedGpx:
    """Read a GPX file given as a path, bytes or binary file object."""
    with _open(source) as stream:
        prolog = _check_prolog(stream)
        namespace = _gpx_namespace(prolog.tag)
        reader = _GpxReader(namespace)
        reader.read(_Replay(prolog.head, stream))
    return _result(reader, namespace)


def _open(source: GpxSource) -> contextlib.AbstractContextManager[IO[bytes]]:
    """A binary stream over the source; only files we open ourselves get closed."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")
    return contextlib.nullcontext(source)


def _check_prolog(stream: IO[bytes]) -> _Prolog:
    """Run defusedxml over the prolog until the root starts; refuse any DTD or entity."""
    head = bytearray()
    guard: DefusedXMLParser | None = None
    encoding: str | None = None
    while chunk := _read_chunk(stream):
        if guard is None:
            encoding = _declared_encoding(chunk)
            guard = _new_guard(encoding)
        head += chunk
        tag = _feed(guard, chunk)
        if tag is not None:
            return _Prolog(_as_declared(tag, encoding), bytes(head))
    if guard is None:
        raise NotXmlError("the file is empty")
    # expat may hold back a start tag that ends the input until it is told so.
    tag = _feed(guard, None)
    if tag is not None:
        return _Prolog(_as_declared(tag, encoding), bytes(head))
    # close() raises ParseError on a document without a root, so this is unreachable.
    raise NotXmlError("the file has no root element")


def _read_chunk(stream: IO[bytes]) -> bytes:
    """The next chunk of the stream, insisting on bytes."""
    chunk = stream.read(_CHUNK)
    if not isinstance(chunk, bytes):
        raise TypeError("parse_gpx needs a binary file object (open the file with 'rb')")
    return chunk


def _new_guard(encoding: str | None) -> DefusedXMLParser:
    """A defusedxml parser that refuses DTDs and entities and stops at the root."""
    return DefusedXMLParser(
        target=_StopAtRoot(),
        # See _ASCII_SAFE_CJK: pyexpat cannot decode these, and need not.
        encoding="iso-8859-1" if encoding in _ASCII_SAFE_CJK else None,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )


def _feed(guard: DefusedXMLParser, chunk: bytes | None) -> str | None:
    """Feed a chunk (None: the end) to the guard; the root tag once it has started."""
    try:
        if chunk is None:
            guard.close()
        else:
            guard.feed(chunk)
    except _RootReached as root:
        return root.tag
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise ForbiddenXmlError(
            "the file declares a DTD or entities, which are refused", reason=type(exc).__name__
        ) from exc
    except ParseError as exc:
        line, column = exc.position
        raise NotXmlError(f"the file is not XML: {exc}", line=line, column=column) from exc
    except ValueError as exc:
        # pyexpat's answer to a declared multi-byte encoding it cannot decode.
        raise NotXmlError(f"the file's character encoding is not supported: {exc}") from exc
    return None


def _as_declared(tag: str, encoding: str | None) -> str:
    """Undo the guard's Latin-1 reading of a tag: the same bytes, decoded as declared."""
    if encoding not in _ASCII_SAFE_CJK:
        return tag
    return tag.encode("latin-1").decode(encoding or "ascii", "replace")


def _declared_encoding(head: bytes) -> str | None:
    """The lower-case encoding named in the XML declaration, if any."""
    match = _DECLARED_ENCODING.match(head)
    return match.group(1).decode("ascii").lower() if match else None


def _gpx_namespace(root_tag: str) -> str:
    """The namespace of a <gpx> root ("" if none); NotGpxError for any other root."""
    namespace, local = "", root_tag
    if root_tag.startswith("{"):
        namespace, _, local = root_tag[1:].partition("}")
    if local != "gpx":
        raise NotGpxError(f"the root element is <{local}>, not <gpx>", root=local)
    return namespace


def _result(reader: _GpxReader, namespace: str) -> ParsedGpx:
    """Assemble the record, preferring track points over route points."""
    if len(reader.track) >= 2:
        points, source, own_text = reader.track, "track", reader.track_text
    elif len(reader.route) >= 2:
        points, source, own_text = reader.route, "route", reader.route_text
    else:
        raise NoPointsError("the GPX has no track or route with at least two points")
    zero_ele = _all_zero(points.ele)
    track_points = points.to_track_points(blank_ele=zero_ele)
    name, desc = reader.file_name_and_desc()
    waypoints = reader.waypoints
    if zero_ele:
        # Same device, same missing barometer: the waypoints' zeros mean nothing either.
        waypoints = [_without_zero_ele(w) for w in waypoints]
    return ParsedGpx(
        version=_version(reader.root_attribute("version"), namespace),
        creator=_clean(reader.root_attribute("creator")),
        name=name or own_text[0] or reader.track_text[0] or reader.route_text[0],
        description=desc or own_text[1] or reader.track_text[1] or reader.route_text[1],
        points=track_points,
        waypoints=waypoints,
        source=source,
    )


def _version(attribute: str | None, namespace: str) -> str:
    """The GPX version, 1.0 or 1.1: the attribute, else the namespace, else 1.1."""
    if attribute is not None and attribute.strip() in _VERSIONS:
        return attribute.strip()
    return "1.0" if namespace == _GPX10_NS else "1.1"


def _forget(el: _Element) -> None:
    """Empty a processed container or waypoint and drop its processed predecessors."""
    el.clear()
    _drop_previous(el)


def _drop_previous(el: _Element) -> None:
    """Drop the already processed siblings of the same tag just before `el`.

    Only same-tag siblings go: a <trk>'s <name> sits before its <trkseg>s and a
    <rte>'s before its <rtept>s, and those are read when the container ends.
    """
    parent = el.getparent()
    previous = el.getprevious()
    while parent is not None and previous is not None and previous.tag == el.tag:
        parent.remove(previous)
        previous = el.getprevious()


def _valid_coordinates(el: _Element, label: str, number: int) -> tuple[float, float]:
    """Latitude and longitude of a point element, or InvalidCoordinateError."""
    try:
        lat = float(el.get("lat", "nan"))
        lon = float(el.get("lon", "nan"))
    except ValueError:
        lat = lon = _NAN
    # NaN fails both comparisons, so missing and non-finite values land here too.
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise _coordinate_error(el, label, number)
    return lat, lon


def _ele_and_time(el: _Element, ele_tag: str, time_tag: str) -> tuple[str | None, str | None]:
    """Text of a point's <ele> and <time> children (None where absent)."""
    # The schema orders a point's children ele, time, then the rest: look at those
    # two slots first, since walking every child costs a Python object per child.
    if len(el) >= 2:
        first, second = el[0], el[1]
        if first.tag == ele_tag and second.tag == time_tag:
            return first.text, second.text
    ele_text = time_text = None
    for child in el:
        if child.tag == ele_tag:
            ele_text = child.text
        elif child.tag == time_tag:
            time_text = child.text
    return ele_text, time_text


def _coordinate_error(el: _Element, label: str, number: int) -> InvalidCoordinateError:
    """Describe the first bad coordinate of a point element: which, and why."""
    for attr, word, limit in (("lat", "latitude", 90), ("lon", "longitude", 180)):
        raw = el.get(attr)
        problem = _coordinate_problem(raw, limit)
        if problem is not None:
            return InvalidCoordinateError(
                f"{label} {number}: {word} {problem}",
                point=number,
                field=attr,
                value=None if raw is None else _shorten(raw),
            )
    # Not reached: the caller only asks when a coordinate failed a check.
    return InvalidCoordinateError(f"{label} {number}: invalid coordinates", point=number)


def _coordinate_problem(raw: str | None, limit: int) -> str | None:
    """What is wrong with a raw coordinate, worded to follow its name; None if fine."""
    if raw is None or not raw.strip():
        return "is missing"
    shown = _shorten(raw)
    try:
        value = float(raw)
    except ValueError:
        return f"{shown!r} is not a number"
    if not math.isfinite(value):
        return f"{shown!r} is not a finite number"
    return None if -limit <= value <= limit else f"{shown} is outside -{limit}..{limit}"


def _shorten(raw: str) -> str:
    """A raw attribute value, cut short: it is user input echoed in messages."""
    return raw if len(raw) <= _MAX_ECHO else raw[:_MAX_ECHO] + "…"


def _parse_float(text: str | None) -> float:
    """A finite number from element text, or NaN: bad elevations are just missing."""
    if text is None:
        return _NAN
    try:
        value = float(text)
    except ValueError:
        return _NAN
    return value if math.isfinite(value) else _NAN


def _parse_time(text: str | None) -> float:
    """ISO 8601 text as POSIX seconds (naive means UTC, as GPX says), or NaN."""
    if text is None:
        return _NAN
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        # Tolerate padding and a lower-case t/z before giving up.
        try:
            moment = datetime.fromisoformat(text.strip().upper())
        except ValueError:
            return _NAN
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError):
        return _NAN


def _clean(text: str | None) -> str | None:
    """Stripped text, with empty strings as None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def _all_zero(ele: array[float]) -> bool:
    """True if there are elevations and every one is exactly 0 (no barometer)."""
    values = np.asarray(ele, dtype=np.float64)
    present = values[~np.isnan(values)]
    return bool(present.size) and not present.any()


def _without_zero_ele(waypoint: Waypoint) -> Waypoint:
    """The waypoint with an elevation of exactly 0 dropped."""
    return waypoint if waypoint.ele != 0 else replace(waypoint, ele=None)

"""Write a route as GPX 1.1 with gpxpy (valid against the official XSD)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import gpxpy.gpx

from importers.records import TrackPoints

CREATOR = "Yinhu Trails and Places"  # gpxpy writes attributes unescaped


def _when(seconds: float) -> datetime | None:
    """POSIX seconds → aware UTC datetime; NaN → None."""
    return None if math.isnan(seconds) else datetime.fromtimestamp(seconds, UTC)


def _maybe(value: float) -> float | None:
    """NaN → None."""
    return None if math.isnan(value) else float(value)


def build_gpx(
    name: str,
    description: str | None,
    points: TrackPoints,
    waypoints: Sequence[Mapping[str, Any]],
) -> str:
    """GPX 1.1 text: one track, one segment per original segment, the waypoints."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = name
    gpx.description = description
    for w in waypoints:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=w["lat"], longitude=w["lon"], elevation=w["ele_m"], time=w["time"],
                name=w["name"], description=w["description"], symbol=w["kind"],
            )
        )
    track = gpxpy.gpx.GPXTrack(name=name, description=description)
    lon, lat, ele, tim = (a.tolist() for a in (points.lon, points.lat, points.ele, points.time))
    for seg in points.segments():
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [
            gpxpy.gpx.GPXTrackPoint(
                latitude=lat[i], longitude=lon[i], elevation=_maybe(ele[i]), time=_when(tim[i])
            )
            for i in range(seg.start or 0, seg.stop or 0)
        ]
        track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")

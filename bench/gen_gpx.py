"""Write Garmin-style GPX files of N points (ele, time, a TrackPointExtension each).

A wandering walk around Yinhu, ~3 m between points, one point a second.
"""

from __future__ import annotations

import math
from pathlib import Path

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx creator="Garmin Connect" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
    'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    "  <metadata><name>Bench walk</name><time>2026-05-01T00:00:00Z</time></metadata>\n"
    "  <trk><name>Bench walk</name><type>hiking</type><trkseg>\n"
)
TAIL = "  </trkseg></trk>\n</gpx>\n"
EPOCH_2026_05_01 = 1777593600


def write_gpx(path: Path, n: int) -> Path:
    """Write an n-point file at `path` (streamed, so 1M points needs little memory)."""
    lon, lat, heading = 120.05, 30.09, 0.0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(n):
            heading += 0.02 * math.sin(i / 500.0)
            lon += 3.0 * math.sin(heading) / 96_300.0
            lat += 3.0 * math.cos(heading) / 110_900.0
            ele = 40.0 + 30.0 * math.sin(i / 700.0) + 0.8 * math.sin(i * 1.7)
            t = EPOCH_2026_05_01 + i
            hh, mm, ss = (t // 3600) % 24, (t // 60) % 60, t % 60
            day = 1 + (t - EPOCH_2026_05_01) // 86400
            out.write(
                f'    <trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.1f}</ele>'
                f"<time>2026-05-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z</time>"
                "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>"
                f"{100 + i % 40}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
        out.write(TAIL)
    return path

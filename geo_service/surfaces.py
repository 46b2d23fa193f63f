"""Checks on a surface list that need the route: bounds and overlaps."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from geo_service.friendliness import SurfaceSegment

# Lengths are stored as floats; let a client send the rounded length it was shown.
LENGTH_SLACK_M = 1.0


def segment_problems(segments: Sequence[SurfaceSegment], length_m: float) -> list[str]:
    """Human sentences for every rule broken; empty when the list is acceptable.

    Rules: start < end, inside [0, length_m] (metres along the route), no overlaps.
    """
    problems: list[str] = []
    for i, s in enumerate(segments):
        if s.end_m <= s.start_m:
            problems.append(f"segment {i}: end_m {s.end_m:g} must be greater than start_m.")
        if s.end_m > length_m + LENGTH_SLACK_M:
            problems.append(
                f"segment {i}: end_m {s.end_m:g} is beyond the route's length {length_m:.1f} m."
            )
    ordered = sorted(enumerate(segments), key=lambda p: p[1].start_m)
    for (i, a), (j, b) in itertools.pairwise(ordered):
        if b.start_m < a.end_m:
            problems.append(f"segments {i} and {j} overlap ({b.start_m:g} < {a.end_m:g}).")
    return problems

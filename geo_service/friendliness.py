"""Friendliness per audience, inferred from a route's measures and surface segments.

Pure functions: no database, no Flask. The rules and their thresholds are listed in
docs/measures.md ("Friendliness"). Lengths are metres along the route, grades percent.
Each audience gets the worst level any rule gives it; the reasons of every rule at
that level are joined with "; ". An unknown grade or ascent (None) is no evidence:
it never triggers a rule, and it cannot prove "friendly" where a rule needs the grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from geo_service.vocabulary import AUDIENCES, LEVELS, PAVED_SURFACES


@dataclass(frozen=True)
class SurfaceSegment:
    """A stretch of a route from `start_m` to `end_m` (metres along it) and its surface."""

    start_m: float
    end_m: float
    surface: str  # vocabulary.SURFACES
    condition: str  # vocabulary.CONDITIONS


@dataclass(frozen=True)
class Friendliness:
    """One audience's level, where it comes from, and why (a short English sentence)."""

    level: str  # vocabulary.LEVELS
    source: str  # "manual" | "inferred"
    reason: str | None


@dataclass(frozen=True)
class RouteFacts:
    """What inference reads about a route; lengths in metres, grade in percent."""

    length_m: float
    ascent_m: float | None
    max_grade_pct: float | None
    max_grade_at_m: float | None
    difficulty: str  # easy | moderate | hard


# Levels from best to worst; the worst level found wins.
_RANK: Final = {"friendly": 0, "unknown": 1, "caution": 2, "unsuitable": 3}

ROUGH_SURFACES: Final = frozenset({"sand", "rock", "grass"})
WHEELCHAIR_IMPASSABLE: Final = frozenset({"sand", "rock", "grass", "dirt"})
GOOD_CONDITIONS: Final = frozenset({"good", "fair"})
# The surface list may miss the very ends of the route: up to this much is "covered".
COVERAGE_SLACK_M: Final = 10.0
COVERAGE_SLACK_FRACTION: Final = 0.01

STROLLER_CAUTION_GRADE_PCT: Final = 12.0
STROLLER_FRIENDLY_MAX_GRADE_PCT: Final = 8.0
WHEELCHAIR_UNSUITABLE_GRADE_PCT: Final = 8.0
WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT: Final = 5.0
BEGINNERS_MAX_LENGTH_M: Final = 15_000.0
BEGINNERS_MAX_ASCENT_M: Final = 800.0
BEGINNERS_MAX_GRADE_PCT: Final = 20.0
KIDS_UNSUITABLE_LENGTH_M: Final = 20_000.0
KIDS_UNSUITABLE_ASCENT_M: Final = 1000.0
KIDS_CAUTION_LENGTH_M: Final = 10_000.0
KIDS_CAUTION_ASCENT_M: Final = 500.0
KIDS_CAUTION_GRADE_PCT: Final = 20.0
ELDERLY_MAX_GRADE_PCT: Final = 15.0
ELDERLY_MAX_LENGTH_M: Final = 12_000.0
ELDERLY_MAX_ASCENT_M: Final = 600.0

_MAX_PLACES: Final = 3  # "steps at km 1.2-1.4, 3.0-3.1, 4.4-4.5 and 2 more" (en dashes)
_DASH: Final = "\u2013"  # EN DASH between the two ends of a stretch


def infer_friendliness(
    facts: RouteFacts, segments: Sequence[SurfaceSegment]
) -> dict[str, Friendliness]:
    """Every audience in AUDIENCES with an inferred level and reason (source "inferred")."""
    segs = sorted(segments, key=lambda s: (s.start_m, s.end_m))
    rules = {
        "kids": _kids,
        "elderly": _elderly,
        "stroller": _stroller,
        "wheelchair": _wheelchair,
        "pets": _pets,
        "beginners": _beginners,
    }
    out: dict[str, Friendliness] = {}
    for audience in AUDIENCES:
        level, reason = rules[audience](facts, segs)
        out[audience] = Friendliness(level, "inferred", reason)
    return out


def effective_friendliness(
    inferred: Mapping[str, Friendliness], manual: Mapping[str, tuple[str, str | None]]
) -> dict[str, Friendliness]:
    """Per audience: the manual (level, reason) when set (source "manual"), else inferred.

    An audience missing from both is "unknown". Raises ValueError for a manual entry
    with an audience or level outside the vocabulary.
    """
    for audience, (level, _) in manual.items():
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        if level not in LEVELS:
            raise ValueError(f"unknown friendliness level {level!r} for {audience}")
    out: dict[str, Friendliness] = {}
    for audience in AUDIENCES:
        if audience in manual:
            level, reason = manual[audience]
            out[audience] = Friendliness(level, "manual", reason)
        else:
            out[audience] = inferred.get(audience, Friendliness("unknown", "inferred", None))
    return out


class _Verdict:
    """Collects (level, reason) findings; the worst level and its reasons win."""

    def __init__(self) -> None:
        """Start with no finding."""
        self.findings: list[tuple[str, str]] = []

    def add(self, level: str, reason: str) -> None:
        """Record that a rule gives `level` because of `reason`."""
        self.findings.append((level, reason))

    def decided(self) -> bool:
        """True once any rule has given caution or unsuitable."""
        return any(_RANK[level] >= _RANK["caution"] for level, _ in self.findings)

    def result(self, default: str, default_reason: str | None = None) -> tuple[str, str | None]:
        """The worst level recorded (or `default`) and its reasons joined with "; "."""
        if not self.findings:
            return default, default_reason
        worst = max(self.findings, key=lambda f: _RANK[f[0]])[0]
        reasons = list(dict.fromkeys(r for level, r in self.findings if level == worst))
        return worst, "; ".join(reasons)


# --- the audiences -----------------------------------------------------------------


def _stroller(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Stroller: steps unsuitable; rough, poor or steep (> 12 %) caution; paved friendly."""
    v = _Verdict()
    _steps(v, segs, "unsuitable")
    _surfaces(v, segs, _unpaved(segs), "caution")  # sand/rock/grass and gravel/compacted/dirt
    _poor(v, segs, "caution")
    grade = facts.max_grade_pct
    if grade is not None and grade > STROLLER_CAUTION_GRADE_PCT:
        v.add("caution", _grade_reason(facts))
    if v.decided():
        return v.result("unknown")
    return _paved_fallback(facts, segs, STROLLER_FRIENDLY_MAX_GRADE_PCT)


def _wheelchair(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Wheelchair: steps, > 8 % or sand/rock/grass/dirt unsuitable; gravel, poor, 5-8 % caution."""
    v = _Verdict()
    _steps(v, segs, "unsuitable")
    grade = facts.max_grade_pct
    if grade is not None and grade > WHEELCHAIR_UNSUITABLE_GRADE_PCT:
        v.add("unsuitable", _grade_reason(facts))
    if not segs:  # without surfaces only an impassable grade decides
        if v.decided():
            return v.result("unknown")
        if grade is not None and grade > WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT:
            return "unknown", f"no surface data; {_grade_reason(facts)}"
        return "unknown", "no surface data"
    _surfaces(v, segs, WHEELCHAIR_IMPASSABLE, "unsuitable")
    _surfaces(v, segs, _unpaved(segs) - WHEELCHAIR_IMPASSABLE, "caution")  # gravel, compacted
    _poor(v, segs, "caution")
    if grade is not None and grade > WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT:
        v.add("caution", _grade_reason(facts))
    if v.decided():
        return v.result("unknown")
    return _paved_fallback(facts, segs, WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT)


def _beginners(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Beginners: > 15 km, > 800 m of climb, > 20 % grade or rated hard is caution."""
    v = _Verdict()
    if facts.length_m > BEGINNERS_MAX_LENGTH_M:
        v.add("caution", _length_reason(facts.length_m))
    if facts.ascent_m is not None and facts.ascent_m > BEGINNERS_MAX_ASCENT_M:
        v.add("caution", _ascent_reason(facts.ascent_m))
    if facts.max_grade_pct is not None and facts.max_grade_pct > BEGINNERS_MAX_GRADE_PCT:
        v.add("caution", _grade_reason(facts))
    if facts.difficulty == "hard":
        v.add("caution", "rated hard")
    return v.result("friendly", _size_reason(facts))


def _kids(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Kids: > 20 km or > 1000 m unsuitable; > 10 km, > 500 m or > 20 % grade caution."""
    v = _Verdict()
    ascent = facts.ascent_m
    if facts.length_m > KIDS_UNSUITABLE_LENGTH_M:
        v.add("unsuitable", _length_reason(facts.length_m))
    elif facts.length_m > KIDS_CAUTION_LENGTH_M:
        v.add("caution", _length_reason(facts.length_m))
    if ascent is not None and ascent > KIDS_UNSUITABLE_ASCENT_M:
        v.add("unsuitable", _ascent_reason(ascent))
    elif ascent is not None and ascent > KIDS_CAUTION_ASCENT_M:
        v.add("caution", _ascent_reason(ascent))
    if facts.max_grade_pct is not None and facts.max_grade_pct > KIDS_CAUTION_GRADE_PCT:
        v.add("caution", _grade_reason(facts))
    return v.result("friendly", _size_reason(facts))


def _elderly(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Elderly: > 15 % grade, > 12 km, > 600 m of climb, steps or rock is caution."""
    v = _Verdict()
    if facts.max_grade_pct is not None and facts.max_grade_pct > ELDERLY_MAX_GRADE_PCT:
        v.add("caution", _grade_reason(facts))
    if facts.length_m > ELDERLY_MAX_LENGTH_M:
        v.add("caution", _length_reason(facts.length_m))
    if facts.ascent_m is not None and facts.ascent_m > ELDERLY_MAX_ASCENT_M:
        v.add("caution", _ascent_reason(facts.ascent_m))
    _steps(v, segs, "caution")
    _surfaces(v, segs, frozenset({"rock"}), "caution")
    return v.result("friendly", _size_reason(facts))


def _pets(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> tuple[str, str | None]:
    """Pets: nothing in the data says whether dogs are welcome, so always unknown."""
    return "unknown", "the route data does not say whether pets are welcome"


# --- shared rules ------------------------------------------------------------------


def _steps(v: _Verdict, segs: Sequence[SurfaceSegment], level: str) -> None:
    """Add `level` when any segment is steps, naming where (km)."""
    found = [s for s in segs if s.surface == "steps"]
    if found:
        v.add(level, f"steps at {_places(found)}")


def _unpaved(segs: Sequence[SurfaceSegment]) -> frozenset[str]:
    """The surfaces present that are neither paved nor steps."""
    return frozenset(s.surface for s in segs) - PAVED_SURFACES - {"steps"}


def _surfaces(
    v: _Verdict, segs: Sequence[SurfaceSegment], surfaces: frozenset[str], level: str
) -> None:
    """Add `level` once per listed surface present, in route order, naming where (km)."""
    first_at = {s.surface: s.start_m for s in reversed(segs)}
    for surface in sorted(set(first_at) & surfaces, key=first_at.__getitem__):
        found = [s for s in segs if s.surface == surface]
        v.add(level, f"{surface.replace('_', ' ')} at {_places(found)}")


def _poor(v: _Verdict, segs: Sequence[SurfaceSegment], level: str) -> None:
    """Add `level` when any segment is in poor condition, naming where (km)."""
    found = [s for s in segs if s.condition == "poor"]
    if found:
        v.add(level, f"poor surface at {_places(found)}")


def _paved_fallback(
    facts: RouteFacts, segs: Sequence[SurfaceSegment], friendly_max_grade: float
) -> tuple[str, str | None]:
    """When no rule decided (all segments paved, good/fair): friendly if covered and gentle."""
    if not segs:
        return "unknown", "no surface data"
    share = _covered_m(segs, facts.length_m) / facts.length_m if facts.length_m > 0 else 1.0
    if not _fully_covered(segs, facts.length_m):
        return "unknown", f"surface known for only {share * 100:.0f} % of the route"
    grade = facts.max_grade_pct
    if grade is None:
        return "unknown", "paved throughout, but the grade is unknown"
    if grade > friendly_max_grade:
        return "caution", _grade_reason(facts)
    return "friendly", f"paved throughout, at most {_num(grade)} % grade"


def _covered_m(segs: Iterable[SurfaceSegment], length_m: float) -> float:
    """Metres of [0, length_m] covered by the union of the segments."""
    covered = 0.0
    reach = 0.0
    for s in sorted(segs, key=lambda s: s.start_m):
        start, end = max(s.start_m, reach), min(s.end_m, length_m)
        if end > start:
            covered += end - start
            reach = end
    return covered


def _fully_covered(segs: Sequence[SurfaceSegment], length_m: float) -> bool:
    """True when the segments cover the route up to a small slack (10 m or 1 %)."""
    if length_m <= 0:
        return bool(segs)
    slack = max(COVERAGE_SLACK_M, COVERAGE_SLACK_FRACTION * length_m)
    return _covered_m(segs, length_m) >= length_m - slack


# --- wording -----------------------------------------------------------------------


def _num(x: float) -> str:
    """A number with at most one decimal and no trailing ".0": 14, 8.4, 18.5."""
    return f"{x:.1f}".removesuffix(".0")


def _km(m: float) -> str:
    """Metres as kilometres with one decimal: 2300 → "2.3"."""
    return f"{m / 1000:.1f}"


def _places(segs: Sequence[SurfaceSegment]) -> str:
    """Where the segments lie: "km 1.2-1.4, 3.0-3.1" with en dashes (three, then "and N more")."""
    shown = ", ".join(f"{_km(s.start_m)}{_DASH}{_km(s.end_m)}" for s in segs[:_MAX_PLACES])
    more = len(segs) - _MAX_PLACES
    return f"km {shown}" + (f" and {more} more" if more > 0 else "")


def _grade_reason(facts: RouteFacts) -> str:
    """ "14 % grade at km 2.3" (or without the place when unknown)."""
    grade = facts.max_grade_pct or 0.0
    if facts.max_grade_at_m is None:
        return f"{_num(grade)} % grade"
    return f"{_num(grade)} % grade at km {_km(facts.max_grade_at_m)}"


def _length_reason(length_m: float) -> str:
    """ "18.5 km long"."""
    return f"{_km(length_m)} km long"


def _ascent_reason(ascent_m: float) -> str:
    """ "820 m of climb"."""
    return f"{ascent_m:.0f} m of climb"


def _size_reason(facts: RouteFacts) -> str:
    """The friendly case: "6.2 km, 180 m of climb" (climb left out when unknown)."""
    if facts.ascent_m is None:
        return f"{_km(facts.length_m)} km"
    return f"{_km(facts.length_m)} km, {_ascent_reason(facts.ascent_m)}"

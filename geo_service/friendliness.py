"""Friendliness per audience, inferred from a route's measures and surface segments.

Pure functions: no database, no Flask. The rules and their thresholds are listed in
docs/measures.md ("Friendliness"). Lengths are metres along the route, grades percent.
Each audience gets the worst level any rule gives it, with the findings (why) of every
rule at that level. An unknown grade or ascent (None) is no evidence: it never
triggers a rule, and it cannot prove "friendly" where a rule needs the grade.

A finding is a message code and the numbers it names, stored as JSON, so each page
can word it in its own language: `describe()` writes the findings with a translate
and a number-format function; without them it gives the English sentence the API
serves as `reason` ("14 % grade at km 2.3; steps at km 1.2-1.4", with en dashes).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from geo_service.vocabulary import AUDIENCES, LEVELS, PAVED_SURFACES

# Translate a message template (no substitution); format a number with a Babel
# pattern ("0", "0.0", "0.#"). The defaults give the English sentence.
Translate = Callable[[str], str]
FormatNumber = Callable[[float, str], str]


def N_(message: str) -> str:  # noqa: N802 - the name pybabel's extractor looks for
    """Mark a message template for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Finding:
    """Why a rule gave its level: a message code (MESSAGES) and the numbers it names.

    Numbers are kept as shown: km and grades rounded to one decimal, metres of climb
    and percentages to whole numbers; `places` are [start_km, end_km] stretches (at
    most three) with `more` counting the others.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """{"code": …, "params": {…}}, as stored and as the API's `reasons` give it."""
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """The finding from its JSON form."""
        return cls(str(data["code"]), dict(data.get("params") or {}))


@dataclass(frozen=True)
class SurfaceSegment:
    """A stretch of a route from `start_m` to `end_m` (metres along it) and its surface."""

    start_m: float
    end_m: float
    surface: str  # vocabulary.SURFACES
    condition: str  # vocabulary.CONDITIONS


@dataclass(frozen=True)
class Friendliness:
    """One audience's level, where it comes from, and why.

    `reason` is a short English sentence (for an inferred level, `describe(findings)`;
    for a manual one, the text given); `findings` is the inferred reason's structure.
    """

    level: str  # vocabulary.LEVELS
    source: str  # "manual" | "inferred"
    reason: str | None
    findings: tuple[Finding, ...] = ()


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

# The manual reason stored when a level is set by hand without words of its own.
MANUAL_REASON: Final = "set by hand"

# Message templates by finding code; %(name)s are filled by `describe()`.
MESSAGES: Final = {
    "steps": N_("steps at %(places)s"),
    "surface": N_("%(surface)s at %(places)s"),
    "poor_surface": N_("poor surface at %(places)s"),
    "grade": N_("%(grade)s %% grade"),
    "grade_at": N_("%(grade)s %% grade at km %(at)s"),
    "length": N_("%(length)s km long"),
    "ascent": N_("%(ascent)s m of climb"),
    "size": N_("%(length)s km"),
    "size_ascent": N_("%(length)s km, %(ascent)s m of climb"),
    "rated_hard": N_("rated hard"),
    "no_surface_data": N_("no surface data"),
    "surface_coverage": N_("surface known for only %(share)s %% of the route"),
    "paved_grade_unknown": N_("paved throughout, but the grade is unknown"),
    "paved_gentle": N_("paved throughout, at most %(grade)s %% grade"),
    "pets_unknown": N_("the route data does not say whether pets are welcome"),
    "set_by_hand": N_("set by hand"),
}
_PLACES: Final = N_("km %(ranges)s")
_PLACES_MORE: Final = N_("km %(ranges)s and %(more)s more")
_LIST_SEPARATOR: Final = N_(", ")  # between stretches
_FINDING_SEPARATOR: Final = N_("; ")  # between findings
# Surfaces a reason can name (the unpaved ones), as words inside a sentence.
SURFACE_WORDS: Final = {
    "compacted": N_("compacted"),
    "gravel": N_("gravel"),
    "dirt": N_("dirt"),
    "grass": N_("grass"),
    "sand": N_("sand"),
    "rock": N_("rock"),
}


def infer_friendliness(
    facts: RouteFacts, segments: Sequence[SurfaceSegment]
) -> dict[str, Friendliness]:
    """Every audience in AUDIENCES with an inferred level and findings (source "inferred")."""
    segs = sorted(segments, key=lambda s: (s.start_m, s.end_m))
    rules = {
        "kids": _kids,
        "elderly": _elderly,
        "stroller": _stroller,
        "wheelchair": _wheelchair,
        "pets": _pets,
        "beginners": _beginners,
    }
    return {
        audience: _inferred(*rules[audience](facts, segs)) for audience in AUDIENCES
    }


def _inferred(level: str, findings: Sequence[Finding]) -> Friendliness:
    """An inferred level with its findings and their English sentence."""
    return Friendliness(level, "inferred", describe(findings), tuple(findings))


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


# --- wording -----------------------------------------------------------------------


def plain_number(value: float, pattern: str) -> str:
    """A number as Babel's `pattern` ("0", "0.0", "0.#") writes it in English, no grouping."""
    decimals = len(pattern.partition(".")[2])
    out = f"{value:.{decimals}f}"
    if "#" in pattern and "." in out:
        out = out.rstrip("0").removesuffix(".")
    return out


def _identity(message: str) -> str:
    """No translation: the English template."""
    return message


def describe(
    findings: Iterable[Finding],
    translate: Translate = _identity,
    number: FormatNumber = plain_number,
) -> str | None:
    """The findings as one sentence: English by default, else through `translate`.

    None when there is no finding. `number(value, pattern)` formats each number
    (Flask-Babel's format_decimal on pages).
    """
    parts = [_sentence(f, translate, number) for f in findings]
    return translate(_FINDING_SEPARATOR).join(parts) if parts else None


def _sentence(finding: Finding, translate: Translate, number: FormatNumber) -> str:
    """One finding in words."""
    p = finding.params
    values: dict[str, str] = {}
    if "places" in p:
        values["places"] = _places_text(p["places"], int(p.get("more", 0)), translate, number)
    if "surface" in p:
        word = SURFACE_WORDS.get(p["surface"])
        values["surface"] = translate(word) if word else str(p["surface"]).replace("_", " ")
    if "grade_pct" in p:
        values["grade"] = number(p["grade_pct"], "0.#")
    if "at_km" in p:
        values["at"] = number(p["at_km"], "0.0")
    if "length_km" in p:
        values["length"] = number(p["length_km"], "0.0")
    if "ascent_m" in p:
        values["ascent"] = number(p["ascent_m"], "0")
    if "share_pct" in p:
        values["share"] = number(p["share_pct"], "0")
    template = MESSAGES.get(finding.code)
    if template is None:  # a code from a newer release: say what we can
        return finding.code.replace("_", " ")
    return translate(template) % values


def _places_text(
    places: Sequence[Sequence[float]], more: int, translate: Translate, number: FormatNumber
) -> str:
    """ "km 1.2-1.4, 3.0-3.1 and 2 more" (en dashes) in the chosen language."""
    ranges = translate(_LIST_SEPARATOR).join(
        f"{number(a, '0.0')}{_DASH}{number(b, '0.0')}" for a, b in places
    )
    if more > 0:
        return translate(_PLACES_MORE) % {"ranges": ranges, "more": number(more, "0")}
    return translate(_PLACES) % {"ranges": ranges}


class _Verdict:
    """Collects (level, finding) pairs; the worst level and its findings win."""

    def __init__(self) -> None:
        """Start with no finding."""
        self.findings: list[tuple[str, Finding]] = []

    def add(self, level: str, finding: Finding) -> None:
        """Record that a rule gives `level` because of `finding`."""
        self.findings.append((level, finding))

    def decided(self) -> bool:
        """True once any rule has given caution or unsuitable."""
        return any(_RANK[level] >= _RANK["caution"] for level, _ in self.findings)

    def result(
        self, default: str, default_findings: Sequence[Finding] = ()
    ) -> tuple[str, list[Finding]]:
        """The worst level recorded (or `default`) and its findings, each once."""
        if not self.findings:
            return default, list(default_findings)
        worst = max(self.findings, key=lambda f: _RANK[f[0]])[0]
        unique: dict[str, Finding] = {}
        for level, finding in self.findings:
            if level == worst:
                key = json.dumps(finding.to_json(), sort_keys=True)
                unique.setdefault(key, finding)
        return worst, list(unique.values())


Verdict = tuple[str, list[Finding]]


# --- the audiences -----------------------------------------------------------------


def _stroller(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Stroller: steps unsuitable; rough, poor or steep (> 12 %) caution; paved friendly."""
    v = _Verdict()
    _steps(v, segs, "unsuitable")
    _surfaces(v, segs, _unpaved(segs), "caution")  # sand/rock/grass and gravel/compacted/dirt
    _poor(v, segs, "caution")
    grade = facts.max_grade_pct
    if grade is not None and grade > STROLLER_CAUTION_GRADE_PCT:
        v.add("caution", _grade(facts))
    if v.decided():
        return v.result("unknown")
    return _paved_fallback(facts, segs, STROLLER_FRIENDLY_MAX_GRADE_PCT)


def _wheelchair(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Wheelchair: steps, > 8 % or sand/rock/grass/dirt unsuitable; gravel, poor, 5-8 % caution."""
    v = _Verdict()
    _steps(v, segs, "unsuitable")
    grade = facts.max_grade_pct
    if grade is not None and grade > WHEELCHAIR_UNSUITABLE_GRADE_PCT:
        v.add("unsuitable", _grade(facts))
    if not segs:  # without surfaces only an impassable grade decides
        if v.decided():
            return v.result("unknown")
        if grade is not None and grade > WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT:
            return "unknown", [Finding("no_surface_data"), _grade(facts)]
        return "unknown", [Finding("no_surface_data")]
    _surfaces(v, segs, WHEELCHAIR_IMPASSABLE, "unsuitable")
    _surfaces(v, segs, _unpaved(segs) - WHEELCHAIR_IMPASSABLE, "caution")  # gravel, compacted
    _poor(v, segs, "caution")
    if grade is not None and grade > WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT:
        v.add("caution", _grade(facts))
    if v.decided():
        return v.result("unknown")
    return _paved_fallback(facts, segs, WHEELCHAIR_FRIENDLY_MAX_GRADE_PCT)


def _beginners(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Beginners: > 15 km, > 800 m of climb, > 20 % grade or rated hard is caution."""
    v = _Verdict()
    if facts.length_m > BEGINNERS_MAX_LENGTH_M:
        v.add("caution", _length(facts.length_m))
    if facts.ascent_m is not None and facts.ascent_m > BEGINNERS_MAX_ASCENT_M:
        v.add("caution", _ascent(facts.ascent_m))
    if facts.max_grade_pct is not None and facts.max_grade_pct > BEGINNERS_MAX_GRADE_PCT:
        v.add("caution", _grade(facts))
    if facts.difficulty == "hard":
        v.add("caution", Finding("rated_hard"))
    return v.result("friendly", [_size(facts)])


def _kids(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Kids: > 20 km or > 1000 m unsuitable; > 10 km, > 500 m or > 20 % grade caution."""
    v = _Verdict()
    ascent = facts.ascent_m
    if facts.length_m > KIDS_UNSUITABLE_LENGTH_M:
        v.add("unsuitable", _length(facts.length_m))
    elif facts.length_m > KIDS_CAUTION_LENGTH_M:
        v.add("caution", _length(facts.length_m))
    if ascent is not None and ascent > KIDS_UNSUITABLE_ASCENT_M:
        v.add("unsuitable", _ascent(ascent))
    elif ascent is not None and ascent > KIDS_CAUTION_ASCENT_M:
        v.add("caution", _ascent(ascent))
    if facts.max_grade_pct is not None and facts.max_grade_pct > KIDS_CAUTION_GRADE_PCT:
        v.add("caution", _grade(facts))
    return v.result("friendly", [_size(facts)])


def _elderly(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Elderly: > 15 % grade, > 12 km, > 600 m of climb, steps or rock is caution."""
    v = _Verdict()
    if facts.max_grade_pct is not None and facts.max_grade_pct > ELDERLY_MAX_GRADE_PCT:
        v.add("caution", _grade(facts))
    if facts.length_m > ELDERLY_MAX_LENGTH_M:
        v.add("caution", _length(facts.length_m))
    if facts.ascent_m is not None and facts.ascent_m > ELDERLY_MAX_ASCENT_M:
        v.add("caution", _ascent(facts.ascent_m))
    _steps(v, segs, "caution")
    _surfaces(v, segs, frozenset({"rock"}), "caution")
    return v.result("friendly", [_size(facts)])


def _pets(facts: RouteFacts, segs: Sequence[SurfaceSegment]) -> Verdict:
    """Pets: nothing in the data says whether dogs are welcome, so always unknown."""
    return "unknown", [Finding("pets_unknown")]


# --- shared rules ------------------------------------------------------------------


def _steps(v: _Verdict, segs: Sequence[SurfaceSegment], level: str) -> None:
    """Add `level` when any segment is steps, naming where (km)."""
    found = [s for s in segs if s.surface == "steps"]
    if found:
        v.add(level, Finding("steps", _places(found)))


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
        v.add(level, Finding("surface", {"surface": surface, **_places(found)}))


def _poor(v: _Verdict, segs: Sequence[SurfaceSegment], level: str) -> None:
    """Add `level` when any segment is in poor condition, naming where (km)."""
    found = [s for s in segs if s.condition == "poor"]
    if found:
        v.add(level, Finding("poor_surface", _places(found)))


def _paved_fallback(
    facts: RouteFacts, segs: Sequence[SurfaceSegment], friendly_max_grade: float
) -> Verdict:
    """When no rule decided (all segments paved, good/fair): friendly if covered and gentle."""
    if not segs:
        return "unknown", [Finding("no_surface_data")]
    share = _covered_m(segs, facts.length_m) / facts.length_m if facts.length_m > 0 else 1.0
    if not _fully_covered(segs, facts.length_m):
        return "unknown", [Finding("surface_coverage", {"share_pct": round(share * 100)})]
    grade = facts.max_grade_pct
    if grade is None:
        return "unknown", [Finding("paved_grade_unknown")]
    if grade > friendly_max_grade:
        return "caution", [_grade(facts)]
    return "friendly", [Finding("paved_gentle", {"grade_pct": round(grade, 1)})]


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


# --- findings ------------------------------------------------------------------------


def _km(m: float) -> float:
    """Metres as kilometres rounded to one decimal, as shown: 2300 → 2.3."""
    return round(m / 1000, 1)


def _places(segs: Sequence[SurfaceSegment]) -> dict[str, Any]:
    """Where the segments lie: the first three as [start_km, end_km] and how many more."""
    return {
        "places": [[_km(s.start_m), _km(s.end_m)] for s in segs[:_MAX_PLACES]],
        "more": max(0, len(segs) - _MAX_PLACES),
    }


def _grade(facts: RouteFacts) -> Finding:
    """The steepest grade and where ("14 % grade at km 2.3"; no place when unknown)."""
    grade = round(facts.max_grade_pct or 0.0, 1)
    if facts.max_grade_at_m is None:
        return Finding("grade", {"grade_pct": grade})
    return Finding("grade_at", {"grade_pct": grade, "at_km": _km(facts.max_grade_at_m)})


def _length(length_m: float) -> Finding:
    """ "18.5 km long"."""
    return Finding("length", {"length_km": _km(length_m)})


def _ascent(ascent_m: float) -> Finding:
    """ "820 m of climb"."""
    return Finding("ascent", {"ascent_m": round(ascent_m)})


def _size(facts: RouteFacts) -> Finding:
    """The friendly case: "6.2 km, 180 m of climb" (climb left out when unknown)."""
    if facts.ascent_m is None:
        return Finding("size", {"length_km": _km(facts.length_m)})
    return Finding("size_ascent", {"length_km": _km(facts.length_m),
                                   "ascent_m": round(facts.ascent_m)})

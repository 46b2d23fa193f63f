"""Friendliness inference and manual override: pure functions, no database."""

from __future__ import annotations

import pytest

from geo_service.friendliness import (
    MESSAGES,
    Finding,
    Friendliness,
    RouteFacts,
    SurfaceSegment,
    describe,
    effective_friendliness,
    infer_friendliness,
)
from geo_service.vocabulary import AUDIENCES, LEVELS


def facts(
    length_m: float = 5000.0,
    ascent_m: float | None = 100.0,
    grade: float | None = 4.0,
    at_m: float | None = 2300.0,
    difficulty: str = "easy",
) -> RouteFacts:
    """A gentle 5 km route unless told otherwise."""
    return RouteFacts(length_m, ascent_m, grade, at_m, difficulty)


def paved(length_m: float = 5000.0, surface: str = "asphalt") -> list[SurfaceSegment]:
    """One good paved segment over the whole route."""
    return [SurfaceSegment(0.0, length_m, surface, "good")]


def with_(segment: SurfaceSegment, length_m: float = 5000.0) -> list[SurfaceSegment]:
    """Paved good except for `segment`."""
    out = []
    if segment.start_m > 0:
        out.append(SurfaceSegment(0.0, segment.start_m, "asphalt", "good"))
    out.append(segment)
    if segment.end_m < length_m:
        out.append(SurfaceSegment(segment.end_m, length_m, "concrete", "fair"))
    return out


def level(audience: str, f: RouteFacts, segs: list[SurfaceSegment]) -> Friendliness:
    """The inferred friendliness of one audience."""
    return infer_friendliness(f, segs)[audience]


# --- general -----------------------------------------------------------------------


def test_inference_gives_every_audience_a_known_level_marked_inferred():
    result = infer_friendliness(facts(), paved())
    assert list(result) == list(AUDIENCES)
    for f in result.values():
        assert f.level in LEVELS
        assert f.source == "inferred"


def test_a_gentle_fully_paved_route_is_friendly_for_everyone_but_pets():
    result = infer_friendliness(facts(grade=3.0), paved(surface="paving_stones"))
    for audience in ("kids", "elderly", "stroller", "wheelchair", "beginners"):
        assert result[audience].level == "friendly", audience
    assert result["pets"].level == "unknown"


def test_pets_are_always_unknown():
    assert level("pets", facts(), paved()).level == "unknown"
    assert level("pets", facts(length_m=30_000.0), []).level == "unknown"


# --- stroller ----------------------------------------------------------------------


def test_steps_make_a_route_unsuitable_for_a_stroller_and_say_where():
    f = level("stroller", facts(), with_(SurfaceSegment(1200.0, 1400.0, "steps", "good")))
    assert f.level == "unsuitable"
    assert f.reason == "steps at km 1.2\u20131.4"


@pytest.mark.parametrize("surface", ["sand", "rock", "grass"])
def test_rough_surfaces_mean_caution_for_a_stroller(surface):
    f = level("stroller", facts(), with_(SurfaceSegment(1000.0, 1500.0, surface, "good")))
    assert f.level == "caution"
    assert f.reason == f"{surface} at km 1.0\u20131.5"


def test_a_poor_surface_means_caution_for_a_stroller():
    f = level("stroller", facts(), with_(SurfaceSegment(2000.0, 2500.0, "asphalt", "poor")))
    assert f.level == "caution"
    assert f.reason == "poor surface at km 2.0\u20132.5"


def test_a_grade_over_12_percent_means_caution_for_a_stroller_even_without_surfaces():
    f = level("stroller", facts(grade=14.0, at_m=2300.0), [])
    assert f.level == "caution"
    assert f.reason == "14 % grade at km 2.3"


def test_a_paved_route_steeper_than_8_percent_is_not_friendly_for_a_stroller():
    f = level("stroller", facts(grade=10.0), paved())
    assert f.level == "caution"


def test_a_fully_paved_gentle_route_is_stroller_friendly():
    assert level("stroller", facts(grade=8.0), paved(surface="wood")).level == "friendly"


def test_no_surface_data_leaves_the_stroller_unknown():
    f = level("stroller", facts(grade=5.0), [])
    assert f.level == "unknown"
    assert f.reason == "no surface data"


def test_partial_gravel_means_caution_for_a_stroller():
    segs = [
        SurfaceSegment(0.0, 2000.0, "asphalt", "good"),
        SurfaceSegment(2000.0, 3000.0, "gravel", "good"),
    ]
    f = level("stroller", facts(), segs)
    assert f.level == "caution"
    assert f.reason == "gravel at km 2.0\u20133.0"


def test_a_partly_known_paved_route_is_unknown_for_a_stroller():
    f = level("stroller", facts(), [SurfaceSegment(0.0, 2500.0, "asphalt", "good")])
    assert f.level == "unknown"
    assert f.reason == "surface known for only 50 % of the route"


def test_an_unknown_grade_cannot_make_a_paved_route_friendly():
    f = level("stroller", facts(grade=None, at_m=None), paved())
    assert f.level == "unknown"


def test_steps_win_over_caution_reasons_for_a_stroller():
    segs = [
        SurfaceSegment(0.0, 1000.0, "sand", "good"),
        SurfaceSegment(1000.0, 1100.0, "steps", "good"),
        SurfaceSegment(1100.0, 5000.0, "asphalt", "good"),
    ]
    f = level("stroller", facts(grade=14.0), segs)
    assert f.level == "unsuitable"
    assert f.reason == "steps at km 1.0\u20131.1"


# --- wheelchair --------------------------------------------------------------------


def test_steps_make_a_route_unsuitable_for_a_wheelchair():
    f = level("wheelchair", facts(), with_(SurfaceSegment(1200.0, 1400.0, "steps", "good")))
    assert f.level == "unsuitable"
    assert "steps at km 1.2\u20131.4" in (f.reason or "")


def test_a_grade_over_8_percent_is_unsuitable_for_a_wheelchair_and_names_it():
    f = level("wheelchair", facts(grade=9.5, at_m=1800.0), paved())
    assert f.level == "unsuitable"
    assert f.reason == "9.5 % grade at km 1.8"


def test_a_steep_grade_makes_a_wheelchair_unsuitable_even_without_surface_data():
    assert level("wheelchair", facts(grade=12.0), []).level == "unsuitable"


@pytest.mark.parametrize("surface", ["sand", "rock", "grass", "dirt"])
def test_loose_or_natural_surfaces_are_unsuitable_for_a_wheelchair(surface):
    f = level("wheelchair", facts(), with_(SurfaceSegment(1000.0, 1500.0, surface, "good")))
    assert f.level == "unsuitable"


@pytest.mark.parametrize("surface", ["gravel", "compacted"])
def test_gravel_or_compacted_means_caution_for_a_wheelchair(surface):
    f = level("wheelchair", facts(), with_(SurfaceSegment(1000.0, 1500.0, surface, "good")))
    assert f.level == "caution"
    assert f.reason == f"{surface} at km 1.0\u20131.5"


def test_a_poor_surface_means_caution_for_a_wheelchair():
    f = level("wheelchair", facts(), with_(SurfaceSegment(0.0, 500.0, "concrete", "poor")))
    assert f.level == "caution"


def test_a_grade_between_5_and_8_percent_means_caution_for_a_wheelchair():
    f = level("wheelchair", facts(grade=6.0, at_m=400.0), paved())
    assert f.level == "caution"
    assert f.reason == "6 % grade at km 0.4"


def test_a_fully_paved_route_of_at_most_5_percent_is_wheelchair_friendly():
    assert level("wheelchair", facts(grade=5.0), paved()).level == "friendly"


def test_no_surface_data_leaves_the_wheelchair_unknown():
    assert level("wheelchair", facts(grade=3.0), []).level == "unknown"
    f = level("wheelchair", facts(grade=6.0, at_m=400.0), [])
    assert f.level == "unknown"
    assert f.reason == "no surface data; 6 % grade at km 0.4"


def test_reasons_at_the_worst_level_are_joined():
    segs = [
        SurfaceSegment(0.0, 1000.0, "asphalt", "good"),
        SurfaceSegment(1000.0, 1200.0, "steps", "good"),
        SurfaceSegment(1200.0, 5000.0, "dirt", "good"),
    ]
    f = level("wheelchair", facts(grade=14.0, at_m=2300.0), segs)
    assert f.level == "unsuitable"
    assert f.reason == "steps at km 1.0\u20131.2; 14 % grade at km 2.3; dirt at km 1.2\u20135.0"


# --- beginners, kids, elderly --------------------------------------------------------


def test_a_long_route_means_caution_for_beginners():
    f = level("beginners", facts(length_m=18_500.0), [])
    assert f.level == "caution"
    assert f.reason == "18.5 km long"


def test_much_climb_a_steep_grade_or_a_hard_rating_mean_caution_for_beginners():
    assert level("beginners", facts(ascent_m=820.0), []).reason == "820 m of climb"
    assert level("beginners", facts(grade=22.0, at_m=3100.0), []).level == "caution"
    f = level("beginners", facts(difficulty="hard"), [])
    assert f.level == "caution"
    assert f.reason == "rated hard"


def test_a_modest_route_is_friendly_for_beginners():
    f = level("beginners", facts(length_m=6200.0, ascent_m=180.0), [])
    assert f.level == "friendly"
    assert f.reason == "6.2 km, 180 m of climb"


def test_a_very_long_or_very_high_route_is_unsuitable_for_kids():
    assert level("kids", facts(length_m=21_000.0), []).level == "unsuitable"
    f = level("kids", facts(ascent_m=1100.0), [])
    assert f.level == "unsuitable"
    assert f.reason == "1100 m of climb"


def test_a_long_high_or_steep_route_means_caution_for_kids():
    assert level("kids", facts(length_m=12_000.0), []).level == "caution"
    assert level("kids", facts(ascent_m=600.0), []).level == "caution"
    assert level("kids", facts(grade=21.0), []).level == "caution"
    assert level("kids", facts(), []).level == "friendly"


def test_unknown_ascent_and_grade_are_no_evidence():
    f = level("kids", facts(ascent_m=None, grade=None, at_m=None), [])
    assert f.level == "friendly"
    assert f.reason == "5.0 km"


@pytest.mark.parametrize(
    ("f", "segs"),
    [
        (facts(grade=16.0), []),
        (facts(length_m=13_000.0), []),
        (facts(ascent_m=650.0), []),
        (facts(), with_(SurfaceSegment(100.0, 200.0, "steps", "good"))),
        (facts(), with_(SurfaceSegment(100.0, 900.0, "rock", "good"))),
    ],
)
def test_steep_long_high_steps_or_rock_mean_caution_for_the_elderly(f, segs):
    assert level("elderly", f, segs).level == "caution"


def test_a_gentle_route_is_friendly_for_the_elderly():
    assert level("elderly", facts(), paved()).level == "friendly"


# --- manual override ---------------------------------------------------------------


def test_a_manual_level_wins_over_the_inferred_one():
    inferred = infer_friendliness(facts(), with_(SurfaceSegment(1200.0, 1400.0, "steps", "good")))
    result = effective_friendliness(inferred, {"stroller": ("caution", "a ramp beside the steps")})
    assert result["stroller"] == Friendliness("caution", "manual", "a ramp beside the steps")
    assert result["wheelchair"] == inferred["wheelchair"]


def test_clearing_the_manual_level_falls_back_to_the_inferred_one():
    inferred = infer_friendliness(facts(), paved())
    result = effective_friendliness(inferred, {})
    assert result == inferred
    assert all(f.source == "inferred" for f in result.values())


def test_a_manual_level_outside_the_vocabulary_is_refused():
    inferred = infer_friendliness(facts(), paved())
    with pytest.raises(ValueError):
        effective_friendliness(inferred, {"kids": ("great", None)})
    with pytest.raises(ValueError):
        effective_friendliness(inferred, {"cats": ("friendly", None)})


# --- findings and their wording ------------------------------------------------------


def test_the_reason_is_written_from_findings_that_survive_json():
    segs = [SurfaceSegment(a, a + 100.0, "steps", "good") for a in range(0, 5000, 1000)]
    f = level("stroller", facts(), segs)
    assert f.findings == (
        Finding("steps", {"places": [[0.0, 0.1], [1.0, 1.1], [2.0, 2.1]], "more": 2}),)
    assert f.reason == "steps at km 0.0\u20130.1, 1.0\u20131.1, 2.0\u20132.1 and 2 more"
    stored = [finding.to_json() for finding in f.findings]
    assert describe(Finding.from_json(j) for j in stored) == f.reason


def test_every_inferred_reason_has_findings_with_a_known_message():
    cases = [
        (facts(), []),
        (facts(length_m=21_000.0, ascent_m=1100.0, grade=22.0, difficulty="hard"), []),
        (facts(grade=None, at_m=None), paved()),
        (facts(), [SurfaceSegment(0.0, 2500.0, "asphalt", "good")]),
        (facts(grade=9.0, at_m=None), with_(SurfaceSegment(100.0, 900.0, "gravel", "poor"))),
    ]
    for f, segs in cases:
        for audience, result in infer_friendliness(f, segs).items():
            assert result.findings, audience
            assert all(finding.code in MESSAGES for finding in result.findings)
            assert result.reason == describe(result.findings)


def test_findings_are_worded_through_the_given_translation_and_number_format():
    catalogue = {
        "%(grade)s %% grade at km %(at)s": "坡度 %(grade)s %%\uff08%(at)s 公里处\uff09",
        "%(surface)s at %(places)s": "%(places)s为%(surface)s",
        "km %(ranges)s": "%(ranges)s 公里处",
        "gravel": "碎石路",
        ", ": "、",
        "; ": "\uff1b",
    }
    findings = [
        Finding("grade_at", {"grade_pct": 14.0, "at_km": 2.3}),
        Finding("surface", {"surface": "gravel", "places": [[1.0, 1.5], [3.0, 3.2]], "more": 0}),
    ]
    seen: list[tuple[float, str]] = []

    def number(value: float, pattern: str) -> str:
        seen.append((value, pattern))
        return f"<{value}>"

    text = describe(findings, lambda m: catalogue.get(m, m), number)
    assert text == "坡度 <14.0> %\uff08<2.3> 公里处\uff09\uff1b<1.0>\u2013<1.5>、<3.0>\u2013<3.2> 公里处为碎石路"
    assert (14.0, "0.#") in seen and (2.3, "0.0") in seen
    assert describe([]) is None

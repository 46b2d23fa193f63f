"""Words of the domain (vocabulary.py) as people read them, in the current language.

Each function translates at call time (Flask-Babel; the English text outside an app),
so the same code serves zh-CN and English pages. The literal strings are what
`pybabel extract` collects; keep them literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo_service.friendliness import Finding, describe
from geo_service.i18n import format_number
from geo_service.i18n import gettext as _


def surface_label(surface: str | None) -> str:
    """A surface word (OSM surface=* or "steps"); unknown or None reads "Unknown"."""
    labels = {
        "asphalt": _("Asphalt"),
        "concrete": _("Concrete"),
        "paving_stones": _("Paving stones"),
        "wood": _("Boardwalk"),
        "compacted": _("Compacted"),
        "gravel": _("Gravel"),
        "dirt": _("Dirt"),
        "grass": _("Grass"),
        "sand": _("Sand"),
        "rock": _("Rock"),
        "steps": _("Steps"),
    }
    return labels.get(surface or "", _("Unknown surface"))


def condition_label(condition: str | None) -> str:
    """good / fair / poor as a phrase; "" when unknown."""
    labels = {
        "good": _("good condition"),
        "fair": _("fair condition"),
        "poor": _("poor condition"),
    }
    return labels.get(condition or "", "")


def difficulty_label(difficulty: str | None) -> str:
    """easy / moderate / hard; "" when unknown."""
    labels = {"easy": _("Easy"), "moderate": _("Moderate"), "hard": _("Hard")}
    return labels.get(difficulty or "", "")


def audience_label(audience: str) -> str:
    """Who a friendliness level is for; the word itself when unknown."""
    labels = {
        "kids": _("Kids"),
        "elderly": _("Elderly"),
        "stroller": _("Strollers"),
        "wheelchair": _("Wheelchairs"),
        "pets": _("Pets"),
        "beginners": _("Beginners"),
    }
    return labels.get(audience, audience)


def level_label(level: str | None) -> str:
    """friendly / caution / unsuitable / unknown."""
    labels = {
        "friendly": _("Friendly"),
        "caution": _("Caution"),
        "unsuitable": _("Unsuitable"),
    }
    return labels.get(level or "", _("Unknown"))


def venue_type_label(venue_type: str | None) -> str:
    """The kind of place; "" when unknown."""
    labels = {
        "cafe": _("Café"),
        "community_room": _("Community room"),
        "bookstore": _("Bookstore"),
        "park_pavilion": _("Park pavilion"),
        "coworking": _("Co-working space"),
        "sports_ground": _("Sports ground"),
        "trailhead": _("Trailhead"),
        "restaurant": _("Restaurant"),
        "library": _("Library"),
        "tea_house": _("Tea house"),
    }
    return labels.get(venue_type or "", "")


def amenity_label(amenity: str) -> str:
    """What a venue offers; the word itself when unknown."""
    labels = {
        "wifi": _("Wi-Fi"),
        "projector": _("Projector"),
        "power": _("Power sockets"),
        "toilets": _("Toilets"),
        "water": _("Drinking water"),
        "parking": _("Parking"),
        "wheelchair_access": _("Wheelchair access"),
        "shelter": _("Shelter"),
    }
    return labels.get(amenity, amenity)


def friendliness_reason(entry: Mapping[str, Any]) -> str:
    """Why an audience has its level (an entry of a route's `friendliness`), for reading.

    Findings (`reasons`) are worded in the current language with its number format;
    a reason in a person's own words (`reasons` is None) is shown as given.
    """
    findings = entry.get("reasons")
    if findings is None:
        return str(entry.get("reason") or "")
    return describe((Finding.from_json(f) for f in findings), _, format_number) or ""

"""The words of the domain (PRODUCT.md), shared by validation, inference and pages."""

from __future__ import annotations

from typing import Final

AUDIENCES: Final = ("kids", "elderly", "stroller", "wheelchair", "pets", "beginners")
LEVELS: Final = ("friendly", "caution", "unsuitable", "unknown")
SOURCES: Final = ("manual", "inferred")
DIFFICULTIES: Final = ("easy", "moderate", "hard")

# OpenStreetMap surface=* values we accept, plus highway=steps as "steps".
SURFACES: Final = (
    "asphalt",
    "concrete",
    "paving_stones",
    "wood",
    "compacted",
    "gravel",
    "dirt",
    "grass",
    "sand",
    "rock",
    "steps",
)
PAVED_SURFACES: Final = frozenset({"asphalt", "concrete", "paving_stones", "wood"})
CONDITIONS: Final = ("good", "fair", "poor")
ROLES: Final = ("admin", "organizer", "member")

# Venues (PRODUCT.md): what kind of place, and what it offers.
VENUE_TYPES: Final = (
    "cafe",
    "community_room",
    "bookstore",
    "park_pavilion",
    "coworking",
    "sports_ground",
    "trailhead",
    "restaurant",
    "library",
    "tea_house",
)
AMENITIES: Final = (
    "wifi",
    "projector",
    "power",
    "toilets",
    "water",
    "parking",
    "wheelchair_access",
    "shelter",
)
ORGANIZATION_KINDS: Final = ("community", "partner")

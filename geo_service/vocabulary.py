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

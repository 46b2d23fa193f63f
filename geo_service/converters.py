"""URL converters."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive id that fits PostgreSQL's integer; others are a 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        """Bound the accepted ids to 1..2^31-1."""
        super().__init__(url_map, min=1, max=2**31 - 1)

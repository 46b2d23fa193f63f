"""Exceptions of the importers: one hierarchy, each carrying a machine code.

The API maps `status` straight to the HTTP status; the CLI prints `str(exc)`.
The underlying parser error, if any, is chained as `__cause__`.
"""

from __future__ import annotations

from typing import Any


class RejectedFile(Exception):
    """Base class: a file that cannot become a route (or venue list)."""

    code = "invalid_file"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotXmlError(RejectedFile):
    """The bytes are not well-formed XML."""

    code = "malformed_xml"


class ForbiddenXmlError(RejectedFile):
    """The XML declares a DTD or entities, which we never expand."""

    code = "forbidden_xml"


class NotGpxError(RejectedFile):
    """Well-formed XML, but not GPX."""

    code = "not_gpx"


class InvalidCoordinateError(RejectedFile):
    """A latitude or longitude is missing, not a number or out of range."""

    code = "invalid_coordinates"
    status = 422


class NoPointsError(RejectedFile):
    """The GPX holds no track or route point to make a line from."""

    code = "no_points"
    status = 422


class DuplicateFileError(RejectedFile):
    """The same bytes were imported before; `existing_id` names that route."""

    code = "duplicate"
    status = 409

    def __init__(self, existing_id: int) -> None:
        super().__init__(
            f"This file was already uploaded as route {existing_id}.", existing_id=existing_id
        )
        self.existing_id = existing_id


class TooLargeError(RejectedFile):
    """The file is over the configured size limit."""

    code = "too_large"
    status = 413


class UnreadableVenueFile(RejectedFile):
    """A venue file that cannot be read at all: not UTF-8, empty, or the wrong shape."""

    code = "unreadable_file"
    status = 400

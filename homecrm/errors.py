"""Errors the services raise for bad input; every entry point turns them into a clear message."""

from __future__ import annotations


class HomecrmError(Exception):
    """Base class of errors meant for the user (already translated, one sentence)."""


class ValidationError(HomecrmError):
    """Bad input. ``field`` names the field (or row) at fault when there is one.

    ``errors`` maps several field names to their message when a whole form was checked.
    """

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.errors = dict(errors or ({field: message} if field else {}))


class NotFoundError(HomecrmError):
    """The record asked for does not exist."""


class ConflictError(HomecrmError):
    """The action contradicts the current state (e.g. deleting an issued document)."""

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


def check_version(record, expected: str | None) -> None:
    """Optimistic lock: refuse to save over a change made since the form was opened."""
    from homecrm.i18n import _

    if expected is not None and version_of(record) != expected:
        raise ConflictError(
            _("This record was changed by someone else since you opened it: close it, open it again to see that "
              "change, then redo yours.")
        )


def version_of(record) -> str:
    """The token a form keeps to detect concurrent changes (the record's last update time)."""
    stamp = getattr(record, "updated_at", None)
    return stamp.isoformat() if stamp else ""

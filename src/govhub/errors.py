"""The errors the rules raise. Plain Python: the web layer turns each into a response.

A rule, a job or the CLI raises these; :mod:`govhub.web.errors` maps them to pages and JSON.
"""

from __future__ import annotations

__all__ = ["Conflict", "DomainError", "FormError", "NotFound", "Refused"]


class DomainError(Exception):
    """Something the user asked for that the rules do not allow; ``message`` says why."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Absent, or not visible to this person: the two look the same (a 404)."""


class Conflict(DomainError):
    """The record changed under the request (another person acted first): a 409."""


class Refused(DomainError):
    """The rules forbid this change as things stand (a board with meetings cannot be deleted)."""


class FormError(DomainError):
    """Field name -> message, for the error summary and the messages next to fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors

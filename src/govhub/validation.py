"""Turning form text into values, with messages in the GOV.UK style when it cannot.

Plain Python: the rules, jobs, CLI and web layer all read their input through these."""

from __future__ import annotations

import datetime as dt
import re

from email_validator import EmailNotValidError, validate_email

from govhub.errors import FormError
from govhub.i18n import gettext

MAX_ID = 2**31 - 1
"""The largest id a ``serial`` primary key holds (PostgreSQL ``integer``)."""

__all__ = [
    "MAX_ID",
    "FormError",
    "check_lengths",
    "column_limit",
    "parse_date",
    "parse_id",
    "parse_time",
    "require",
    "slugify",
    "valid_email",
    "valid_url",
    "whole_number",
]


def require(
    values: dict[str, str],
    errors: dict[str, str],
    field: str,
    message: str,
    max_length: int = 200,
    *,
    column: object = None,
) -> str:
    """The field's text, with ``message`` next to it when empty or too long (for its
    ``column``, when given, else for ``max_length``)."""
    if column is not None:
        max_length = column_limit(column)
    value = values.get(field, "").strip()
    if not value:
        errors[field] = message
    elif len(value) > max_length:
        errors[field] = f"{message.replace('Enter', 'Shorten')} to {max_length} characters or fewer"
    return value


def column_limit(column: object) -> int:
    """How many characters a ``Varchar`` column holds: the one place a field's limit is said."""
    length = getattr(column, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column!r} has no length")
    return length


def check_lengths(values: dict[str, str], errors: dict[str, str], columns: dict) -> None:
    """A message next to each field (in ``columns``, name to its ``Varchar`` column) whose text
    is longer than its column holds, unless the field already has one. What was typed is kept:
    the form shows ``values`` again."""
    for field, column in columns.items():
        limit = column_limit(column)
        if field not in errors and len((values.get(field) or "").strip()) > limit:
            errors[field] = gettext("Shorten this to {limit} characters or fewer").format(
                limit=limit
            )


def whole_number(text: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` when it is one. ASCII digits only:
    ``"²".isdigit()`` is true and ``int("²")`` fails; ``int`` refuses a 5,000-digit number."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(text: object) -> int | None:
    """A row id typed or chosen in a form, or None when no row can have it."""
    return whole_number(text, 1, MAX_ID)


def valid_email(value: str) -> bool:
    """Exactly one plain address (``name@example.org``), at most 254 characters.

    No display name (``Name <a@b.org>``), no second address after a comma, semicolon or line
    break, no quoted or bracketed parts: what is typed here ends up in a ``To:`` header.
    ASCII only, so every mail relay can deliver it. The domain is not looked up."""
    if len(value) > 254:
        return False
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def valid_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and " " not in value and len(value) <= 300


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


def parse_date(
    value: str, errors: dict[str, str], field: str, label: str, required: bool = True
) -> dt.date | None:
    """A date typed as YYYY-MM-DD (what <input type=date> sends) or DD/MM/YYYY."""
    value = value.strip()
    if not value:
        if required:
            errors[field] = f"Enter the {label}"
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"):
        try:
            parsed = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2200:
            break
        return parsed
    errors[field] = f"The {label} must be a real date, like 31/3/2027"
    return None


def parse_time(
    value: str, errors: dict[str, str], field: str, label: str, example: str = "10:00"
) -> dt.time | None:
    """A time of day typed as 18:00, 18.00, 1800, 6pm or 6:30pm."""
    value = value.strip()
    if not value:
        errors[field] = f"Enter the {label}, like {example}"
        return None
    for pattern in ("%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p", "%H%M"):
        try:
            return dt.datetime.strptime(value.replace(" ", "").upper(), pattern).time()
        except ValueError:
            continue
    errors[field] = f"The {label} must be a real time, like {example} or 6pm"
    return None

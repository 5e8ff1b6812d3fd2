"""Turning form text into values, with messages in the GOV.UK style when it cannot.

Plain Python: the rules, jobs, CLI and web layer all read their input through these."""

from __future__ import annotations

import datetime as dt
import re

from govhub.errors import FormError

__all__ = [
    "FormError",
    "parse_date",
    "parse_time",
    "require",
    "slugify",
    "valid_email",
    "valid_url",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require(
    values: dict[str, str], errors: dict[str, str], field: str, message: str, max_length: int = 200
) -> str:
    value = values.get(field, "").strip()
    if not value:
        errors[field] = message
    elif len(value) > max_length:
        errors[field] = f"{message.replace('Enter', 'Shorten')} to {max_length} characters or fewer"
    return value


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value)) and len(value) <= 254


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

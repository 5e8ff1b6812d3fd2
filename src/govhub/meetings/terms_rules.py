"""Terms of reference as text: the fields of a version, the quorum in words, and checking what
a secretary typed into a draft. Pure rules, no database (the services are in
:mod:`govhub.meetings.terms`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govhub.governance.tables import Role, Sector
from govhub.meetings.quorum import format_sector_minimums, parse_sector_minimums, sector_name
from govhub.meetings.tables import TermsOfReference
from govhub.validation import FormError, column_limit, parse_date, whole_number

__all__ = [
    "COPIED",
    "EDITABLE",
    "FIELDS",
    "FORM_FIELDS",
    "SECTOR_FIELDS",
    "TEXT_LIMITS",
    "clean_approval",
    "clean_terms",
    "describe_quorum",
    "field_text",
    "next_version_number",
    "required_roles",
    "values_for_form",
]

# The fields a version holds, in reading order, with their labels; "quorum" stands for the
# four quorum columns, read as one sentence.
FIELDS: tuple[tuple[str, str], ...] = (
    ("purpose", "Purpose"),
    ("membership", "Membership"),
    ("quorum", "Quorum"),
    ("meeting_frequency", "How often it meets"),
    ("reporting", "Reporting"),
    ("decision_making", "How decisions are made"),
    ("review_date", "Review date"),
)
TEXT_LIMITS = {
    "purpose": 5000,
    "membership": 5000,
    "meeting_frequency": column_limit(TermsOfReference.meeting_frequency),
    "reporting": 2000,
    "decision_making": 5000,
}
EDITABLE = (*TEXT_LIMITS, "quorum_members", "quorum_min_organisations", "review_date")
# The draft form asks for each sector's minimum in a box of its own; stored as one column.
SECTOR_FIELDS = {sector.value: f"quorum_sector_{sector.value}" for sector in Sector}
FORM_FIELDS = (*EDITABLE, *SECTOR_FIELDS.values())  # what the draft form sends as text
# What a new draft takes from the version before.
COPIED = (*EDITABLE, "quorum_required_roles", "quorum_sectors")


# Pure rules


def required_roles(tor: Any) -> list[Role]:
    """The roles of which at least one must be present, in the members list's order."""
    named = {part.strip() for part in (tor.quorum_required_roles or "").split(",")}
    return [role for role in Role if role.value in named]


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _both(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def describe_quorum(tor: Any) -> str:
    """The quorum in words: "5 members from at least 3 organisations, with at least 1 from the
    voluntary and community sector, including the chair or vice-chair"."""
    members = tor.quorum_members
    text = f"{members} {'member' if members == 1 else 'members'}"
    if orgs := tor.quorum_min_organisations:
        text += f" from at least {orgs} {'organisation' if orgs == 1 else 'organisations'}"
    if sectors := parse_sector_minimums(tor.quorum_sectors):
        text += ", with at least " + _both([f"{n} from {sector_name(s)}" for s, n in sectors])
    if roles := required_roles(tor):
        text += ", including the " + _either([role.label.lower() for role in roles])
    return text


def next_version_number(numbers: Iterable[int]) -> int:
    """Versions count up from 1 per body, never reusing a number."""
    return max(numbers, default=0) + 1


def _whole_number(text: str) -> int | None:
    return whole_number(text)


def clean_terms(values: Mapping[str, str], roles: Sequence[str]) -> dict[str, Any]:
    """The draft's columns from what was typed, or :class:`FormError` with a message per field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        # Browsers send line breaks as CRLF; keep one form so versions compare cleanly.
        clean[name] = values.get(name, "").replace("\r\n", "\n").strip()
        if len(clean[name]) > limit:
            errors[name] = f"Shorten this to {limit} characters or fewer"
    if not clean["purpose"] and "purpose" not in errors:
        errors["purpose"] = "Enter the body's purpose"

    typed = values.get("quorum_members", "").strip()
    members = _whole_number(typed)
    if not typed:
        errors["quorum_members"] = "Enter how many members make a quorum"
    elif members is None:
        errors["quorum_members"] = "Enter the quorum as a whole number, like 5"
    elif not 1 <= members <= 100:
        errors["quorum_members"] = "The quorum must be between 1 and 100 members"
    clean["quorum_members"] = members

    typed = values.get("quorum_min_organisations", "").strip()
    orgs = _whole_number(typed)
    if typed and orgs is None:
        errors["quorum_min_organisations"] = "Enter the number of organisations as a whole number"
    elif orgs is not None and not 1 <= orgs <= 50:
        errors["quorum_min_organisations"] = "The number of organisations must be between 1 and 50"
    elif orgs is not None and members is not None and orgs > members:
        errors["quorum_min_organisations"] = (
            "The number of organisations cannot be more than the number of members in the quorum"
        )
    clean["quorum_min_organisations"] = orgs

    clean["quorum_sectors"] = _clean_sectors(values, members, errors)

    known = {role.value for role in Role}
    if any(role not in known for role in roles):
        errors["quorum_required_roles"] = "Choose roles from the list"
    clean["quorum_required_roles"] = ",".join(r.value for r in Role if r.value in set(roles))

    clean["review_date"] = parse_date(
        values.get("review_date", ""), errors, "review_date", "review date", required=False
    )
    if errors:
        raise FormError(errors)
    return clean


def _clean_sectors(values: Mapping[str, str], members: int | None, errors: dict) -> str:
    """The sector minimums typed, one box per sector, as stored ("voluntary:1,nhs:2")."""
    minimums: list[tuple[str, int]] = []
    for sector, name in SECTOR_FIELDS.items():
        typed = values.get(name, "").strip()
        number = _whole_number(typed)
        where = sector_name(sector)
        if typed and number is None:
            errors[name] = f"Enter the members needed from {where} as a whole number, like 1"
        elif number is not None and number > 100:
            errors[name] = f"The members needed from {where} must be between 0 and 100"
        elif number:
            minimums.append((sector, number))
    total = sum(n for _, n in minimums)
    if members is not None and total > members and not errors.keys() & SECTOR_FIELDS.values():
        errors[SECTOR_FIELDS[minimums[0][0]]] = (
            f"The members needed from each sector add up to {total}, more than the {members} "
            "needed for a quorum"
        )
    return format_sector_minimums(minimums)


def clean_approval(
    values: Mapping[str, str], today: dt.date, meeting_ids: Iterable[int]
) -> tuple[dt.date, int | None]:
    """(approved on, approving meeting) from the approval form, or :class:`FormError`."""
    errors: dict[str, str] = {}
    approved_on = parse_date(values.get("approved_on", ""), errors, "approved_on", "approval date")
    if approved_on and approved_on > today:
        errors["approved_on"] = "The approval date must be today or in the past"
    typed = values.get("approved_at", "").strip()
    meeting_id = _whole_number(typed)
    if typed and meeting_id not in set(meeting_ids):
        errors["approved_at"] = "Choose one of this body's meetings, or none"
    if errors:
        raise FormError(errors)
    assert approved_on is not None
    return approved_on, meeting_id


def field_text(tor: Any, name: str) -> str:
    """A field as a reader sees it: the quorum in words, the review date spelled out."""
    if name == "quorum":
        return describe_quorum(tor)
    if name == "review_date":
        date = tor.review_date
        return f"{date.day} {date:%B %Y}" if date else "Not set"
    return getattr(tor, name) or ""


def values_for_form(tor: Any) -> tuple[dict[str, str], list[str]]:
    """A version's fields as the draft form shows them, and its required roles."""
    values = {
        name: "" if getattr(tor, name) is None else str(getattr(tor, name)) for name in EDITABLE
    }
    for sector, number in parse_sector_minimums(tor.quorum_sectors):
        values[SECTOR_FIELDS[sector]] = str(number)
    return values, [role.value for role in required_roles(tor)]


# Reading

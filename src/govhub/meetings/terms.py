"""Terms of reference: versions of a body's rules, drafted, approved, then superseded.

A body has at most one draft at a time and at most one approved version; approving a draft
supersedes the version before it in the same transaction. The pure rules (describing a quorum,
checking a draft) come first; the services follow. Comparing two versions is in
:mod:`govhub.meetings.terms_diff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govhub import clock
from govhub.audit.services import record, snapshot
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, Role, Sector
from govhub.meetings.quorum import format_sector_minimums, parse_sector_minimums, sector_name
from govhub.meetings.tables import Meeting, MeetingStatus, TermsOfReference, TorState
from govhub.validation import FormError, parse_date

__all__ = [
    "EDITABLE",
    "FIELDS",
    "FORM_FIELDS",
    "SECTOR_FIELDS",
    "ReviewDue",
    "TermsSummary",
    "approvable_meetings",
    "approve_draft",
    "clean_approval",
    "clean_terms",
    "current_terms",
    "describe_quorum",
    "draft_of",
    "field_text",
    "next_version_number",
    "required_roles",
    "reviews_due",
    "save_draft",
    "starting_point",
    "terms_summary",
    "values_for_form",
    "version_of",
    "versions_of",
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
    "meeting_frequency": 200,
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
    return int(text) if text.isascii() and text.isdigit() else None


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


def _db():
    return TermsOfReference._meta.db


async def current_terms(body_id: int) -> TermsOfReference | None:
    """The version in force: the approved one (None before any is approved)."""
    return (
        await TermsOfReference.objects(TermsOfReference.approved_at)
        .where((TermsOfReference.body == body_id) & (TermsOfReference.state == TorState.approved))
        .order_by(TermsOfReference.version, ascending=False)
        .first()
    )


async def draft_of(body_id: int) -> TermsOfReference | None:
    return (
        await TermsOfReference.objects()
        .where((TermsOfReference.body == body_id) & (TermsOfReference.state == TorState.draft))
        .first()
    )


async def versions_of(body_id: int, with_drafts: bool = False) -> list[TermsOfReference]:
    """Every version, newest first, with the approving meeting loaded."""
    where = TermsOfReference.body == body_id
    if not with_drafts:
        where &= TermsOfReference.state != TorState.draft
    return (
        await TermsOfReference.objects(TermsOfReference.approved_at)
        .where(where)
        .order_by(TermsOfReference.version, ascending=False)
    )


async def version_of(
    body_id: int, number: int, with_drafts: bool = False
) -> TermsOfReference | None:
    return next((v for v in await versions_of(body_id, with_drafts) if v.version == number), None)


async def starting_point(body_id: int) -> TermsOfReference | None:
    """What a new draft is copied from: the approved version, else the latest."""
    current = await current_terms(body_id)
    if current is not None:
        return current
    versions = await versions_of(body_id, with_drafts=True)
    return versions[0] if versions else None


async def approvable_meetings(body_id: int) -> list[Meeting]:
    """The body's meetings that could have approved a version, most recent first."""
    return (
        await Meeting.objects()
        .where((Meeting.body == body_id) & (Meeting.status != MeetingStatus.cancelled))
        .order_by(Meeting.starts_at, ascending=False)
    )


@dataclass(frozen=True)
class TermsSummary:
    """What a body's page says about its terms of reference."""

    version: int
    quorum: str
    review_date: dt.date | None


async def terms_summary(body_id: int) -> TermsSummary | None:
    tor = await current_terms(body_id)
    if tor is None:
        return None
    return TermsSummary(tor.version, describe_quorum(tor), tor.review_date)


@dataclass(frozen=True)
class ReviewDue:
    body: Body
    version: int
    review_date: dt.date
    today: dt.date

    @property
    def is_overdue(self) -> bool:
        return self.review_date < self.today


async def reviews_due(body_ids: Iterable[int], within_days: int = 60) -> list[ReviewDue]:
    """Approved versions whose review date is within ``within_days`` of today, or past."""
    ids = list(body_ids)
    if not ids:
        return []
    today = clock.today()
    rows = (
        await TermsOfReference.objects(TermsOfReference.body)
        .where(
            TermsOfReference.body.is_in(ids)
            & (TermsOfReference.state == TorState.approved)
            & (TermsOfReference.review_date <= today + dt.timedelta(days=within_days))
        )
        .order_by(TermsOfReference.review_date)
    )
    return [ReviewDue(row.body, row.version, row.review_date, today) for row in rows]


# Changing


async def save_draft(
    actor: Principal, body: Body, values: Mapping[str, str], roles: Sequence[str]
) -> TermsOfReference:
    """Save the body's draft; with none, start one copied from the version in force.

    Approved and superseded versions are never changed: editing them means a new draft.
    """
    clean = clean_terms(values, roles)
    async with _db().transaction():
        draft = await draft_of(body.id)
        before = snapshot(draft) if draft else None
        if draft is None:
            source = await starting_point(body.id)
            numbers = await TermsOfReference.select(TermsOfReference.version).where(
                TermsOfReference.body == body.id
            )
            draft = TermsOfReference(
                body=body.id,
                version=next_version_number(r["version"] for r in numbers),
                state=TorState.draft,
                created_by=actor.user_id,
                **({name: getattr(source, name) for name in COPIED} if source else {}),
            )
        for name, value in clean.items():
            setattr(draft, name, value)
        await draft.save()
        await record(
            actor,
            "terms.draft_updated" if before else "terms.draft_created",
            draft,
            body_id=body.id,
            summary=f"Terms of reference version {draft.version} "
            + ("updated" if before else "drafted"),
            before=before,
            after=snapshot(draft),
        )
    return draft


async def approve_draft(actor: Principal, body: Body, values: Mapping[str, str]) -> None:
    """Approve the draft; the version it replaces becomes superseded."""
    meetings = await approvable_meetings(body.id)
    approved_on, meeting_id = clean_approval(values, clock.today(), (m.id for m in meetings))
    async with _db().transaction():
        draft = await draft_of(body.id)
        if draft is None:
            raise FormError({"approved_on": "There is no draft to approve"})
        previous = await TermsOfReference.objects().where(
            (TermsOfReference.body == body.id) & (TermsOfReference.state == TorState.approved)
        )
        for old in previous:
            old_before = snapshot(old)
            old.state = TorState.superseded
            await old.save([TermsOfReference.state])
            await record(
                actor,
                "terms.superseded",
                old,
                body_id=body.id,
                summary=f"Version {old.version} superseded by version {draft.version}",
                before=old_before,
                after=snapshot(old),
            )
        before = snapshot(draft)
        draft.state, draft.approved_on, draft.approved_at = (
            TorState.approved,
            approved_on,
            meeting_id,
        )
        await draft.save()
        await record(
            actor,
            "terms.approved",
            draft,
            body_id=body.id,
            summary=f"Terms of reference version {draft.version} approved",
            before=before,
            after=snapshot(draft),
        )

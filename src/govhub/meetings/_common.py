"""What the attendance, minutes and actions modules share: ids, form numbers, minutes state."""

from __future__ import annotations

from piccolo.table import Table

from govhub import db as database
from govhub.audit import services as audit
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.governance.tables import Membership
from govhub.meetings.tables import Meeting, MinutesState
from govhub.validation import FormError, whole_number

__all__ = [
    "add_to_minutes",
    "check_minutes_open",
    "db",
    "id_of",
    "int_or_none",
    "mark_minutes_drafted",
    "org_id",
    "reread_locked",
]


def db():
    return Meeting._meta.db


def id_of(value) -> int | None:
    return getattr(value, "id", value)


def int_or_none(value) -> int | None:
    return whole_number(value)


def org_id(membership: Membership) -> int | None:
    org = membership.organisation
    return getattr(org, "id", None) if org is not None else None


async def reread_locked(meeting: Meeting) -> Meeting:
    """Inside a state change's transaction: the meeting as it is now, locked until commit.

    A state change decides on this row, never on one read before its transaction began (two
    secretaries acting at once would both see the old state and both win). The caller's
    object is brought up to date too, so what it renders afterwards is what was saved.
    """
    query = Meeting.objects().where(Meeting.id == meeting.id)
    fresh = await database.for_update(query, Meeting).first()
    if fresh is None:
        raise NotFound()
    for column in Meeting._meta.columns:
        name = column._meta.name
        if name != "body" or not hasattr(meeting.body, "id"):  # keep a loaded body
            setattr(meeting, name, getattr(fresh, name))
    return meeting


def check_minutes_open(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.approved:
        raise FormError({"minutes": "These minutes have been approved and can no longer change"})


async def add_to_minutes(actor: Principal, meeting: Meeting, row: Table, action: str, summary: str):
    """Save a new part of the minutes (a decision, declaration or action) in one transaction,
    the minutes becoming a draft, with its audit entry (``action``, e.g. "decision.added")."""
    async with db().transaction():
        await row.save()
        await mark_minutes_drafted(meeting)
        await audit.record(
            actor,
            action,
            row,
            body_id=id_of(meeting.body),
            summary=summary,
            after=audit.snapshot(row),
        )
    return row


async def mark_minutes_drafted(meeting: Meeting) -> None:
    """Anything written makes the minutes a draft (call inside the writing transaction)."""
    if meeting.minutes_state in (None, "", MinutesState.none):
        meeting.minutes_state = MinutesState.draft
        await meeting.save([Meeting.minutes_state])

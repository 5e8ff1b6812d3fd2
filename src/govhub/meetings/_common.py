"""What the attendance, minutes and actions modules share: ids, form numbers, minutes state."""

from __future__ import annotations

from govhub.governance.tables import Membership
from govhub.meetings.tables import Meeting, MinutesState
from govhub.validation import FormError

__all__ = ["check_minutes_open", "db", "id_of", "int_or_none", "mark_minutes_drafted", "org_id"]


def db():
    return Meeting._meta.db


def id_of(value) -> int | None:
    return getattr(value, "id", value)


def int_or_none(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def org_id(membership: Membership) -> int | None:
    org = membership.organisation
    return getattr(org, "id", None) if org is not None else None


def check_minutes_open(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.approved:
        raise FormError({"minutes": "These minutes have been approved and can no longer change"})


async def mark_minutes_drafted(meeting: Meeting) -> None:
    """Anything written makes the minutes a draft (call inside the writing transaction)."""
    if meeting.minutes_state in (None, "", MinutesState.none):
        meeting.minutes_state = MinutesState.draft
        await meeting.save([Meeting.minutes_state])

"""Who may see which part of the record, as query conditions: applied where rows are fetched.

One rule per kind of thing. Every page, pack, feed, search, export and email that lists such
rows reads through these, so a template never has to remember to hide anything. What the public
may read of a meeting's record is what a council would publish: public meetings of public
bodies, approved minutes, and nothing from an exempt (confidential) item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from govhub.db import id_of
from govhub.governance.principal import Principal
from govhub.meetings.tables import SCHEDULE_12A, Action, AgendaItem, Meeting, MinutesState

__all__ = [
    "ExemptItem",
    "agenda_seen_by",
    "item_seen_by",
    "members_view",
    "visible_actions",
    "visible_meetings",
]


def members_view(body_id: int) -> Principal:
    """How any member of ``body_id`` sees the record (for pages that show it as they would)."""
    return Principal(member_of=frozenset({body_id}))


def visible_meetings(viewer: Principal) -> Any:
    """Meetings ``viewer`` may see: public meetings of public bodies, and every meeting of the
    bodies they sit on (all of them for admins)."""
    public = (Meeting.is_public == True) & (Meeting.body.is_public == True)  # noqa: E712
    if viewer.is_admin:
        return Meeting.id.is_not_null()
    if viewer.member_of:
        return public | Meeting.body.is_in(list(viewer.member_of))
    return public


def visible_actions(viewer: Principal, body_id: int) -> Any:
    """Actions of ``body_id`` that ``viewer`` may see.

    The body's members (and admins) see them all. Anyone else sees only actions recorded in
    approved minutes of a public meeting, on an item that is not exempt.
    """
    mine = Action.body == body_id
    if viewer.is_member_of(body_id):
        return mine
    return (
        mine
        & (Action.meeting.is_public == True)  # noqa: E712 (a column comparison, not a bool)
        & (Action.meeting.body.is_public == True)  # noqa: E712
        & (Action.meeting.minutes_state == MinutesState.approved)
        & ((Action.item.is_null()) | (Action.item.is_confidential == False))  # noqa: E712
    )


@dataclass(frozen=True)
class ExemptItem:
    """An exempt item as the public sees it, the way councils publish one: its place and number
    and why it is not for publication; never its title, description, papers or id."""

    number: str
    position: int
    exempt_reason: int | None
    withdrawn_at: dt.datetime | None
    redacted = True
    standard = None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def reason_text(self) -> str:
        return SCHEDULE_12A.get(self.exempt_reason or 0, "")


def item_seen_by(viewer: Principal, body_id: int, item: AgendaItem) -> AgendaItem | ExemptItem:
    """``item`` itself for the body's members (and admins); for anyone else an exempt item's
    stand-in (:class:`ExemptItem`) in its place."""
    if not item.is_confidential or viewer.is_member_of(body_id):
        return item
    return ExemptItem(
        number=item.number,
        position=item.position,
        exempt_reason=item.exempt_reason,
        withdrawn_at=item.withdrawn_at,
    )


async def agenda_seen_by(viewer: Principal, meeting: Meeting) -> list[AgendaItem | ExemptItem]:
    """Every item of the meeting's agenda in order, withdrawn ones included, each as
    :func:`item_seen_by` gives it: the public and members see the same numbers in the same
    places."""
    body_id = id_of(meeting.body)
    items = (
        await AgendaItem.objects()
        .where(AgendaItem.meeting == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [item_seen_by(viewer, body_id, item) for item in items]

"""Who may see or change a meeting and its parts. Anything not allowed is "not found", never
"forbidden": the loaders here raise :class:`govhub.errors.NotFound` for both.

Plain rules and loaders (no web): pages reach them through :mod:`govhub.meetings.deps`, and
feeds, packs and jobs call them directly.
"""

from __future__ import annotations

from govhub.db import id_of
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.meetings.tables import Action, AgendaItem, Meeting, MinutesState, Paper

__all__ = [
    "can_see_action_log",
    "can_see_confidential",
    "can_see_meeting",
    "can_see_minutes",
    "load_action",
    "load_item",
    "load_managed_meeting",
    "load_meeting",
    "load_paper",
]


def can_see_meeting(principal: Principal, meeting: Meeting) -> bool:
    """Public meetings of public bodies for everyone; the rest for the body's members."""
    body = meeting.body
    if principal.is_member_of(id_of(body)):
        return True
    return bool(meeting.is_public) and bool(getattr(body, "is_public", False))


def can_see_confidential(principal: Principal, body_id: int) -> bool:
    """Confidential items and papers: the body's current members, and admins."""
    return principal.is_member_of(body_id)


def can_see_minutes(principal: Principal, meeting: Meeting) -> bool:
    """Approved minutes for whoever may see the meeting; drafts for the body's members."""
    return meeting.minutes_state == MinutesState.approved or principal.is_member_of(
        id_of(meeting.body)
    )


def can_see_action_log(principal: Principal, body_id: int) -> bool:
    """A body's action log: its members and admins."""
    return principal.is_member_of(body_id)


async def load_meeting(meeting_id: int, principal: Principal) -> Meeting:
    """The meeting with its body loaded, or 404 when it does not exist or may not be seen."""
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()
    if meeting is None or not can_see_meeting(principal, meeting):
        raise NotFound()
    return meeting


async def load_managed_meeting(meeting_id: int, principal: Principal) -> Meeting:
    """The meeting, for its body's secretary or an admin; 404 for anyone else."""
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()
    if meeting is None or not principal.can_manage_body(meeting.body.id):
        raise NotFound()
    return meeting


async def load_item(meeting: Meeting, item_id: int, principal: Principal) -> AgendaItem:
    """An agenda item of ``meeting``; a confidential one only for those who may see it."""
    item = (
        await AgendaItem.objects()
        .where((AgendaItem.id == item_id) & (AgendaItem.meeting == meeting.id))
        .first()
    )
    if item is None or (
        item.is_confidential and not can_see_confidential(principal, id_of(meeting.body))
    ):
        raise NotFound()
    return item


async def load_paper(item: AgendaItem, paper_id: int) -> Paper:
    """A paper of ``item`` (whoever may see the item may see its list of papers)."""
    paper = await Paper.objects().where((Paper.id == paper_id) & (Paper.item == item.id)).first()
    if paper is None:
        raise NotFound()
    return paper


async def load_action(body_id: int, action_id: int, principal: Principal) -> Action:
    """An action on the log of body ``body_id``, for those who manage the body."""
    action = (
        await Action.objects().where((Action.id == action_id) & (Action.body == body_id)).first()
    )
    if action is None or not principal.can_manage_body(body_id):
        raise NotFound()
    return action

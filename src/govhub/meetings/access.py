"""Who may see or change a meeting. Anything not allowed is "not found", never "forbidden"."""

from __future__ import annotations

from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.meetings.tables import AgendaItem, Meeting

__all__ = [
    "can_see_confidential",
    "can_see_meeting",
    "load_item",
    "load_managed_meeting",
    "load_meeting",
]


def can_see_meeting(principal: Principal, meeting: Meeting) -> bool:
    """Public meetings of public bodies for everyone; the rest for the body's members."""
    body = meeting.body
    if principal.is_member_of(_id(body)):
        return True
    return bool(meeting.is_public) and bool(getattr(body, "is_public", False))


def can_see_confidential(principal: Principal, body_id: int) -> bool:
    """Confidential items and papers: the body's current members, and admins."""
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
        item.is_confidential and not can_see_confidential(principal, _id(meeting.body))
    ):
        raise NotFound()
    return item


def _id(value) -> int:
    return getattr(value, "id", value)

"""Supplementary agendas: what changed on an agenda after it was published, and telling members.

Once an agenda is published every addition, withdrawal, move, change and paper is kept as an
:class:`AgendaChange`, pending until the secretary publishes a supplement: then the pending
changes become supplement n, the meeting page lists it ("Supplementary agenda published on …")
and each member is sent one notice listing what changed, however many changes it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub import clock
from govhub.audit.services import record
from govhub.db import id_of
from govhub.governance.principal import ANONYMOUS, Principal
from govhub.i18n import format_date
from govhub.mail.services import dispatch_all, queue_mail
from govhub.meetings._common import reread_locked
from govhub.meetings.calendar import meeting_url
from govhub.meetings.invitations import members_on, seats
from govhub.meetings.tables import (
    AgendaChange,
    AgendaChangeKind,
    AgendaItem,
    AgendaState,
    AgendaSupplement,
    Meeting,
    MeetingStatus,
)
from govhub.meetings.visibility import ExemptItem, item_seen_by
from govhub.settings import get_settings
from govhub.validation import FormError

__all__ = [
    "Supplement",
    "agenda_history",
    "describe",
    "note_change",
    "pending_changes",
    "publish_supplement",
]


async def note_change(
    actor: Principal,
    meeting: Meeting,
    kind: AgendaChangeKind,
    item: AgendaItem,
    detail: str = "",
) -> None:
    """Keep a change to a published agenda for the next supplement (inside the change's
    transaction); a draft agenda's changes are not kept: nobody has seen it yet."""
    if meeting.agenda_state != AgendaState.published:
        return
    await AgendaChange.insert(
        AgendaChange(
            meeting=meeting.id,
            item=item.id,
            kind=kind,
            number=item.number,
            detail=detail[:500],
            by=actor.user_id,
        )
    )


async def _changes(meeting: Meeting, *, pending: bool) -> list[AgendaChange]:
    query = AgendaChange.objects(AgendaChange.item).where(AgendaChange.meeting == meeting.id)
    query = query.where(
        AgendaChange.supplement.is_null() if pending else AgendaChange.supplement.is_not_null()
    )
    return await query.order_by(AgendaChange.at).order_by(AgendaChange.id)


async def pending_changes(meeting: Meeting) -> list[AgendaChange]:
    """Changes made since the agenda or its last supplement was published, oldest first."""
    return await _changes(meeting, pending=True)


def describe(change: AgendaChange, seen: AgendaItem | ExemptItem) -> str:
    """One line of a supplement, in the words the reader may see: an exempt item's title,
    and the title of a paper on it, only for those who may see the item."""
    number = change.number
    title = "" if seen.redacted else seen.title
    named = f": {title}" if title else " (not for publication)"
    kind = change.kind
    if kind == AgendaChangeKind.added:
        return f"Item {number} added{named}"
    if kind == AgendaChangeKind.withdrawn:
        return f"Item {number} withdrawn{named}"
    if kind == AgendaChangeKind.moved:
        return f"Item {number} {change.detail}{named}"
    if kind == AgendaChangeKind.changed:
        return f"Item {number} changed{named}"
    paper = f": {change.detail}" if title and change.detail else ""
    if kind == AgendaChangeKind.paper_added:
        return f"Paper added to item {number}{paper}"
    return f"Paper revised on item {number}{paper}"


@dataclass(frozen=True)
class Supplement:
    number: int
    published_at: dt.datetime
    changes: list[str]


async def agenda_history(meeting: Meeting, viewer: Principal) -> list[Supplement]:
    """The published supplements of the meeting's agenda, each with what changed, as
    ``viewer`` may read it."""
    supplements = (
        await AgendaSupplement.objects()
        .where(AgendaSupplement.meeting == meeting.id)
        .order_by(AgendaSupplement.number)
    )
    if not supplements:
        return []
    lines: dict[int, list[str]] = {s.id: [] for s in supplements}
    body_id = id_of(meeting.body)
    for change in await _changes(meeting, pending=False):
        seen = item_seen_by(viewer, body_id, change.item)
        lines[change.supplement].append(describe(change, seen))
    return [Supplement(s.number, s.published_at, lines[s.id]) for s in supplements]


async def publish_supplement(actor: Principal, meeting: Meeting) -> AgendaSupplement:
    """Publish the pending changes as the next supplement and queue one notice per member,
    sent once the transaction has committed. Decided under the meeting's lock, so two
    secretaries publishing at once make one supplement and one set of notices."""
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if meeting.status == MeetingStatus.cancelled:
            raise FormError({"supplement": "This meeting has been cancelled"})
        if meeting.agenda_state != AgendaState.published:
            raise FormError({"supplement": "Publish the agenda first"})
        changes = await pending_changes(meeting)
        if not changes:
            raise FormError({"supplement": "There are no changes to publish"})
        count = await AgendaSupplement.count().where(AgendaSupplement.meeting == meeting.id)
        supplement = AgendaSupplement(
            meeting=meeting.id, number=count + 1, published_by=actor.user_id
        )
        await supplement.save()
        await AgendaChange.update({AgendaChange.supplement: supplement.id}).where(
            AgendaChange.id.is_in([c.id for c in changes])
        )
        await record(
            actor,
            "agenda.supplement_published",
            supplement,
            body_id=id_of(meeting.body),
            summary=f"{meeting.title}: supplement {supplement.number}, {len(changes)} changes",
        )
        messages = await _queue_notices(meeting, supplement, changes)
    await dispatch_all(messages)
    return supplement


async def _queue_notices(meeting: Meeting, supplement: AgendaSupplement, changes: list) -> list:
    """One notice per member. Email leaves the partnership's hands, so it names an exempt
    item only as the public would see it: members sign in to read it."""
    body = await Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first()
    body = body.body
    lines = [describe(c, item_seen_by(ANONYMOUS, body.id, c.item)) for c in changes]
    day = meeting.starts_at.astimezone(get_settings().zone).date()
    messages = []
    for member in members_on(await seats(body.id), day):
        messages.append(
            await queue_mail(
                to=member.email,
                template="agenda_supplement",
                context={
                    "name": member.name,
                    "body_name": body.name,
                    "title": meeting.title,
                    "day": format_date(meeting.starts_at),
                    "number": supplement.number,
                    "published": format_date(clock.now()),
                    "changes": lines,
                    "url": meeting_url(meeting.id),
                },
                kind="meeting.agenda_supplement",
            )
        )
    return messages

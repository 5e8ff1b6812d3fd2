"""Building an agenda: numbered items, standard items, reordering, and publishing it."""

from __future__ import annotations

import datetime as dt

from govhub import db
from govhub.audit.services import record, snapshot
from govhub.governance.principal import Principal
from govhub.governance.tables import CallToAction
from govhub.mail.services import dispatch_all
from govhub.meetings import invitations as invites
from govhub.meetings._common import reread_locked
from govhub.meetings.packs_store import queue_pack_build
from govhub.meetings.tables import (
    AgendaItem,
    AgendaItemCallToAction,
    AgendaState,
    Meeting,
    MeetingStatus,
    Purpose,
    StandardItem,
)
from govhub.validation import FormError, require

__all__ = [
    "STANDARD_TITLES",
    "add_standard_items",
    "items_of",
    "move_item",
    "publish_agenda",
    "remove_item",
    "save_item",
]

STANDARD_TITLES = {
    StandardItem.apologies: ("Apologies for absence", Purpose.information),
    StandardItem.declarations: ("Declarations of interest", Purpose.information),
    StandardItem.minutes: ("Minutes of the last meeting", Purpose.decision),
    StandardItem.matters_arising: ("Matters arising", Purpose.discussion),
    StandardItem.aob: ("Any other business", Purpose.discussion),
}
_OPENING = [
    StandardItem.apologies,
    StandardItem.declarations,
    StandardItem.minutes,
    StandardItem.matters_arising,
]

ITEM_FIELDS = (
    "title",
    "presenter",
    "purpose",
    "minutes_allotted",
    "is_confidential",
    "description",
)


async def items_of(meeting: Meeting, *, confidential: bool) -> list[AgendaItem]:
    """The agenda in order; without confidential items unless ``confidential``."""
    query = AgendaItem.objects().where(AgendaItem.meeting == meeting.id)
    if not confidential:
        query = query.where(AgendaItem.is_confidential.eq(False))
    return await query.order_by(AgendaItem.position)


def _check_editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise FormError({"title": "This meeting has been cancelled, so its agenda cannot change"})


def _parse_item(values: dict[str, str], action_ids: list[int]) -> tuple[dict, list[int]]:
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter the item's title", max_length=300)
    if values.get("purpose") not in {p.value for p in Purpose}:
        errors["purpose"] = "Choose whether the item is for decision, discussion or information"
    minutes = values.get("minutes_allotted", "").strip()
    if minutes and (not minutes.isdigit() or not 1 <= int(minutes) <= 480):
        errors["minutes_allotted"] = "The time must be a whole number of minutes, up to 480"
    if errors:
        raise FormError(errors)
    return {
        "title": title,
        "presenter": values.get("presenter", "").strip()[:200],
        "purpose": values["purpose"],
        "minutes_allotted": int(minutes) if minutes else None,
        "is_confidential": values.get("is_confidential") == "yes",
        "description": values.get("description", "").strip()[:10000],
    }, sorted(set(action_ids))


async def save_item(
    actor: Principal,
    meeting: Meeting,
    values: dict[str, str],
    action_ids: list[int],
    item: AgendaItem | None = None,
) -> AgendaItem:
    """Add an item at the end (before "Any other business"), or change one."""
    _check_editable(meeting)
    fields, actions = _parse_item(values, action_ids)
    if actions:
        known = await CallToAction.select(CallToAction.id).where(CallToAction.id.is_in(actions))
        actions = [row["id"] for row in known]
    async with Meeting._meta.db.transaction():
        before = snapshot(item, *ITEM_FIELDS) if item else None
        if item is None:
            item = AgendaItem(meeting=meeting.id, position=await _next_position(meeting), **fields)
        else:
            for name, value in fields.items():
                setattr(item, name, value)
        await item.save()
        await AgendaItemCallToAction.delete().where(AgendaItemCallToAction.item == item.id)
        for action_id in actions:
            await AgendaItemCallToAction.insert(
                AgendaItemCallToAction(item=item.id, call_to_action=action_id)
            )
        await record(
            actor,
            "agenda.item_updated" if before else "agenda.item_added",
            item,
            body_id=db.id_of(meeting.body),
            summary=f"{meeting.title}: {item.title}",
            before=before,
            after={**snapshot(item, *ITEM_FIELDS), "calls_to_action": actions},
        )
    return item


async def _next_position(meeting: Meeting) -> int:
    """The new item's place: last, but before "Any other business" if that is there."""
    items = await items_of(meeting, confidential=True)
    aob = next((i for i in items if i.standard == StandardItem.aob), None)
    if aob is None:
        return len(items) + 1
    await AgendaItem.update({AgendaItem.position: aob.position + 1}).where(AgendaItem.id == aob.id)
    return aob.position


async def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            await AgendaItem.update({AgendaItem.position: position}).where(AgendaItem.id == item.id)
            item.position = position


async def move_item(actor: Principal, meeting: Meeting, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down; the others renumber to stay 1, 2, 3..."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        items = await items_of(meeting, confidential=True)
        index = next(i for i, other in enumerate(items) if other.id == item.id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            await _renumber(meeting, items)
            await record(
                actor,
                "agenda.item_moved",
                item,
                body_id=db.id_of(meeting.body),
                summary=f"{item.title} moved {direction} to {target + 1}",
            )


async def remove_item(actor: Principal, meeting: Meeting, item: AgendaItem) -> None:
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        before = snapshot(item, *ITEM_FIELDS)
        await AgendaItemCallToAction.delete().where(AgendaItemCallToAction.item == item.id)
        await AgendaItem.delete().where(AgendaItem.id == item.id)
        await _renumber(meeting, await items_of(meeting, confidential=True))
        await record(
            actor,
            "agenda.item_removed",
            item,
            body_id=db.id_of(meeting.body),
            summary=f"{meeting.title}: {item.title}",
            before=before,
        )


async def add_standard_items(actor: Principal, meeting: Meeting) -> int:
    """Add whichever standard items are missing, in their usual places; returns how many."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        items = await items_of(meeting, confidential=True)
        present = {i.standard for i in items}
        opening = [
            AgendaItem(
                meeting=meeting.id,
                position=0,
                title=STANDARD_TITLES[s][0],
                purpose=STANDARD_TITLES[s][1],
                standard=s,
            )
            for s in _OPENING
            if s not in present
        ]
        closing = (
            []
            if StandardItem.aob in present
            else [
                AgendaItem(
                    meeting=meeting.id,
                    position=0,
                    title=STANDARD_TITLES[StandardItem.aob][0],
                    purpose=STANDARD_TITLES[StandardItem.aob][1],
                    standard=StandardItem.aob,
                )
            ]
        )
        for new in opening + closing:
            await new.save()
        existing_opening = [i for i in items if i.standard in _OPENING]
        others = [i for i in items if i.standard not in (*_OPENING, StandardItem.aob)]
        existing_aob = [i for i in items if i.standard == StandardItem.aob]
        opening_all = sorted(existing_opening + opening, key=lambda i: _OPENING.index(i.standard))
        await _renumber(meeting, opening_all + others + existing_aob + closing)
        added = len(opening) + len(closing)
        if added:
            await record(
                actor,
                "agenda.standard_items_added",
                meeting,
                body_id=db.id_of(meeting.body),
                summary=f"{meeting.title}: {added} standard items",
            )
    return added


async def publish_agenda(actor: Principal, meeting: Meeting) -> Meeting:
    """Draft -> published: the agenda (public items) becomes visible to everyone who may
    see the meeting, and members are told. Decided on the meeting as it is under the lock, so
    of two secretaries publishing at once one does and the other is told it already is."""
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if meeting.status == MeetingStatus.cancelled:
            raise FormError({"publish": "This meeting has been cancelled"})
        if meeting.agenda_state == AgendaState.published:
            raise FormError({"publish": "The agenda is already published"})
        if not await AgendaItem.exists().where(AgendaItem.meeting == meeting.id):
            raise FormError({"publish": "Add at least one item before publishing the agenda"})
        meeting.agenda_state = AgendaState.published
        meeting.agenda_published_at = dt.datetime.now(dt.UTC)
        await meeting.save([Meeting.agenda_state, Meeting.agenda_published_at])
        await record(
            actor,
            "agenda.published",
            meeting,
            body_id=db.id_of(meeting.body),
            summary=meeting.title,
        )
        messages = await invites.meeting_changed(meeting.id, "published")
    await dispatch_all(messages)
    await queue_pack_build(meeting.id)
    return meeting

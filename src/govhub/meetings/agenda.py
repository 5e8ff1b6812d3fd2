"""Building an agenda: numbered items, standard items, reordering, and publishing it.

While the agenda is a draft its numbers follow the order (1, 2, 3...). Once it is published a
number never changes: a new item takes the next number, or "6a" after item 6; a withdrawn item
keeps its number, listed as withdrawn; a moved one keeps its number in its new place. Each such
change is kept for the next supplementary agenda (:mod:`govhub.meetings.supplements`).
"""

from __future__ import annotations

import datetime as dt

from govhub import clock, db
from govhub.audit.services import record, snapshot
from govhub.governance.principal import Principal
from govhub.governance.tables import CallToAction
from govhub.mail.services import dispatch_all
from govhub.meetings import invitations as invites
from govhub.meetings._common import reread_locked
from govhub.meetings.numbering import base_number, next_number, number_after, placements
from govhub.meetings.packs_store import queue_pack_build
from govhub.meetings.supplements import note_change
from govhub.meetings.tables import (
    SCHEDULE_12A,
    AgendaChangeKind,
    AgendaItem,
    AgendaItemCallToAction,
    AgendaState,
    Meeting,
    MeetingStatus,
    Purpose,
    StandardItem,
)
from govhub.validation import FormError, check_lengths, require, whole_number

__all__ = [
    "STANDARD_TITLES",
    "add_standard_items",
    "items_of",
    "move_item",
    "publish_agenda",
    "remove_item",
    "save_item",
    "withdraw_item",
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
    "exempt_reason",
    "description",
)


async def items_of(meeting: Meeting, *, confidential: bool) -> list[AgendaItem]:
    """The agenda in order; without confidential items unless ``confidential``."""
    query = AgendaItem.objects().where(AgendaItem.meeting == meeting.id)
    if not confidential:
        query = query.where(AgendaItem.is_confidential.eq(False))
    return await query.order_by(AgendaItem.position).order_by(AgendaItem.id)


def _is_published(meeting: Meeting) -> bool:
    return meeting.agenda_state == AgendaState.published


def _check_editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise FormError({"title": "This meeting has been cancelled, so its agenda cannot change"})


def _parse_item(
    values: dict[str, str], action_ids: list[int], *, placing: list[str] | None = None
) -> tuple[dict, list[int]]:
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter the item's title", column=AgendaItem.title)
    check_lengths(values, errors, {"presenter": AgendaItem.presenter})
    if values.get("purpose") not in {p.value for p in Purpose}:
        errors["purpose"] = "Choose whether the item is for decision, discussion or information"
    minutes = values.get("minutes_allotted", "").strip()
    if minutes and whole_number(minutes, 1, 480) is None:
        errors["minutes_allotted"] = "The time must be a whole number of minutes, up to 480"
    confidential = values.get("is_confidential") == "yes"
    reason = values.get("exempt_reason", "").strip()
    if confidential and whole_number(reason) not in SCHEDULE_12A:
        errors["exempt_reason"] = "Choose why the item is not for publication"
    if placing is not None and values["after"] not in placing:
        errors["after"] = "Choose where the item goes on the agenda"
    if errors:
        raise FormError(errors)
    return {
        "title": title,
        "presenter": values.get("presenter", "").strip(),
        "purpose": values["purpose"],
        "minutes_allotted": int(minutes) if minutes else None,
        "is_confidential": confidential,
        "exempt_reason": int(reason) if confidential else None,
        "description": values.get("description", "").strip()[:10000],
    }, sorted(set(action_ids))


async def save_item(
    actor: Principal,
    meeting: Meeting,
    values: dict[str, str],
    action_ids: list[int],
    item: AgendaItem | None = None,
) -> AgendaItem:
    """Add an item, or change one. On a draft a new item goes last, before "Any other
    business"; on a published agenda where ``values["after"]`` says, with a number of its own."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        _check_editable(meeting)
        items = await items_of(meeting, confidential=True)
        placing, after = None, "end"
        if item is None and _is_published(meeting):
            choices, usual = placements(items)
            placing, after = [value for value, _ in choices], values.get("after") or usual
        fields, actions = _parse_item({**values, "after": after}, action_ids, placing=placing)
        if actions:
            known = await CallToAction.select(CallToAction.id).where(CallToAction.id.is_in(actions))
            actions = [row["id"] for row in known]
        before = snapshot(item, *ITEM_FIELDS) if item else None
        if item is None:
            item = await _add(meeting, items, fields, after)
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            await item.save()
        await AgendaItemCallToAction.delete().where(AgendaItemCallToAction.item == item.id)
        for action_id in actions:
            await AgendaItemCallToAction.insert(
                AgendaItemCallToAction(item=item.id, call_to_action=action_id)
            )
        after = {**snapshot(item, *ITEM_FIELDS), "calls_to_action": actions}
        if before is None:
            await note_change(actor, meeting, AgendaChangeKind.added, item)
        elif {k: after[k] for k in ITEM_FIELDS} != {k: before[k] for k in ITEM_FIELDS}:
            await note_change(actor, meeting, AgendaChangeKind.changed, item)
        await record(
            actor,
            "agenda.item_updated" if before else "agenda.item_added",
            item,
            body_id=db.id_of(meeting.body),
            summary=f"{meeting.title}: {item.number}. {item.title}",
            before=before,
            after=after,
        )
    return item


async def _add(meeting: Meeting, items: list[AgendaItem], fields: dict, after: str) -> AgendaItem:
    if not _is_published(meeting):
        aob = next((i for i in items if i.standard == StandardItem.aob), None)
        at = aob.position if aob else len(items) + 1
        item = AgendaItem(meeting=meeting.id, position=at, number=str(at), **fields)
        await item.save()
        ordered = [i for i in items if i is not aob] + [item] + ([aob] if aob else [])
        await _renumber(meeting, ordered)
        return item
    numbers = [i.number for i in items]
    if after == "end":
        number, position = next_number(numbers), max((i.position for i in items), default=0) + 1
    else:
        group = [i for i in items if base_number(i.number) == int(after)]
        number, position = number_after(numbers, int(after)), max(i.position for i in group) + 1
        await AgendaItem.update({AgendaItem.position: AgendaItem.position + 1}).where(
            (AgendaItem.meeting == meeting.id) & (AgendaItem.position >= position)
        )
    item = AgendaItem(meeting=meeting.id, position=position, number=number, **fields)
    await item.save()
    return item


async def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    """Positions 1, 2, 3... in ``ordered``'s order; on a draft the numbers follow them."""
    draft = not _is_published(meeting)
    for position, item in enumerate(ordered, start=1):
        changes = {}
        if item.position != position:
            changes[AgendaItem.position] = item.position = position
        if draft and item.number != str(position):
            changes[AgendaItem.number] = item.number = str(position)
        if changes:
            await AgendaItem.update(changes).where(AgendaItem.id == item.id)


async def move_item(actor: Principal, meeting: Meeting, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down. On a draft the numbers follow; on a published agenda
    every item keeps its number and the move is kept for the supplement."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        _check_editable(meeting)
        items = await items_of(meeting, confidential=True)
        index = next(i for i, other in enumerate(items) if other.id == item.id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            passed = items[target]
            items[index], items[target] = items[target], items[index]
            await _renumber(meeting, items)
            where = "before" if direction == "up" else "after"
            await note_change(
                actor,
                meeting,
                AgendaChangeKind.moved,
                item,
                detail=f"now taken {where} item {passed.number}",
            )
            await record(
                actor,
                "agenda.item_moved",
                item,
                body_id=db.id_of(meeting.body),
                summary=f"{item.title} moved {direction}, {where} item {passed.number}",
            )


async def remove_item(actor: Principal, meeting: Meeting, item: AgendaItem) -> None:
    """Take an item off a draft agenda (a published agenda's items are withdrawn instead)."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if _is_published(meeting):
            raise FormError(
                {"items": "The agenda is published, so its items are withdrawn, not removed"}
            )
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


async def withdraw_item(actor: Principal, meeting: Meeting, item: AgendaItem) -> None:
    """Withdraw an item from a published agenda: it stays listed, under its number."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if not _is_published(meeting):
            raise FormError({"items": "The agenda is a draft: remove the item instead"})
        fresh = await AgendaItem.objects().where(AgendaItem.id == item.id).first()
        if fresh.withdrawn_at is not None:
            raise FormError({"items": f"Item {item.number} has already been withdrawn"})
        item.withdrawn_at = clock.now()
        await AgendaItem.update({AgendaItem.withdrawn_at: item.withdrawn_at}).where(
            AgendaItem.id == item.id
        )
        await note_change(actor, meeting, AgendaChangeKind.withdrawn, item)
        await record(
            actor,
            "agenda.item_withdrawn",
            item,
            body_id=db.id_of(meeting.body),
            summary=f"{meeting.title}: {item.number}. {item.title}",
        )


async def add_standard_items(actor: Principal, meeting: Meeting) -> int:
    """Add whichever standard items are missing, in their usual places; returns how many."""
    _check_editable(meeting)
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if _is_published(meeting):
            raise FormError({"items": "The agenda is published: add any further item on its own"})
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
        await _renumber(meeting, await items_of(meeting, confidential=True))  # in step
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

"""Who is to do what, by when? Actions from the minutes, their progress, and the action log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from govhub import clock
from govhub.audit import services as audit
from govhub.governance.principal import ANONYMOUS, Principal
from govhub.meetings._common import (
    add_to_minutes,
    check_minutes_open,
    db,
    id_of,
    int_or_none,
    org_id,
)
from govhub.meetings.attendance import current_members
from govhub.meetings.tables import Action, ActionStatus, Meeting
from govhub.meetings.visibility import visible_actions
from govhub.validation import FormError, check_lengths, parse_date, require

__all__ = [
    "action_log",
    "add_action",
    "is_overdue",
    "open_actions_for",
    "set_action_status",
]


def is_overdue(action: Action, today: dt.date) -> bool:
    return action.status == ActionStatus.open and bool(action.due_date) and action.due_date < today


async def add_action(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], people, organisations, items
) -> Action:
    """``people``: id -> name of possible owners; ``organisations``: their ids."""
    check_minutes_open(meeting)
    errors: dict[str, str] = {}
    description = require(values, errors, "action_description", "Enter the action", 2000)
    owner = int_or_none(values.get("action_owner", ""))
    owner_name = values.get("action_owner_name", "").strip()
    if owner is not None and owner not in people:
        errors["action_owner"] = "Choose the owner from the list"
    elif owner is None and not owner_name:
        errors["action_owner"] = "Choose who will do this, or enter their name"
    else:
        check_lengths(values, errors, {"action_owner_name": Action.owner_name})
    org = int_or_none(values.get("action_organisation", ""))
    if values.get("action_organisation") and org not in organisations:
        errors["action_organisation"] = "Choose the organisation from the list"
    item = int_or_none(values.get("action_item", ""))
    if values.get("action_item") and item not in {i.id for i in items}:
        errors["action_item"] = "Choose the item from the list"
    due = parse_date(
        values.get("action_due_date", ""), errors, "action_due_date", "due date", required=False
    )
    if errors:
        raise FormError(errors)
    if org is None and owner is not None:
        org = await _organisation_of(owner, meeting)
    action = Action(
        body=id_of(meeting.body),
        meeting=meeting.id,
        item=item,
        description=description,
        owner=owner,
        owner_name="" if owner else owner_name,
        organisation=org,
        due_date=due,
    )
    return await add_to_minutes(actor, meeting, action, "action.added", description[:200])


async def _organisation_of(person_id: int, meeting: Meeting) -> int | None:
    """The organisation the owner sits on the body for, when they do."""
    for m in await current_members(meeting):
        if m.person.id == person_id and org_id(m):
            return org_id(m)
    return None


async def set_action_status(actor: Principal, action: Action, status: str) -> None:
    if status not in {s.value for s in ActionStatus}:
        raise FormError({f"status-{action.id}": "Choose open, done or dropped"})
    if status == action.status:
        return
    before = audit.snapshot(action, "status", "completed_on")
    action.status = status
    action.completed_on = clock.today() if status == ActionStatus.done else None
    async with db().transaction():
        await action.save([Action.status, Action.completed_on])
        await audit.record(
            actor,
            "action.updated",
            action,
            body_id=id_of(action.body),
            summary=f"{action.description[:150]}: {status}",
            before=before,
            after=audit.snapshot(action, "status", "completed_on"),
        )


def _due_first(action: Action):
    return (action.due_date is None, action.due_date or dt.date.max, action.id)


async def open_actions_for(
    body_id: int, before: dt.datetime, viewer: Principal = ANONYMOUS
) -> list[Action]:
    """Open actions from the body's meetings that started before ``before`` that ``viewer`` may
    see: matters arising. Owner, organisation and meeting are loaded; soonest due first.
    """
    rows = await Action.objects(Action.owner, Action.organisation, Action.meeting).where(
        visible_actions(viewer, body_id)
        & (Action.status == ActionStatus.open)
        & (Action.meeting.starts_at < before)
    )
    return sorted(rows, key=_due_first)


async def action_log(body_id: int) -> tuple[list[Action], list[Action]]:
    """(open, closed): open ones soonest due first; done and dropped ones latest first."""
    rows = await Action.objects(Action.owner, Action.organisation, Action.meeting).where(
        Action.body == body_id
    )
    still_open = sorted((a for a in rows if a.status == ActionStatus.open), key=_due_first)
    closed = [a for a in rows if a.status != ActionStatus.open]
    closed.sort(key=lambda a: (a.completed_on or dt.date.min, a.id), reverse=True)
    return still_open, closed

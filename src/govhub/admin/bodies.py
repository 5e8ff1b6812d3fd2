"""Bodies: adding and changing one (its place in the tree, calls to action, reminder days), and
deleting one that has no history yet.

A body with meetings, members, terms of reference or bodies reporting into it is part of the
record: deleting it is refused with a message saying why (:class:`~govhub.errors.Refused`).
"""

from __future__ import annotations

from govhub.admin.directory import slug_taken
from govhub.audit.services import record, snapshot
from govhub.audit.tables import AuditEntry
from govhub.congress.tables import Edition
from govhub.errors import Refused
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, BodyCallToAction, BodyKind, Membership
from govhub.meetings import invitations as invites
from govhub.meetings.tables import Action, Meeting, MeetingSeries, TermsOfReference
from govhub.validation import (
    FormError,
    check_lengths,
    parse_id,
    require,
    slugify,
    whole_number,
)

__all__ = ["delete_body", "save_body"]


async def save_body(
    actor: Principal, values: dict[str, str], action_ids: list[int], body: Body | None = None
) -> Body:
    errors: dict[str, str] = {}
    name = require(values, errors, "name", "Enter the body's name", column=Body.name)
    check_lengths(values, errors, {"short_name": Body.short_name})
    slug = slugify(values.get("slug") or name)
    if values.get("kind") not in {k.value for k in BodyKind}:
        errors["kind"] = "Choose what kind of body this is"
    parent_id = parse_id(values.get("reports_to"))
    if parent_id is not None:
        if body and parent_id == body.id:
            errors["reports_to"] = "A body cannot report into itself"
        elif not await Body.exists().where(Body.id == parent_id):
            errors["reports_to"] = "Choose a body from the list"
        elif body and await _reports_into(parent_id, body.id):
            errors["reports_to"] = "That body already reports into this one"
    reminder_days = _reminder_days(values.get("reminder_days", "7,1"), errors)
    notice = whole_number(values.get("agenda_notice_days", "5").strip() or "0", 0, 60)
    if notice is None:
        errors["agenda_notice_days"] = "Enter a number of days from 0 to 60, like 5"
    if name and not slug:
        errors["name"] = "The name must contain letters or numbers"
    elif slug and await slug_taken(Body, slug, body.id if body else None):
        errors["name"] = "A body with this name already exists"
    if errors:
        raise FormError(errors)
    async with Body._meta.db.transaction():
        before = snapshot(body) if body else None
        old_actions = await _action_ids(body.id) if body else []
        body = body or Body()
        body.name, body.slug, body.kind = name, slug, values["kind"]
        body.short_name = values.get("short_name", "").strip()
        body.purpose = values.get("purpose", "").strip()[:5000]
        body.reports_to = parent_id
        body.is_public = values.get("is_public") == "yes"
        changed_reminders = (body.reminder_days, body.agenda_notice_days) != (
            reminder_days,
            notice,
        )
        body.reminder_days, body.agenda_notice_days = reminder_days, notice
        await body.save()
        if before is not None and changed_reminders:
            await invites.replan_body(body.id)
        await BodyCallToAction.delete().where(BodyCallToAction.body == body.id)
        for action_id in sorted(set(action_ids)):
            await BodyCallToAction.insert(BodyCallToAction(body=body.id, call_to_action=action_id))
        after = {**snapshot(body), "calls_to_action": sorted(set(action_ids))}
        if before is not None:
            before["calls_to_action"] = old_actions
        await record(
            actor,
            "body.updated" if before else "body.created",
            body,
            summary=name,
            body_id=body.id,
            before=before,
            after=after,
        )
    return body


def _reminder_days(value: str, errors: dict[str, str]) -> str:
    """``"7, 1"`` -> ``"7,1"``: whole days before a meeting, at most 60, at most four."""
    parts = [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
    if not all(whole_number(p, 1, 60) for p in parts) or len(parts) > 4:
        errors["reminder_days"] = (
            "Enter up to four numbers of days from 1 to 60, separated by commas, like 7, 1"
        )
        return ""
    return ",".join(str(d) for d in sorted({int(p) for p in parts}, reverse=True))


async def _action_ids(body_id: int) -> list[int]:
    rows = await BodyCallToAction.select(BodyCallToAction.call_to_action).where(
        BodyCallToAction.body == body_id
    )
    return sorted(r["call_to_action"] for r in rows)


async def _reports_into(start_id: int, target_id: int) -> bool:
    """Whether ``start_id`` (or a body above it) reports into ``target_id``: a cycle."""
    seen, current = set(), start_id
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        row = await Body.select(Body.reports_to).where(Body.id == current).first()
        current = row["reports_to"] if row else None
    return False


async def delete_body(actor: Principal, body: Body) -> None:
    """Delete a body created by mistake; refused once it has a history.

    Its links to calls to action go with it; its audit entries stay, no longer tied to it,
    and one more records the deletion.
    """
    async with Body._meta.db.transaction():
        await _refuse_if_it_has_history(body)
        before = {**snapshot(body), "calls_to_action": await _action_ids(body.id)}
        await BodyCallToAction.delete().where(BodyCallToAction.body == body.id)
        await AuditEntry.update({AuditEntry.body: None}).where(AuditEntry.body == body.id)
        await Body.delete().where(Body.id == body.id)
        await record(actor, "body.deleted", body, summary=body.name, before=before)


async def _refuse_if_it_has_history(body: Body) -> None:
    """Raise :class:`Refused` naming the first thing that makes ``body`` part of the record."""
    meetings = await Meeting.count().where(Meeting.body == body.id)
    if meetings or await MeetingSeries.exists().where(MeetingSeries.body == body.id):
        raise Refused(
            f"{body.name} cannot be deleted: it has meetings ({meetings}). Its meetings, papers "
            "and minutes are part of the record."
        )
    children = await Body.select(Body.name).where(Body.reports_to == body.id).order_by(Body.name)
    if children:
        names = ", ".join(row["name"] for row in children)
        raise Refused(
            f"{body.name} cannot be deleted: {names} report into it. "
            "Choose another body for them to report into first."
        )
    reasons = [
        (Membership.exists().where(Membership.body == body.id), "its members, past or present"),
        (
            TermsOfReference.exists().where(TermsOfReference.body == body.id),
            "its terms of reference",
        ),
        (Action.exists().where(Action.body == body.id), "its actions"),
        (Edition.exists().where(Edition.organising_body == body.id), "the congresses it organises"),
    ]
    for query, history in reasons:
        if await query:
            raise Refused(f"{body.name} cannot be deleted: {history} are part of the record.")

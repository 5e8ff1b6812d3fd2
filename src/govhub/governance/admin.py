"""Changing the governance structure: each change validated, written with its audit entry.

Every function raises :class:`FormError` with messages per field when the input is wrong,
and otherwise writes in one transaction with an audit entry recording before and after.
"""

from __future__ import annotations

import datetime as dt

from govhub.governance.principal import Principal
from govhub.accounts.tables import User
from govhub.audit.services import record, snapshot
from govhub.calendar import invites
from govhub.governance.tables import (
    Body,
    BodyCallToAction,
    BodyKind,
    Membership,
    Organisation,
    Person,
    Role,
    Sector,
)
from govhub.mail.services import dispatch_all
from govhub.validation import (
    FormError,
    parse_date,
    require,
    slugify,
    valid_email,
    valid_url,
)

__all__ = [
    "add_membership",
    "change_role",
    "end_membership",
    "save_body",
    "save_organisation",
    "save_person",
]


def _db():
    return Body._meta.db


async def _slug_taken(table, slug: str, own_id: int | None) -> bool:
    query = table.exists().where(table.slug == slug)
    if own_id:
        query = table.exists().where((table.slug == slug) & (table.id != own_id))
    return await query


async def save_organisation(
    actor: Principal, values: dict[str, str], org: Organisation | None = None
) -> Organisation:
    errors: dict[str, str] = {}
    name = require(values, errors, "name", "Enter the organisation's name")
    short = values.get("short_name", "").strip()[:60]
    slug = slugify(values.get("slug") or name)
    if values.get("sector") not in {s.value for s in Sector}:
        errors["sector"] = "Choose the organisation's sector"
    website = values.get("website", "").strip()
    if website and not valid_url(website):
        errors["website"] = "Enter a web address starting with https://"
    if name and not slug:
        errors["name"] = "The name must contain letters or numbers"
    elif slug and await _slug_taken(Organisation, slug, org.id if org else None):
        errors["name"] = "An organisation with this name already exists"
    if errors:
        raise FormError(errors)
    async with _db().transaction():
        before = snapshot(org) if org else None
        org = org or Organisation()
        org.name, org.short_name, org.slug = name, short, slug
        org.sector, org.website = values["sector"], website
        await org.save()
        await record(
            actor,
            "organisation.updated" if before else "organisation.created",
            org,
            summary=name,
            before=before,
            after=snapshot(org),
        )
    return org


async def save_person(
    actor: Principal, values: dict[str, str], person: Person | None = None
) -> Person:
    errors: dict[str, str] = {}
    name = require(values, errors, "name", "Enter the person's full name")
    email = values.get("email", "").strip().lower()
    if not email:
        errors["email"] = "Enter the person's email address"
    elif not valid_email(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    else:
        clash = Person.exists().where(Person.email == email)
        if person:
            clash = Person.exists().where((Person.email == email) & (Person.id != person.id))
        if await clash:
            errors["email"] = "Someone with this email address is already recorded"
    phone = values.get("phone", "").strip()
    if phone and (len(phone) > 40 or not all(c.isdigit() or c in " +()-" for c in phone)):
        errors["phone"] = "Enter a phone number, like 020 7364 5000"
    if errors:
        raise FormError(errors)
    async with _db().transaction():
        before = snapshot(person) if person else None
        person = person or Person()
        person.name, person.email, person.phone = name, email, phone or None
        await person.save()
        # A sign-in follows its person's email.
        await User.update({User.email: email}).where(User.person == person.id)
        await record(
            actor,
            "person.updated" if before else "person.created",
            person,
            summary=name,
            before=before,
            after=snapshot(person),
        )
    return person


async def save_body(
    actor: Principal, values: dict[str, str], action_ids: list[int], body: Body | None = None
) -> Body:
    errors: dict[str, str] = {}
    name = require(values, errors, "name", "Enter the body's name")
    slug = slugify(values.get("slug") or name)
    if values.get("kind") not in {k.value for k in BodyKind}:
        errors["kind"] = "Choose what kind of body this is"
    parent_id = int(values["reports_to"]) if values.get("reports_to", "").isdigit() else None
    if parent_id is not None:
        if body and parent_id == body.id:
            errors["reports_to"] = "A body cannot report into itself"
        elif not await Body.exists().where(Body.id == parent_id):
            errors["reports_to"] = "Choose a body from the list"
        elif body and await _reports_into(parent_id, body.id):
            errors["reports_to"] = "That body already reports into this one"
    reminder_days = _reminder_days(values.get("reminder_days", "7,1"), errors)
    notice = values.get("agenda_notice_days", "5").strip() or "0"
    if not notice.isdigit() or int(notice) > 60:
        errors["agenda_notice_days"] = "Enter a number of days from 0 to 60, like 5"
    reminder_days = _reminder_days(values.get("reminder_days", "7,1"), errors)
    notice = values.get("agenda_notice_days", "5").strip() or "0"
    if not notice.isdigit() or int(notice) > 60:
        errors["agenda_notice_days"] = "Enter a number of days from 0 to 60, like 5"
    if name and not slug:
        errors["name"] = "The name must contain letters or numbers"
    elif slug and await _slug_taken(Body, slug, body.id if body else None):
        errors["name"] = "A body with this name already exists"
    if errors:
        raise FormError(errors)
    async with _db().transaction():
        before = snapshot(body) if body else None
        old_actions = await _action_ids(body.id) if body else []
        body = body or Body()
        body.name, body.slug, body.kind = name, slug, values["kind"]
        body.short_name = values.get("short_name", "").strip()[:60]
        body.purpose = values.get("purpose", "").strip()[:5000]
        body.reports_to = parent_id
        body.is_public = values.get("is_public") == "yes"
        changed_reminders = (body.reminder_days, body.agenda_notice_days) != (
            reminder_days,
            int(notice),
        )
        body.reminder_days, body.agenda_notice_days = reminder_days, int(notice)
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
    if not all(p.isdigit() and 1 <= int(p) <= 60 for p in parts) or len(parts) > 4:
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


async def _privileges_changed(person_id: int) -> None:
    """Memberships decide access: the person's sessions get new ids on their next request."""
    await User.update({User.privilege_version: User.privilege_version + 1}).where(
        User.person == person_id
    )


async def add_membership(actor: Principal, body: Body, values: dict[str, str]) -> Membership:
    """Seat a person (found by email, or recorded now) on a body for an organisation."""
    errors: dict[str, str] = {}
    email = values.get("email", "").strip().lower()
    person = None
    if not email:
        errors["email"] = "Enter the member's email address"
    elif not valid_email(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    else:
        person = await Person.objects().where(Person.email == email).first()
        if person is None and not values.get("name", "").strip():
            errors["name"] = "Enter the member's full name: nobody with this email is recorded yet"
    org_id = int(values["organisation"]) if values.get("organisation", "").isdigit() else None
    if org_id is None or not await Organisation.exists().where(Organisation.id == org_id):
        errors["organisation"] = "Choose the organisation they represent"
    if values.get("role") not in {r.value for r in Role}:
        errors["role"] = "Choose their role"
    start = parse_date(values.get("start_date", ""), errors, "start_date", "start date")
    end = parse_date(values.get("end_date", ""), errors, "end_date", "end date", required=False)
    if start and end and end < start:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if errors:
        raise FormError(errors)
    async with _db().transaction():
        if person is None:
            person = Person(name=values["name"].strip()[:200], email=email)
            await person.save()
            await record(
                actor,
                "person.created",
                person,
                summary=person.name,
                body_id=body.id,
                after=snapshot(person, "name", "email"),
            )
        membership = Membership(
            person=person.id,
            body=body.id,
            organisation=org_id,
            role=values["role"],
            start_date=start,
            end_date=end,
        )
        await membership.save()
        await _privileges_changed(person.id)
        await record(
            actor,
            "membership.added",
            membership,
            body_id=body.id,
            summary=f"{person.name} joined {body.name} as {Role(values['role']).label}",
            after=snapshot(membership),
        )
        membership.person = person
        messages = await invites.membership_changed(membership, joined=True)
    await dispatch_all(messages)
    return membership


async def change_role(actor: Principal, membership: Membership, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise FormError({"role": "Choose a role from the list"})
    if membership.end_date is not None and membership.end_date < dt.date.today():
        raise FormError({"role": "This membership has ended: add a new one instead"})
    async with _db().transaction():
        before = snapshot(membership)
        membership.role = role
        await membership.save([Membership.role])
        await _privileges_changed(_id(membership.person))
        await record(
            actor,
            "membership.role_changed",
            membership,
            body_id=_id(membership.body),
            summary=f"Role changed to {Role(role).label}",
            before=before,
            after=snapshot(membership),
        )
        await invites.replan_body(_id(membership.body))  # the secretary's reminders


async def end_membership(actor: Principal, membership: Membership, value: str) -> None:
    """End a membership on a date; the row stays as history."""
    errors: dict[str, str] = {}
    end = parse_date(value, errors, "end_date", "end date")
    if end and end < membership.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if errors:
        raise FormError(errors)
    async with _db().transaction():
        before = snapshot(membership)
        membership.end_date = end
        await membership.save([Membership.end_date])
        await _privileges_changed(_id(membership.person))
        await record(
            actor,
            "membership.ended",
            membership,
            body_id=_id(membership.body),
            summary=f"Membership ended on {end:%d %B %Y}",
            before=before,
            after=snapshot(membership),
        )
        membership.person = (
            await Person.objects().where(Person.id == _id(membership.person)).first()
        )
        messages = await invites.membership_changed(membership, joined=False)
    await dispatch_all(messages)


def _id(value) -> int:
    return getattr(value, "id", value)

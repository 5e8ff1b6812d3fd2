"""Seats on a body: adding a member, changing their role, ending their term (never deleting).

Each change raises privileges (the person's sessions are rotated), is audited, replans the
body's invitations and reminders, and queues the members' calendar mail after commit.
"""

from __future__ import annotations

import copy

from govhub import clock
from govhub.accounts.tables import User
from govhub.audit.services import record, snapshot
from govhub.db import id_of
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, Membership, Organisation, Person, Role
from govhub.mail.services import dispatch_all
from govhub.meetings import invitations as invites
from govhub.validation import FormError, check_lengths, parse_date, parse_id, valid_email

__all__ = ["add_membership", "change_role", "end_membership"]


async def _privileges_changed(person_id: int) -> None:
    """Memberships decide access: the person's sessions get new ids on their next request."""
    await User.update({User.privilege_version: User.privilege_version + 1}).where(
        User.person == person_id
    )


async def _person(membership: Membership) -> Person:
    return await Person.objects().where(Person.id == id_of(membership.person)).first()


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
        check_lengths(values, errors, {"name": Person.name})
    org_id = parse_id(values.get("organisation"))
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
    async with Membership._meta.db.transaction():
        if person is None:
            person = Person(name=values["name"].strip(), email=email)
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
        messages = await invites.membership_changed(membership)
    await dispatch_all(messages)
    return membership


async def change_role(actor: Principal, membership: Membership, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise FormError({"role": "Choose a role from the list"})
    if membership.end_date is not None and membership.end_date < clock.today():
        raise FormError({"role": "This membership has ended: add a new one instead"})
    async with Membership._meta.db.transaction():
        before = snapshot(membership)
        previous = copy.copy(membership)
        membership.role = role
        await membership.save([Membership.role])
        await _privileges_changed(id_of(membership.person))
        await record(
            actor,
            "membership.role_changed",
            membership,
            body_id=id_of(membership.body),
            summary=f"Role changed to {Role(role).label}",
            before=before,
            after=snapshot(membership),
        )
        membership.person = await _person(membership)
        previous.person = membership.person
        # A member made secretary only is no longer invited; a secretary made member is.
        messages = await invites.membership_changed(membership, previous)
    await dispatch_all(messages)


async def end_membership(actor: Principal, membership: Membership, value: str) -> None:
    """End a membership on a date; the row stays as history."""
    errors: dict[str, str] = {}
    end = parse_date(value, errors, "end_date", "end date")
    if end and end < membership.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if errors:
        raise FormError(errors)
    async with Membership._meta.db.transaction():
        before = snapshot(membership)
        previous = copy.copy(membership)
        membership.end_date = end
        await membership.save([Membership.end_date])
        await _privileges_changed(id_of(membership.person))
        await record(
            actor,
            "membership.ended",
            membership,
            body_id=id_of(membership.body),
            summary=f"Membership ended on {end:%d %B %Y}",
            before=before,
            after=snapshot(membership),
        )
        membership.person = await _person(membership)
        previous.person = membership.person
        messages = await invites.membership_changed(membership, previous)
    await dispatch_all(messages)

"""The directory of organisations and people: adding and correcting them, with audit entries.

Each function raises :class:`FormError` with messages per field when the input is wrong, and
otherwise writes in one transaction with an audit entry recording before and after.
"""

from __future__ import annotations

from govhub.accounts.tables import User
from govhub.audit.services import record, snapshot
from govhub.governance.principal import Principal
from govhub.governance.tables import Organisation, Person, Sector
from govhub.validation import (
    FormError,
    check_lengths,
    column_limit,
    require,
    slugify,
    valid_email,
    valid_url,
)

__all__ = ["save_organisation", "save_person", "slug_taken"]


async def slug_taken(table, slug: str, own_id: int | None) -> bool:
    """Whether another row of ``table`` than ``own_id`` already has ``slug``."""
    query = table.exists().where(table.slug == slug)
    if own_id:
        query = table.exists().where((table.slug == slug) & (table.id != own_id))
    return await query


async def save_organisation(
    actor: Principal, values: dict[str, str], org: Organisation | None = None
) -> Organisation:
    errors: dict[str, str] = {}
    name = require(
        values, errors, "name", "Enter the organisation's name", column=Organisation.name
    )
    check_lengths(values, errors, {"short_name": Organisation.short_name})
    short = values.get("short_name", "").strip()
    slug = slugify(values.get("slug") or name)
    if values.get("sector") not in {s.value for s in Sector}:
        errors["sector"] = "Choose the organisation's sector"
    website = values.get("website", "").strip()
    if website and (not valid_url(website) or len(website) > column_limit(Organisation.website)):
        errors["website"] = "Enter a web address starting with https://"
    if name and not slug:
        errors["name"] = "The name must contain letters or numbers"
    elif slug and await slug_taken(Organisation, slug, org.id if org else None):
        errors["name"] = "An organisation with this name already exists"
    if errors:
        raise FormError(errors)
    async with Organisation._meta.db.transaction():
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
    name = require(values, errors, "name", "Enter the person's full name", column=Person.name)
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
    if phone and (
        len(phone) > column_limit(Person.phone)
        or not all(c.isdigit() or c in " +()-" for c in phone)
    ):
        errors["phone"] = "Enter a phone number, like 020 7364 5000"
    if errors:
        raise FormError(errors)
    async with Person._meta.db.transaction():
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

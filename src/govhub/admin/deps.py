"""What admin routes need, loaded before the handler runs: 404 when absent.

The rows an admin picks by id (an organisation, a person, a body) and a membership of the body
its secretary manages (that body is ``managed_body`` from :mod:`govhub.governance.deps`).
"""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.errors import NotFound
from govhub.governance.deps import MANAGED_BODY, ManagedBody
from govhub.governance.tables import Body, Membership, Organisation, Person

__all__ = [
    "EXISTING_BODY",
    "MEMBERSHIP",
    "ORGANISATION",
    "PERSON",
    "ChosenMembership",
    "ChosenOrganisation",
    "ChosenPerson",
    "ExistingBody",
]


async def _by_id(table, row_id: int):
    row = await table.objects().where(table.id == row_id).first()
    if row is None:
        raise NotFound()
    return row


async def provide_organisation(org_id: FromPath[int]) -> Organisation:
    return await _by_id(Organisation, org_id)


async def provide_person(person_id: FromPath[int]) -> Person:
    return await _by_id(Person, person_id)


async def provide_existing_body(body_id: FromPath[int]) -> Body:
    return await _by_id(Body, body_id)


async def provide_membership(managed_body: ManagedBody, membership_id: FromPath[int]) -> Membership:
    """A membership of the managed body (another body's membership is "not found")."""
    membership = (
        await Membership.objects()
        .where((Membership.id == membership_id) & (Membership.body == managed_body.id))
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


ChosenOrganisation = NamedDependency[Organisation]
ChosenPerson = NamedDependency[Person]
ExistingBody = NamedDependency[Body]
ChosenMembership = NamedDependency[Membership]

ORGANISATION = {"organisation": Provide(provide_organisation)}
"""On a route with ``{org_id:int}``: the handler takes ``organisation: ChosenOrganisation``."""

PERSON = {"person": Provide(provide_person)}
"""On a route with ``{person_id:int}``: the handler takes ``person: ChosenPerson``."""

EXISTING_BODY = {"existing_body": Provide(provide_existing_body)}
"""On a route with ``{body_id:int}``: the handler takes ``existing_body: ExistingBody``."""

MEMBERSHIP = {**MANAGED_BODY, "membership": Provide(provide_membership)}
"""On a route with ``{slug}`` and ``{membership_id:int}``: ``managed_body`` and ``membership``."""

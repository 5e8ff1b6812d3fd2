"""What governance routes need, loaded before the handler runs: 404 when absent or not visible.

``visible_body`` is the body named by the route's ``{slug}`` as the person may see it;
``managed_body`` the same, only for its secretary or an admin ("may manage this body", said
once, here). Litestar keeps the parameter name ``body`` for the raw request body, so the names
say which check was made instead.
"""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.errors import NotFound
from govhub.governance import services
from govhub.governance.tables import Body, Organisation
from govhub.web.guards import Me

__all__ = [
    "BODY",
    "MANAGED_BODY",
    "ORGANISATION",
    "ManagedBody",
    "ShownOrganisation",
    "VisibleBody",
    "provide_body",
    "provide_managed_body",
    "provide_organisation",
]


async def provide_body(slug: FromPath[str], principal: Me) -> Body:
    """The body at ``{slug}``, if ``principal`` may see it."""
    body = await services.body_by_slug(slug, principal)
    if body is None:
        raise NotFound()
    return body


async def provide_managed_body(slug: FromPath[str], principal: Me) -> Body:
    """The body at ``{slug}``, for its secretary or an admin; "not found" for anyone else."""
    body = await provide_body(slug, principal)
    if not principal.can_manage_body(body.id):
        raise NotFound()
    return body


async def provide_organisation(slug: FromPath[str]) -> Organisation:
    """The organisation at ``{slug}`` (every organisation is public)."""
    organisation = await services.organisation_by_slug(slug)
    if organisation is None:
        raise NotFound()
    return organisation


VisibleBody = NamedDependency[Body]
"""A handler parameter ``visible_body: VisibleBody`` (with ``dependencies=BODY``)."""

ManagedBody = NamedDependency[Body]
"""A handler parameter ``managed_body: ManagedBody`` (with ``dependencies=MANAGED_BODY``)."""

ShownOrganisation = NamedDependency[Organisation]
"""A handler parameter ``organisation: ShownOrganisation`` (with ``dependencies=ORGANISATION``)."""

BODY = {"visible_body": Provide(provide_body)}
"""``dependencies=BODY`` on a route with ``{slug}``: the handler takes ``visible_body: Body``."""

MANAGED_BODY = {"managed_body": Provide(provide_managed_body)}
"""``dependencies=MANAGED_BODY``: the handler takes ``managed_body: Body``, a body this person
manages."""

ORGANISATION = {"organisation": Provide(provide_organisation)}
"""``dependencies=ORGANISATION`` on a route with ``{slug}``: the handler takes
``organisation: Organisation``."""

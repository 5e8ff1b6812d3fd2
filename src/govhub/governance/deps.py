"""What governance routes need, loaded before the handler runs: 404 when absent or not visible.

``body`` is the body named by the route's ``{slug}`` as the person may see it; ``managed_body``
the same, only for its secretary or an admin ("may manage this body", said once, here).
"""

from __future__ import annotations

from litestar.di import Provide

from govhub.governance.principal import Principal
from govhub.errors import NotFound
from govhub.governance import services
from govhub.governance.tables import Body

__all__ = ["BODY", "MANAGED_BODY", "provide_body", "provide_managed_body"]


async def provide_body(slug: str, principal: Principal) -> Body:
    """The body at ``{slug}``, if ``principal`` may see it."""
    body = await services.body_by_slug(slug, principal)
    if body is None:
        raise NotFound()
    return body


async def provide_managed_body(slug: str, principal: Principal) -> Body:
    """The body at ``{slug}``, for its secretary or an admin; "not found" for anyone else."""
    body = await provide_body(slug, principal)
    if not principal.can_manage_body(body.id):
        raise NotFound()
    return body


BODY = {"body": Provide(provide_body)}
"""``dependencies=BODY`` on a route with ``{slug}``: the handler takes ``body: Body``."""

MANAGED_BODY = {"body": Provide(provide_managed_body)}
"""``dependencies=MANAGED_BODY``: the handler takes ``body: Body``, a body this person manages."""

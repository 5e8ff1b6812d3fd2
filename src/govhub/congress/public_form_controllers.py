"""A limit per client on a public form, shared by every web process, in one line:

    @post(..., before_request=per_client(SOME_LIMIT))

It runs before the form is read (and before the route's dependencies): over the limit, the
visitor gets a plain page in their language saying when to try again (429, ``Retry-After``).
The counting is :func:`govhub.accounts.ratelimit.hit`, one atomic database upsert, keyed by
:func:`govhub.web.clients.client_address`. ``exempt`` names who is not limited.

(It stands in for the controller's ``before_request``, so it chooses the page's language too.)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable

from litestar import Request, Response

from govhub import clock
from govhub.accounts import ratelimit
from govhub.accounts.ratelimit import Limit
from govhub.congress import editions, organiser
from govhub.web.clients import client_address
from govhub.web.guards import current_principal
from govhub.web.language import use_language
from govhub.web.pages import page

__all__ = ["organiser_of_the_edition", "per_client", "too_many"]

Exempt = Callable[[Request], Awaitable[bool]]


def per_client(
    limit: Limit, *, exempt: Exempt | None = None
) -> Callable[[Request], Awaitable[Response | None]]:
    """A ``before_request`` hook counting each request against ``limit`` for its client."""

    async def within_the_limit(request: Request) -> Response | None:
        use_language(request)
        if exempt is not None and await exempt(request):
            return None
        verdict = await ratelimit.hit(limit, f"client:{client_address(request)}")
        return None if verdict.allowed else too_many(verdict.retry_after)

    return within_the_limit


def too_many(wait: dt.timedelta) -> Response:
    """429: "try again in N minutes, at HH:MM", with ``Retry-After`` in seconds."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    response = page(
        "congress/too_many.html",
        status_code=429,
        minutes=max(1, math.ceil(seconds / 60)),
        retry_at=clock.now() + dt.timedelta(seconds=seconds),
    )
    response.headers["retry-after"] = str(seconds)
    return response


async def organiser_of_the_edition(request: Request) -> bool:
    """Whether the signed-in visitor organises the edition at the route's ``{slug}`` (they
    register groups of residents, so the limit is not for them)."""
    principal = current_principal(request)
    if not principal.signed_in:
        return False
    edition = await editions.edition_by_slug(str(request.path_params.get("slug", "")))
    return edition is not None and organiser.can_organise(principal, edition)

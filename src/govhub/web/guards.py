"""Who may reach a route. Signed-out visitors are sent to sign in; signed-in people without
the right get "not found", so a confidential page looks the same as one that does not exist."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers import BaseRouteHandler

from govhub.governance.principal import ANONYMOUS, Principal

__all__ = [
    "Me",
    "TwoFactorRequired",
    "current_principal",
    "provide_principal",
    "requires_admin",
    "requires_sign_in",
]


Me = NamedDependency[Principal]
"""A handler parameter ``principal: Me`` receives the person making the request."""


def current_principal(connection: ASGIConnection) -> Principal:
    return connection.scope.get("state", {}).get("principal", ANONYMOUS)


async def provide_principal(request: ASGIConnection) -> Principal:
    """Dependency: the person making the request (anonymous when signed out)."""
    return current_principal(request)


def requires_sign_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not current_principal(connection).signed_in:
        raise NotAuthorizedException()


class TwoFactorRequired(NotAuthorizedException):
    """An admin account without two-factor: it is sent to set it up, not told "not found"."""


def requires_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    principal = current_principal(connection)
    if not principal.signed_in:
        raise NotAuthorizedException()
    if not principal.is_admin:
        session = connection.scope.get("state", {}).get("session")
        if session is not None and session.user.is_admin and not session.user.totp_enabled:
            raise TwoFactorRequired()
        raise NotFoundException()

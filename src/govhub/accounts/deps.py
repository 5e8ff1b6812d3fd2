"""What account routes need, loaded before the handler runs: 404 when absent."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.accounts import services
from govhub.accounts.tables import PasswordResetToken
from govhub.errors import NotFound

__all__ = ["RESET_LINK", "ResetLink"]


async def provide_reset_link(token: FromPath[str]) -> PasswordResetToken:
    """The unused, unexpired reset (or invitation) link at ``{token}``; expired looks absent."""
    row = await services.find_reset_token(token)
    if row is None:
        raise NotFound()
    return row


ResetLink = NamedDependency[PasswordResetToken]
RESET_LINK = {"reset_link": Provide(provide_reset_link)}
"""On a route with ``{token:str}``: the handler takes ``reset_link: ResetLink``."""

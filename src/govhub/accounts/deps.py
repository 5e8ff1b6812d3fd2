"""What account routes need, loaded before the handler runs."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.accounts import links

__all__ = ["RESET_LINK", "ResetLink"]


async def provide_reset_link(token: FromPath[str]) -> links.LinkCheck:
    """The reset (or invitation) link at ``{token}``: its row, or why it does not work."""
    return await links.check_link(token)


ResetLink = NamedDependency[links.LinkCheck]
RESET_LINK = {"reset_link": Provide(provide_reset_link)}
"""On a route with ``{token:str}``: the handler takes ``reset_link: ResetLink``."""

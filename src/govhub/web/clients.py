"""Who is asking: the client's network address, for per-client limits."""

from __future__ import annotations

from litestar import Request

__all__ = ["client_address"]


def client_address(request: Request) -> str:
    """The address of the client that sent ``request`` ("unknown" when the server gives none)."""
    return request.client.host if request.client else "unknown"

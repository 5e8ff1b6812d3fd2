"""Who is asking: the client's network address, for per-client limits.

``X-Forwarded-For`` is believed only from the proxies named in ``GOVHUB_TRUSTED_PROXIES``
(none by default): anyone else could write any address there and dodge every limit.
"""

from __future__ import annotations

import ipaddress

from litestar import Request

from govhub.settings import get_settings

__all__ = ["client_address"]


def client_address(request: Request) -> str:
    """The address of the client that sent ``request`` ("unknown" when the server gives none).

    From a trusted proxy, the nearest address in ``X-Forwarded-For`` that is not itself a
    trusted proxy (the right-most: those further left were written by the client).
    """
    peer = request.client.host if request.client else "unknown"
    settings = getattr(request.app.state, "settings", None) or get_settings()
    trusted = settings.trusted_proxy_networks
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [
        value.decode("latin-1")
        for name, value in request.scope["headers"]
        if name == b"x-forwarded-for"
    ]
    hops = [hop.strip() for hop in ",".join(forwarded).split(",") if hop.strip()]
    address = peer
    for hop in reversed(hops):
        if not _is_address(hop):
            break  # nonsense from the client: the last proxy is as far as we can see
        address = hop
        if not _is_trusted(hop, trusted):
            break
    return address


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_trusted(host: str, networks: list) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)

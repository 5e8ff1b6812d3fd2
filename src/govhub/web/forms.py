"""Reading submitted forms."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from litestar import Request

__all__ = ["form_values", "safe_next"]


async def form_values(request: Request, *names: str) -> dict[str, str]:
    """The named fields as stripped strings ('' when missing); files and repeats are ignored."""
    form = await request.form()
    values = {}
    for name in names:
        value = form.get(name, "")
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


_NOT_IN_A_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """A path on this site to go to next (after signing in, after a change); anything else goes
    to ``default``: another site (``//evil``, ``/\\evil``, ``https://…``), a scheme
    (``javascript:``), and any space, backslash or control character, which browsers strip or
    turn into a slash (``/<tab>/evil`` is ``//evil`` to them)."""
    if (
        target
        and len(target) <= 2000
        and target.startswith("/")
        and not target.startswith("//")
        and not _NOT_IN_A_PATH.search(target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default

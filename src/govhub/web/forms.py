"""Reading submitted forms."""

from __future__ import annotations

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


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """A local path to go to after signing in; anything else (another site) goes to ``default``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default

"""Rendering a page template, or just one block of it for htmx."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.plugins.htmx import HTMXRequest

__all__ = ["page"]


def page(
    template: str,
    request: HTMXRequest | None = None,
    block: str | None = None,
    status_code: int = 200,
    **context,
) -> HTMXBlockTemplate:
    """The whole page, or only ``block`` when htmx asks for it (but not to restore history).

    One template per URL: the same handler serves the page and its htmx partial.
    """
    htmx = request.htmx if request is not None else None
    partial = block if htmx and not htmx.history_restore_request else None
    return HTMXBlockTemplate(
        template_name=template, block_name=partial, context=context, status_code=status_code
    )

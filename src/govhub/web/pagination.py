"""One page of a long list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

__all__ = ["Page", "paginate"]

PER_PAGE = 25


@dataclass
class Page:
    items: list[Any]
    number: int
    total: int
    per_page: int
    params: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def link(self, number: int) -> str:
        return "?" + urlencode({**{k: v for k, v in self.params.items() if v}, "page": number})


async def paginate(
    query, count_query, page: int | None, params: dict[str, str], per_page: int = PER_PAGE
) -> Page:
    """``query`` and ``count_query`` are the same filtered Piccolo query, as objects and count."""
    total = await count_query
    number = min(max(1, page or 1), max(1, -(-total // per_page)))
    items = await query.limit(per_page).offset((number - 1) * per_page)
    return Page(items=items, number=number, total=total, per_page=per_page, params=params)

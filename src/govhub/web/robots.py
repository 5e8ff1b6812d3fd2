"""``/robots.txt``: keep crawlers to the public pages, away from forms and personal feeds."""

from __future__ import annotations

from litestar import MediaType, Response, get

__all__ = ["robots_txt"]

ROBOTS = b"""User-agent: *
Disallow: /account
Disallow: /admin
Disallow: /calendar/
Disallow: /dashboard
Disallow: /manage/
Disallow: /sign-in
"""


@get("/robots.txt", include_in_schema=False, cache=False)
async def robots_txt() -> Response[bytes]:
    """A constant answer; also the cheapest route, which the benchmarks compare pages with."""
    return Response(
        ROBOTS, media_type=MediaType.TEXT, headers={"cache-control": "public, max-age=86400"}
    )

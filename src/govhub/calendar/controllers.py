"""Calendar downloads and feeds: one meeting's invite, a body's public meetings, a person's
own feed at its secret address.

Calendar apps poll feeds, so each answer carries an ETag and Last-Modified, and a request
that already has the current version gets 304 with no body.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from govhub.calendar.feeds import CalendarFile, body_calendar, meeting_invite
from govhub.calendar.personal import personal_calendar
from govhub.meetings.papers import PRIVATE
from govhub.web.guards import Me

__all__ = ["CalendarController"]

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8"


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"``."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _not_modified_since(header: str, last_modified: dt.datetime | None) -> bool:
    if last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


def _is_unchanged(request: Request, etag: str, last_modified: dt.datetime | None) -> bool:
    """RFC 9110: If-None-Match decides when it is sent; If-Modified-Since only without it."""
    if (match := request.headers.get("if-none-match")) is not None:
        return _etag_matches(match, etag)
    if (since := request.headers.get("if-modified-since")) is not None:
        return _not_modified_since(since, last_modified)
    return False


def calendar_response(
    request: Request, calendar: CalendarFile, *, disposition: str
) -> Response[bytes]:
    etag = calendar.etag()
    headers = {
        "etag": etag,
        "cache-control": "no-cache" if calendar.public else PRIVATE,
        "content-disposition": f'{disposition}; filename="{calendar.filename}"',
    }
    if calendar.last_modified is not None:
        headers["last-modified"] = format_datetime(
            calendar.last_modified.astimezone(dt.UTC), usegmt=True
        )
    if _is_unchanged(request, etag, calendar.last_modified):
        del headers["content-disposition"]
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=calendar.to_ical(), media_type=MEDIA_TYPE, headers=headers)


class CalendarController(Controller):
    include_in_schema = False

    @get("/meetings/{meeting_id:int}/invite.ics")
    async def invite(
        self, request: Request, principal: Me, meeting_id: FromPath[int]
    ) -> Response[bytes]:
        calendar = await meeting_invite(meeting_id, principal)
        return calendar_response(request, calendar, disposition="attachment")

    @get("/bodies/{slug:str}/calendar.ics")
    async def body_feed(
        self, request: Request, principal: Me, slug: FromPath[str]
    ) -> Response[bytes]:
        calendar = await body_calendar(slug, principal)
        return calendar_response(request, calendar, disposition="inline")

    @get("/calendar/{feed:str}")
    async def personal_feed(self, request: Request, feed: FromPath[str]) -> Response[bytes]:
        """``/calendar/<token>.ics``: no sign-in (calendar apps have none), the token is the key."""
        token = feed.removesuffix(".ics")
        if token == feed or not 20 <= len(token) <= 100:
            raise NotFoundException()
        calendar = await personal_calendar(token)
        response = calendar_response(request, calendar, disposition="inline")
        # The address is a secret: keep it out of other sites' logs.
        response.headers["referrer-policy"] = "no-referrer"
        return response

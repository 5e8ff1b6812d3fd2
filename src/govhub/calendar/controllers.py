"""Calendar downloads and feeds: one meeting's invite, a body's public meetings, a person's
own feed at its secret address.

Calendar apps poll feeds, so each answer carries an ETag and Last-Modified, and a request
that already has the current version gets 304 with no body. HEAD answers as GET does, without
the body. Each representation has its own ETag: the gzip one (compressed here, not by the app's
middleware, so the ETag can say so) a weak ``W/"..."``, the plain one strong; ``Vary:
Accept-Encoding`` tells caches that the answer depends on it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from litestar import Controller, Request, post, route
from litestar.enums import HttpMethod
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter
from litestar.response import Redirect, Response

from govhub.calendar.deps import FEED_OWNER, FeedOwner
from govhub.calendar.feed_cache import BuiltFeed, built_feed
from govhub.calendar.feed_tokens import ALARM_CHOICES, feed_alarm, set_feed_alarm
from govhub.calendar.feeds import CalendarFile
from govhub.governance.deps import BODY, VisibleBody
from govhub.meetings.calendar import body_calendar, meeting_invite
from govhub.meetings.deps import MEETING, VisibleMeeting
from govhub.meetings.papers import PRIVATE
from govhub.personal.feed import calendar_for
from govhub.web.forms import form_values
from govhub.web.guards import requires_sign_in

__all__ = ["CalendarController"]

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8"
GZIP_MINIMUM = 1024  # as the app's CompressionConfig
SKIP_COMPRESSION = "skip_compression"  # the app's CompressionConfig.exclude_opt_key


def accepts_gzip(header: str) -> bool:
    """Accept-Encoding names gzip (or ``*``) with a quality above zero (RFC 9110 12.5.3)."""
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() not in ("gzip", "x-gzip", "*"):
            continue
        quality = re.search(r"q\s*=\s*([0-9.]+)", params)
        try:
            return quality is None or float(quality.group(1)) > 0
        except ValueError:
            return False
    return False


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


@dataclass(frozen=True)
class Revalidation:
    """What a calendar app sends to ask "has it changed?" (declared, so the API document and
    its fuzzing know about them)."""

    if_none_match: str | None = None
    if_modified_since: str | None = None

    def unchanged(self, etag: str, last_modified: dt.datetime | None) -> bool:
        """RFC 9110: If-None-Match decides when it is sent; If-Modified-Since only without it."""
        if self.if_none_match is not None:
            return _etag_matches(self.if_none_match, etag)
        if self.if_modified_since is not None:
            return _not_modified_since(self.if_modified_since, last_modified)
        return False


IfNoneMatch = Annotated[
    str | None, HeaderParameter(name="If-None-Match", description="An ETag this app already has")
]
IfModifiedSince = Annotated[
    str | None,
    HeaderParameter(name="If-Modified-Since", description="The Last-Modified this app already has"),
]


def calendar_response(
    feed: BuiltFeed | CalendarFile,
    revalidation: Revalidation,
    request: Request,
    *,
    disposition: str,
) -> Response[bytes]:
    if isinstance(feed, CalendarFile):
        feed = BuiltFeed(calendar=feed, etag=feed.etag())
    calendar = feed.calendar
    body = feed.to_ical()
    compressed = accepts_gzip(request.headers.get("accept-encoding", ""))
    compressed = compressed and len(body) >= GZIP_MINIMUM
    etag = f"W/{feed.etag}" if compressed else feed.etag
    headers = {
        "etag": etag,
        "vary": "Accept-Encoding",
        "cache-control": "no-cache" if calendar.public else PRIVATE,
        "content-disposition": f'{disposition}; filename="{calendar.filename}"',
    }
    if calendar.last_modified is not None:
        headers["last-modified"] = format_datetime(
            calendar.last_modified.astimezone(dt.UTC), usegmt=True
        )
    if revalidation.unchanged(feed.etag, calendar.last_modified):
        del headers["content-disposition"]
        return Response(content=b"", status_code=304, headers=headers)
    if compressed:
        body = gzip.compress(body, compresslevel=5, mtime=0)  # the same bytes every time
        headers["content-encoding"] = "gzip"
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        body = b""
    return Response(content=body, media_type=MEDIA_TYPE, headers=headers)


# Calendar apps and scripts fetch these, so they are in the OpenAPI document (and fuzzed).
_FEED_RESPONSES = {
    304: ResponseSpec(
        data_container=None,
        description="Unchanged since the ETag (If-None-Match) or date (If-Modified-Since) sent",
    ),
    404: ResponseSpec(
        data_container=None, description="No such calendar, or not one this visitor may see"
    ),
}
_FEED = {
    "http_method": [HttpMethod.GET, HttpMethod.HEAD],
    "include_in_schema": True,
    "media_type": MEDIA_TYPE,
    "responses": _FEED_RESPONSES,
    "opt": {SKIP_COMPRESSION: True},
}


class CalendarController(Controller):
    tags = ["Calendars"]

    @route(
        "/meetings/{meeting_id:int}/invite.ics",
        name="meeting_invite",
        summary="One meeting as an iCalendar file",
        dependencies=MEETING,
        **_FEED,
    )
    async def invite(
        self,
        request: Request,
        meeting: VisibleMeeting,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
    ) -> Response[bytes]:
        calendar = await meeting_invite(meeting)
        revalidation = Revalidation(if_none_match, if_modified_since)
        return calendar_response(calendar, revalidation, request, disposition="attachment")

    @route(
        "/bodies/{slug:str}/calendar.ics",
        name="body_calendar",
        summary="A body's public meetings as a feed",
        dependencies=BODY,
        **_FEED,
    )
    async def body_feed(
        self,
        request: Request,
        visible_body: VisibleBody,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
    ) -> Response[bytes]:
        calendar = await body_calendar(visible_body)
        revalidation = Revalidation(if_none_match, if_modified_since)
        return calendar_response(calendar, revalidation, request, disposition="inline")

    @route(
        "/calendar/{feed:str}",
        name="personal_feed",
        summary="A person's own feed at its secret address",
        dependencies=FEED_OWNER,
        **_FEED,
    )
    async def personal_feed(
        self,
        request: Request,
        owner: FeedOwner,
        if_none_match: IfNoneMatch = None,
        if_modified_since: IfModifiedSince = None,
    ) -> Response[bytes]:
        """``/calendar/<token>.ics``: no sign-in (calendar apps have none), the token is the key."""
        # Everything the feed shows follows from these (the email finds congress places; the
        # alarm is kept with the feed's address, which the data version does not count).
        minutes = await feed_alarm(owner.id)
        alarm = dt.timedelta(minutes=minutes) if minutes else None
        key = ("personal", owner.id, owner.person, owner.email, minutes)
        feed = await built_feed(key, lambda: calendar_for(owner, alarm))
        revalidation = Revalidation(if_none_match, if_modified_since)
        response = calendar_response(feed, revalidation, request, disposition="inline")
        # The address is a secret: keep it out of other sites' logs.
        response.headers["referrer-policy"] = "no-referrer"
        return response

    @post(
        "/account/calendar-feed/reminder",
        name="feed_reminder",
        guards=[requires_sign_in],
        include_in_schema=False,
    )
    async def feed_reminder(self, request: Request) -> Redirect:
        """The reminder (VALARM) the member's own feed sets for each event, or none."""
        user = request.scope["state"]["session"].user
        values = await form_values(request, "alarm")
        text = values.get("alarm", "")
        minutes = int(text) if text.isascii() and text.isdigit() else -1
        url = request.app.route_reverse("account")
        if minutes not in ALARM_CHOICES:
            return Redirect(f"{url}#calendar-feed", status_code=303)  # only the list is offered
        await set_feed_alarm(user.id, minutes)
        return Redirect(f"{url}?done=feed-reminder#calendar-feed", status_code=303)

"""A meeting in calendars: the event it shows (in invites, feeds and downloads), one meeting's
invite file and a body's public feed. The file and its bytes are made by :mod:`govhub.calendar`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from govhub import clock
from govhub.calendar.feeds import FEED_HISTORY, CalendarFile, partnership_organiser
from govhub.calendar.ics import CalAddress, CalendarEvent
from govhub.governance.tables import Body
from govhub.meetings.rsvp_links import reply_mailbox
from govhub.meetings.tables import AgendaState, Meeting, MeetingStatus
from govhub.settings import Settings, get_settings

__all__ = [
    "body_calendar",
    "meeting_event",
    "meeting_invite",
    "meeting_url",
    "organiser_for",
]


async def organiser_for(body_id: int, settings: Settings | None = None) -> CalAddress:
    """The body's organiser in calendars: the partnership's reply mailbox under the body's
    name. Stable for the life of every meeting (a new secretary changes nothing), so clients
    never see a different organiser under the same UID; an invitation adds its attendee's
    token (:func:`govhub.meetings.rsvp_links.reply_organiser`)."""
    body = await Body.objects().where(Body.id == body_id).first()
    local, domain = reply_mailbox(settings)
    fallback = partnership_organiser(settings)
    return CalAddress(email=f"{local}@{domain}", name=body.name if body else fallback.name)


def meeting_url(meeting_id: int, settings: Settings | None = None) -> str:
    return f"{(settings or get_settings()).base_url}/meetings/{meeting_id}"


def _summary(meeting: Meeting, body: Body) -> str:
    """The body's name and the title, unless the title already says which body it is."""
    title = meeting.title
    names = [n for n in (body.name, body.short_name) if n]
    if any(re.search(rf"\b{re.escape(n)}\b", title, re.IGNORECASE) for n in names):
        return title
    return f"{body.name}: {title}"


def _location(meeting: Meeting) -> str:
    if meeting.venue and meeting.online_link:
        return f"{meeting.venue}, or online: {meeting.online_link}"
    return meeting.venue or meeting.online_link


def _description(meeting: Meeting, body: Body, url: str) -> str:
    lines = [body.name]
    if meeting.status == MeetingStatus.cancelled:
        lines.append(f"This meeting has been cancelled: {meeting.cancel_reason}")
    if meeting.agenda_state == AgendaState.published:
        lines.append(f"Agenda and papers: {url}/pack")
    else:
        lines.append(f"The agenda will be published at {url}")
    if meeting.online_link:
        lines.append(f"Join online: {meeting.online_link}")
    return "\n".join(lines)


def meeting_event(
    meeting: Meeting,
    organiser: CalAddress,
    *,
    minimal: bool = False,
    attendees: Iterable[CalAddress] = (),
    alarm: dt.timedelta | None = None,
    settings: Settings | None = None,
) -> CalendarEvent:
    """The VEVENT for ``meeting`` (its body loaded).

    ``minimal`` is for someone who may know a private meeting takes place but not what it is:
    the time and status only, from the partnership's address, with no place or links.
    """
    settings = settings or get_settings()
    common = {
        "uid": meeting.uid,
        "sequence": meeting.sequence,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "cancelled": meeting.status == MeetingStatus.cancelled,
        "attendees": tuple(attendees),
        "alarm": alarm,
        "last_modified": _last_modified([meeting]),
    }
    if minimal:
        return CalendarEvent(
            summary="Private meeting",
            organiser=partnership_organiser(settings),
            private=True,
            **common,
        )
    body = meeting.body
    url = meeting_url(meeting.id, settings)
    return CalendarEvent(
        summary=_summary(meeting, body),
        organiser=organiser,
        location=_location(meeting),
        description=_description(meeting, body, url),
        url=url,
        private=not _is_public(meeting),
        **common,
    )


def _last_modified(meetings: Iterable[Meeting]) -> dt.datetime | None:
    moments = [
        moment
        for m in meetings
        for moment in (m.created_at, m.updated_at, m.agenda_published_at)
        if moment is not None
    ]
    return max(moments, default=None)


def _is_public(meeting: Meeting) -> bool:
    return bool(meeting.is_public) and bool(meeting.body.is_public)


async def meeting_invite(meeting: Meeting) -> CalendarFile:
    """One meeting (loaded with its body, by whoever may see it) as a calendar file."""
    organiser = await organiser_for(meeting.body.id)
    day = meeting.starts_at.astimezone(get_settings().zone).date()
    return CalendarFile(
        events=[meeting_event(meeting, organiser)],
        filename=f"{meeting.body.slug}-{day.isoformat()}.ics",
        last_modified=_last_modified([meeting]),
        public=_is_public(meeting),
    )


async def body_calendar(body: Body) -> CalendarFile:
    """A body's public meetings from the last twelve months on, cancelled ones included."""
    everything = (
        await Meeting.objects(Meeting.body)
        .where(Meeting.body == body.id)
        .order_by(Meeting.starts_at)
        .order_by(Meeting.id)
    )
    since = clock.now() - FEED_HISTORY
    shown = [m for m in everything if m.is_public and m.ends_at >= since]
    organiser = await organiser_for(body.id)
    return CalendarFile(
        events=[meeting_event(m, organiser) for m in shown],
        filename=f"{body.slug}.ics",
        # Every meeting of the body counts: one made private leaves the feed and changes it.
        last_modified=_last_modified(everything),
        public=bool(body.is_public),
        name=body.name,
    )

"""A person's own calendar feed: every meeting of every body they sit on, and their congress
registrations, at the secret address made by :mod:`govhub.calendar.feed_tokens`.

It composes two areas (meetings and congress), so it stands above both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from govhub import clock
from govhub.accounts.tables import User
from govhub.calendar.feed_tokens import feed_owner
from govhub.calendar.feeds import FEED_HISTORY, CalendarFile
from govhub.calendar.ics import CalendarEvent
from govhub.congress.calendar import registration_events
from govhub.governance.tables import Membership
from govhub.meetings.calendar import meeting_event, organiser_for
from govhub.meetings.tables import Meeting
from govhub.settings import get_settings

__all__ = ["calendar_for", "personal_calendar"]


async def personal_calendar(token: str) -> CalendarFile:
    """The feed behind ``token`` (see :func:`feed_owner` for who gets 404)."""
    return await calendar_for(await feed_owner(token))


async def calendar_for(user: User, alarm: dt.timedelta | None = None) -> CalendarFile:
    """``user``'s feed: from their memberships, their bodies' meetings and their congress
    registrations (by email), all tracked by the data version, so it may be cached under it
    (with ``alarm``, the reminder they chose for each event, which it does not track).

    It has no Last-Modified: much of what it shows changes without a time being recorded (a
    term ended, a congress session renamed), so the ETag, made from everything it shows, is
    its one validator (RFC 9110 8.8.2: send Last-Modified only when it can be relied on)."""
    memberships = await Membership.objects().where(Membership.person == user.person)
    since = clock.now() - FEED_HISTORY
    zone = get_settings().zone
    events: list[CalendarEvent] = []
    body_ids = sorted({m.body for m in memberships})
    meetings = (
        await Meeting.objects(Meeting.body)
        .where(Meeting.body.is_in(body_ids) & (Meeting.ends_at >= since))
        .order_by(Meeting.starts_at)
        .order_by(Meeting.id)
        if body_ids
        else []
    )
    organisers = {body_id: await organiser_for(body_id) for body_id in body_ids}
    for meeting in meetings:
        day = meeting.starts_at.astimezone(zone).date()
        terms = [m for m in memberships if m.body == meeting.body.id]
        if any(m.start_date <= day and (m.end_date is None or day <= m.end_date) for m in terms):
            events.append(meeting_event(meeting, organisers[meeting.body.id], alarm=alarm))
    events += [dataclasses.replace(e, alarm=alarm) for e in await registration_events(user.email)]
    return CalendarFile(
        events=events,
        filename="govhub.ics",
        last_modified=None,
        public=False,
        name="Tower Hamlets Partnership: my meetings",
    )

"""A person's own calendar feed: every meeting of every body they sit on, and their congress
registrations, at the secret address made by :mod:`govhub.calendar.feed_tokens`.

It composes two areas (meetings and congress), so it stands above both.
"""

from __future__ import annotations

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


async def calendar_for(user: User) -> CalendarFile:
    """``user``'s feed: from their memberships, their bodies' meetings and their congress
    registrations (by email), all tracked by the data version, so it may be cached under it."""
    memberships = await Membership.objects().where(Membership.person == user.person)
    since = clock.now() - FEED_HISTORY
    zone = get_settings().zone
    events: list[CalendarEvent] = []
    moments: list[dt.datetime] = []
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
        # Moments count for every meeting of the person's bodies, shown or not, so a change
        # that takes one out of the feed changes the feed's validators too.
        moments += [t for t in (meeting.updated_at, meeting.agenda_published_at) if t]
        if any(m.start_date <= day and (m.end_date is None or day <= m.end_date) for m in terms):
            events.append(meeting_event(meeting, organisers[meeting.body.id]))
    events += await registration_events(user.email)
    moments += [m.created_at for m in memberships if m.created_at]
    return CalendarFile(
        events=events,
        filename="govhub.ics",
        last_modified=max(moments, default=None),
        public=False,
        name="Tower Hamlets Partnership: my meetings",
    )

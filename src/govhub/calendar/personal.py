"""A person's own calendar feed: every meeting of every body they sit on, at a secret address.

The address is ``/calendar/<token>.ics``. The token (256 bits) is an HMAC of the person's
account and a random nonce under the secret key; the table keeps the nonce and the token's
hash, so the address can be shown again on the account page, while a copy of the table alone
does not give it away. Making a new address replaces the nonce: the old one stops working.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from govhub import clock
from govhub.accounts.secrets import hash_token
from govhub.accounts.tables import User
from govhub.calendar.feeds import FEED_HISTORY, CalendarFile, meeting_event, organiser_for
from govhub.calendar.ics import MeetingEvent
from govhub.calendar.tables import FeedToken
from govhub.errors import NotFound
from govhub.governance.tables import Membership
from govhub.meetings.tables import Meeting
from govhub.settings import get_settings

__all__ = [
    "calendar_for",
    "feed_owner",
    "feed_path",
    "feed_token_for",
    "personal_calendar",
    "regenerate_feed_token",
]


def _token(user_id: int, nonce: str) -> str:
    key = get_settings().resolved_secret_key().encode()
    digest = hmac.new(key, f"feed|{user_id}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


async def feed_token_for(user_id: int) -> str:
    """The person's feed token, made on first use."""
    row = await FeedToken.objects().where(FeedToken.user == user_id).first()
    if row is not None:
        return _token(user_id, row.nonce)
    return await regenerate_feed_token(user_id)


async def regenerate_feed_token(user_id: int) -> str:
    """A new address for the person's feed; the old one answers 404 from now on."""
    nonce = secrets.token_urlsafe(24)
    token = _token(user_id, nonce)
    async with FeedToken._meta.db.transaction():
        updated = (
            await FeedToken.update(
                {FeedToken.nonce: nonce, FeedToken.token_hash: hash_token(token)}
            )
            .where(FeedToken.user == user_id)
            .returning(FeedToken.id)
        )
        if not updated:
            await FeedToken.insert(
                FeedToken(user=user_id, nonce=nonce, token_hash=hash_token(token))
            )
    return token


async def _registration_events(email: str) -> list[MeetingEvent]:
    from govhub.congress.calendar import registration_events

    return await registration_events(email)


async def feed_owner(token: str) -> User:
    """Whose feed ``token`` opens: 404 for a token that is unknown, replaced, or whose account
    is switched off. Asked on every request, cached feed or not."""
    row = await FeedToken.objects().where(FeedToken.token_hash == hash_token(token)).first()
    if row is None:
        raise NotFound()
    user = await User.objects().where((User.id == row.user) & User.is_active.eq(True)).first()
    if user is None:
        raise NotFound()
    return user


async def personal_calendar(token: str) -> CalendarFile:
    """The feed behind ``token`` (see :func:`feed_owner` for who gets 404)."""
    return await calendar_for(await feed_owner(token))


async def calendar_for(user: User) -> CalendarFile:
    """``user``'s feed: from their memberships, their bodies' meetings and their congress
    registrations (by email), all tracked by the data version, so it may be cached under it."""
    memberships = await Membership.objects().where(Membership.person == user.person)
    since = clock.now() - FEED_HISTORY
    zone = get_settings().zone
    events: list[MeetingEvent] = []
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
    events += await _registration_events(user.email)
    moments += [m.created_at for m in memberships if m.created_at]
    return CalendarFile(
        events=events,
        filename="govhub.ics",
        last_modified=max(moments, default=None),
        public=False,
        name="Tower Hamlets Partnership: my meetings",
    )

"""The secret address of a person's own calendar feed (what the feed holds is
:mod:`govhub.personal.feed`'s business).

The address is ``/calendar/<token>.ics``. The token (256 bits) is an HMAC of the person's
account and a random nonce under the secret key; the table keeps the nonce and the token's
hash, so the address can be shown again on the account page, while a copy of the table alone
does not give it away. Making a new address replaces the nonce: the old one stops working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from govhub.accounts.secrets import hash_token
from govhub.accounts.tables import User
from govhub.calendar.tables import FeedToken
from govhub.errors import NotFound
from govhub.i18n import N_
from govhub.settings import get_settings

__all__ = [
    "ALARM_CHOICES",
    "feed_alarm",
    "feed_owner",
    "feed_path",
    "feed_token_for",
    "regenerate_feed_token",
    "set_feed_alarm",
]

ALARM_CHOICES = {0: N_("No reminder"), 60: N_("1 hour before"), 1440: N_("1 day before")}
"""The reminders a member may choose for the events in their own feed, in minutes."""


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


async def feed_alarm(user_id: int) -> int:
    """Minutes before each event the person's feed sets its reminder (0: none)."""
    row = await FeedToken.select(FeedToken.alarm_minutes).where(FeedToken.user == user_id).first()
    return int(row["alarm_minutes"] or 0) if row else 0


async def set_feed_alarm(user_id: int, minutes: int) -> None:
    """Choose the reminder of the person's feed (one of :data:`ALARM_CHOICES`)."""
    if minutes not in ALARM_CHOICES:
        raise ValueError(minutes)
    await feed_token_for(user_id)  # the row exists from here on
    await FeedToken.update({FeedToken.alarm_minutes: minutes}).where(FeedToken.user == user_id)

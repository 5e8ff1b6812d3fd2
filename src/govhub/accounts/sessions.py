"""Server-side sessions: random tokens in an HttpOnly cookie, their hashes in the database.

A session id is only ever made here, never taken from the client, so an attacker
cannot fix one in advance; each sign-in and each change of privilege gets a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub.accounts.secrets import hash_token, new_token
from govhub.accounts.tables import User, UserSession

__all__ = [
    "ABSOLUTE_LIFETIME",
    "IDLE_TIMEOUT",
    "LoadedSession",
    "end_all_sessions",
    "end_session",
    "load_session",
    "rotate_session",
    "start_session",
]

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_LIFETIME = dt.timedelta(hours=12)
_TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass
class LoadedSession:
    row: UserSession
    user: User
    token: str

    @property
    def stale_privileges(self) -> bool:
        return self.row.privilege_version != self.user.privilege_version


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def start_session(user: User, *, mfa_pending: bool = False) -> str:
    """A brand-new session for ``user``; returns the cookie value."""
    token = new_token()
    await UserSession.insert(
        UserSession(
            token_hash=hash_token(token),
            user=user.id,
            mfa_pending=mfa_pending,
            privilege_version=user.privilege_version,
            created_at=_now(),
            last_seen_at=_now(),
        )
    )
    return token


async def rotate_session(session: LoadedSession, *, mfa_pending: bool | None = None) -> str:
    """Replace the session's id, keeping who it belongs to; the old cookie stops working."""
    await UserSession.delete().where(UserSession.id == session.row.id)
    pending = session.row.mfa_pending if mfa_pending is None else mfa_pending
    token = new_token()
    await UserSession.insert(
        UserSession(
            token_hash=hash_token(token),
            user=session.user.id,
            mfa_pending=pending,
            privilege_version=session.user.privilege_version,
            created_at=session.row.created_at,  # rotation does not extend the absolute lifetime
            last_seen_at=_now(),
        )
    )
    return token


async def load_session(token: str) -> LoadedSession | None:
    """The live session for a cookie value, or None (unknown, idle too long, too old, disabled)."""
    if not token or len(token) > 100:
        return None
    row = await UserSession.objects().where(UserSession.token_hash == hash_token(token)).first()
    if row is None:
        return None
    now = _now()
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_LIFETIME:
        await UserSession.delete().where(UserSession.id == row.id)
        return None
    user = await User.objects().where(User.id == row.user).first()
    if user is None or not user.is_active:
        await UserSession.delete().where(UserSession.id == row.id)
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row.id)
    return LoadedSession(row=row, user=user, token=token)


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == hash_token(token))


async def end_all_sessions(user_id: int, *, keep_token: str | None = None) -> None:
    """Sign a user out everywhere (after a password change or reset), except ``keep_token``."""
    query = UserSession.delete().where(UserSession.user == user_id)
    if keep_token:
        query = UserSession.delete().where(
            (UserSession.user == user_id) & (UserSession.token_hash != hash_token(keep_token))
        )
    await query

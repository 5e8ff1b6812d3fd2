"""Account tables. Residents never have one: the congress uses secret links."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from govhub.governance.tables import Person

__all__ = ["PasswordResetToken", "RateLimitCounter", "User", "UserSession"]


class User(Table, tablename="account"):
    """Someone who signs in: a person who runs or sits on bodies, or a partnership admin."""

    person = ForeignKey(Person, null=False, required=True, on_delete=OnDelete.restrict)
    email = Varchar(length=254, required=True)  # lower-cased; unique index in the migration
    password_hash = Varchar(length=200, default="")
    is_admin = Boolean(default=False)
    is_active = Boolean(default=True)
    totp_secret = Varchar(length=64, default="", secret=True)
    totp_enabled = Boolean(default=False)
    totp_last_step = Integer(default=0)  # a code is accepted once only
    # Raised by every new reset or invitation link and every password change: only a link of
    # the current generation works, so each of those ends every older link.
    link_generation = Integer(default=0)
    # Raised whenever what the user may do changes; a session from an older version is rotated.
    privilege_version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)


class UserSession(Table):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    token_hash = Varchar(length=64, required=True)
    user = ForeignKey(User, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    mfa_pending = Boolean(default=False)
    privilege_version = Integer(default=1)


class PasswordResetToken(Table):
    token_hash = Varchar(length=64, required=True)
    user = ForeignKey(User, null=False, required=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    generation = Integer(default=0)  # the user's link_generation when the link was made


class RateLimitCounter(Table):
    """Attempts per key and time window, counted atomically so every web process sees them."""

    key = Varchar(length=300, required=True)
    count = Integer(default=0)
    expires_at = Timestamptz()
    # For throttles: the next attempt may not come before this (None: no wait yet).
    wait_until = Timestamptz(null=True, default=None)

"""Attempt limits that hold across every web process: one atomic database upsert per attempt.

(Litestar's own limiter reads then writes its counter, so two processes let more through.)

A :class:`Limit` refuses every attempt over its count until its window ends. A
:class:`Throttle` never locks anyone out: past its free attempts, each attempt must wait a
little longer after the one before (the wait doubles up to a cap), and the right to go on is
taken with a conditional update, so racing attempts in several processes get one turn.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from govhub.accounts.tables import RateLimitCounter

__all__ = [
    "RESET",
    "SIGN_IN_ACCOUNT",
    "SIGN_IN_FROM_ADDRESS",
    "SIGN_IN_PAIR",
    "TWO_FACTOR",
    "Limit",
    "Throttle",
    "Verdict",
    "forget",
    "hit",
    "sweep_expired",
    "take_turn",
]


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: dt.timedelta


# Per network address: many people sign in from one office (a council building, a library
# behind one NAT), so this is looser than the per-account limit, which stops guessing.
SIGN_IN_FROM_ADDRESS = Limit("sign-in-address", 60, dt.timedelta(minutes=15))
RESET = Limit("reset", 5, dt.timedelta(minutes=15))
TWO_FACTOR = Limit("two-factor", 5, dt.timedelta(minutes=15))


@dataclass(frozen=True)
class Throttle:
    name: str
    free: int  # attempts in a window before any wait
    window: dt.timedelta
    first_wait: dt.timedelta
    max_wait: dt.timedelta

    def wait_after(self, count: int) -> dt.timedelta:
        """The wait after the ``count``-th attempt (``count >= free``): doubling, capped."""
        return min(self.first_wait * 2 ** min(count - self.free, 20), self.max_wait)


# One account from one client: five tries, then 10 s, 20 s, 40 s ... up to 15 minutes between
# tries. Someone guessing from elsewhere slows only themselves, never the account's owner.
SIGN_IN_PAIR = Throttle(
    "sign-in-pair", 5, dt.timedelta(hours=1), dt.timedelta(seconds=10), dt.timedelta(minutes=15)
)
# One account from anywhere: much looser, and past it tries are only spaced out (a guess every
# two seconds at most), never refused for long, so a spread-out attack cannot lock it either.
_TWO_SECONDS = dt.timedelta(seconds=2)
SIGN_IN_ACCOUNT = Throttle(
    "sign-in-account", 100, dt.timedelta(minutes=15), _TWO_SECONDS, _TWO_SECONDS
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: dt.timedelta

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def _window(name: str, window: dt.timedelta, subject: str, now: dt.datetime):
    """The counter's key for ``subject`` in the window holding ``now``, and when it ends."""
    seconds = int(window.total_seconds())
    number = int(now.timestamp()) // seconds
    window_end = dt.datetime.fromtimestamp((number + 1) * seconds, dt.UTC)
    return f"{name}:{subject.lower()[:200]}:{number}", window_end


async def _count(key: str, window_end: dt.datetime) -> int:
    rows = await RateLimitCounter.raw(
        "INSERT INTO rate_limit_counter (key, count, expires_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET count = rate_limit_counter.count + 1 "
        "RETURNING count",
        key,
        window_end,
    )
    return rows[0]["count"]


async def take_turn(throttle: Throttle, subject: str, *, now: dt.datetime | None = None) -> Verdict:
    """Count one attempt by ``subject``; it may go on if it is among the free ones or its wait
    is over (then the next attempt's wait starts). Otherwise ``retry_after`` says how long."""
    now = now or dt.datetime.now(dt.UTC)
    key, window_end = _window(throttle.name, throttle.window, subject, now)
    count = await _count(key, window_end)
    if count < throttle.free:
        return Verdict(allowed=True, retry_after=dt.timedelta(0))
    wait_until = RateLimitCounter.wait_until
    taken = (
        await RateLimitCounter.update({wait_until: now + throttle.wait_after(count)})
        .where((RateLimitCounter.key == key) & (wait_until.is_null() | (wait_until <= now)))
        .returning(RateLimitCounter.id)
    )
    if taken:
        return Verdict(allowed=True, retry_after=dt.timedelta(0))
    row = await RateLimitCounter.select(wait_until).where(RateLimitCounter.key == key).first()
    until = row["wait_until"] if row and row["wait_until"] else now + throttle.first_wait
    return Verdict(allowed=False, retry_after=max(until - now, dt.timedelta(seconds=1)))


async def forget(throttle: Throttle, subject: str, *, now: dt.datetime | None = None) -> None:
    """Start ``subject`` afresh (after a success: the owner's own typos are forgiven)."""
    key, _ = _window(throttle.name, throttle.window, subject, now or dt.datetime.now(dt.UTC))
    await RateLimitCounter.delete().where(RateLimitCounter.key == key)


async def hit(limit: Limit, subject: str, *, now: dt.datetime | None = None) -> Verdict:
    """Count one attempt by ``subject`` (an address, an account) and say whether it may go on."""
    now = now or dt.datetime.now(dt.UTC)
    key, window_end = _window(limit.name, limit.window, subject, now)
    count = await _count(key, window_end)
    return Verdict(allowed=count <= limit.attempts, retry_after=window_end - now)


async def sweep_expired(ctx: dict | None = None) -> int:
    """arq cron job: forget counters whose window has passed."""
    deleted = (
        await RateLimitCounter.delete()
        .where(RateLimitCounter.expires_at < dt.datetime.now(dt.UTC))
        .returning(RateLimitCounter.id)
    )
    return len(deleted)

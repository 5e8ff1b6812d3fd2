"""Attempt limits that hold across every web process: one atomic database upsert per attempt.

(Litestar's own limiter reads then writes its counter, so two processes let more through.)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from govhub.accounts.tables import RateLimitCounter

__all__ = ["RESET", "SIGN_IN", "TWO_FACTOR", "Limit", "hit", "sweep_expired"]


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: dt.timedelta


SIGN_IN = Limit("sign-in", 5, dt.timedelta(minutes=15))
# Per network address: many people sign in from one office (a council building, a library
# behind one NAT), so this is looser than the per-account limit, which stops guessing.
SIGN_IN_FROM_ADDRESS = Limit("sign-in-address", 60, dt.timedelta(minutes=15))
RESET = Limit("reset", 5, dt.timedelta(minutes=15))
TWO_FACTOR = Limit("two-factor", 5, dt.timedelta(minutes=15))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: dt.timedelta

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


async def hit(limit: Limit, subject: str, *, now: dt.datetime | None = None) -> Verdict:
    """Count one attempt by ``subject`` (an address, an account) and say whether it may go on."""
    now = now or dt.datetime.now(dt.UTC)
    seconds = int(limit.window.total_seconds())
    window = int(now.timestamp()) // seconds
    window_end = dt.datetime.fromtimestamp((window + 1) * seconds, dt.UTC)
    key = f"{limit.name}:{subject.lower()[:200]}:{window}"
    rows = await RateLimitCounter.raw(
        "INSERT INTO rate_limit_counter (key, count, expires_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET count = rate_limit_counter.count + 1 "
        "RETURNING count",
        key,
        window_end,
    )
    return Verdict(allowed=rows[0]["count"] <= limit.attempts, retry_after=window_end - now)


async def sweep_expired(ctx: dict | None = None) -> int:
    """arq cron job: forget counters whose window has passed."""
    deleted = (
        await RateLimitCounter.delete()
        .where(RateLimitCounter.expires_at < dt.datetime.now(dt.UTC))
        .returning(RateLimitCounter.id)
    )
    return len(deleted)

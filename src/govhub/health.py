"""Is govhub well? The report behind ``/healthz`` and ``govhub status``.

It asks the database and the queue (Redis) to answer, reads how long ago a worker last said it
was alive (:class:`govhub.system.WorkerHeartbeat`) and how long the oldest email that is due has
waited. Unhealthy (503, a non-zero exit) when the database or the queue does not answer, or the
worker is gone: on Redis, no heartbeat for ``GOVHUB_WORKER_SILENT_AFTER`` seconds; with the
embedded queue, the web process's own runner has stopped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from govhub import db
from govhub.mail.tables import MailState, OutboxMessage
from govhub.settings import Settings
from govhub.system import WorkerHeartbeat

__all__ = ["CHECK_TIMEOUT", "HealthReport", "LocalWorker", "check_health"]

CHECK_TIMEOUT = 3.0
"""Seconds each check may take before it counts as unreachable."""


@dataclass
class HealthReport:
    status: str
    """``ok`` or ``unavailable``."""
    database: str
    """``ok``, or ``unreachable: <error>``."""
    queue: str
    """``ok``, ``unreachable: <error>``, or ``not checked`` (embedded, asked from outside)."""
    queue_mode: str
    """``embedded`` (in the web process) or ``redis``."""
    worker: str
    """``ok``, ``inline`` (the tests), ``stopped`` (the embedded runner), ``silent`` (no
    heartbeat for too long), ``no heartbeat`` (never seen) or ``unknown`` (no database)."""
    worker_state: str
    """What the freshest worker said it was doing (``running``, ``waiting for Redis``)."""
    worker_heartbeat_age: float | None
    """Seconds since a worker last wrote its heartbeat (None: never)."""
    oldest_pending_job_age: float | None
    """Seconds the oldest queued email has been due and not yet sent (None: none waiting)."""

    @property
    def healthy(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class LocalWorker:
    """The worker inside the asking process, if there is one: the embedded runner's task, or
    ``inline`` (jobs run as they are enqueued: nothing to be silent)."""

    runner: asyncio.Task | None = None
    inline: bool = False


async def _check(probe: Awaitable[Any]) -> str:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except Exception as exc:  # any failure is the answer we report
        return f"unreachable: {type(exc).__name__}"
    return "ok"


async def _answer(query: Awaitable[Any]) -> Any:
    try:
        return await asyncio.wait_for(query, timeout=CHECK_TIMEOUT)
    except Exception:
        return None


def _age(moment: dt.datetime | None, now: dt.datetime) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return round(max(0.0, (now - moment).total_seconds()), 1)


def _worker_verdict(
    local: LocalWorker, age: float | None, database: str, settings: Settings
) -> str:
    if local.inline:
        return "inline"
    if local.runner is not None:
        return "stopped" if local.runner.done() else "ok"
    if database != "ok":
        return "unknown"
    if age is None:
        return "no heartbeat"
    return "ok" if age <= settings.worker_silent_after else "silent"


async def check_health(
    settings: Settings, engine: Any, queue: Any | None, local: LocalWorker
) -> HealthReport:
    """The report; ``queue`` is the arq pool to ping (None: not checked from here)."""
    database = await _check(db.ping(engine))
    queue_answer = await _check(queue.ping()) if queue is not None else "not checked"
    now = dt.datetime.now(dt.UTC)
    newest = oldest = None
    if database == "ok":
        newest = await _answer(
            WorkerHeartbeat.select(WorkerHeartbeat.last_seen, WorkerHeartbeat.state)
            .order_by(WorkerHeartbeat.last_seen, ascending=False)
            .first()
        )
        oldest = await _answer(
            OutboxMessage.select(OutboxMessage.due_at)
            .where((OutboxMessage.state == MailState.queued) & (OutboxMessage.due_at <= now))
            .order_by(OutboxMessage.due_at)
            .first()
        )
    age = _age(newest["last_seen"] if newest else None, now)
    worker = _worker_verdict(local, age, database, settings)
    healthy = (
        database == "ok" and queue_answer in ("ok", "not checked") and worker in ("ok", "inline")
    )
    return HealthReport(
        status="ok" if healthy else "unavailable",
        database=database,
        queue=queue_answer,
        queue_mode="embedded" if settings.embedded_queue else "redis",
        worker=worker,
        worker_state=(newest or {}).get("state", "") or "",
        worker_heartbeat_age=age,
        oldest_pending_job_age=_age(oldest["due_at"] if oldest else None, now),
    )

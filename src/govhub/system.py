"""Process-level records: which workers are alive, and which jobs failed for good."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from typing import Any

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

__all__ = [
    "FailedJob",
    "WorkerHeartbeat",
    "beat",
    "forget_silent_workers",
    "heartbeat",
    "record_failed_job",
]

logger = logging.getLogger(__name__)

REPEATS_WITHIN = dt.timedelta(days=1)
"""A job failing as it failed less than this long ago adds to that row's ``occurrences``."""


class WorkerHeartbeat(Table):
    """The last time each worker process said it was alive, and what it was doing."""

    worker = Varchar(length=200, required=True)
    last_seen = Timestamptz()
    # "running", or what it waits for ("waiting for Redis"); empty from the heartbeat job.
    state = Varchar(length=40, default="")


class FailedJob(Table):
    """A job that failed for good (an error, or its last retry): shown to admins."""

    job = Varchar(length=100, required=True)
    job_id = Varchar(length=200, default="")
    arguments = Varchar(length=500, default="")
    tries = Integer(default=1)
    error = Text(default="")
    failed_at = Timestamptz(default=TimestamptzNow())
    # The same job failing the same way again (a sweep each minute) counts here, not in new rows.
    occurrences = Integer(default=1)


async def beat(worker: str, state: str = "") -> None:
    """Record that ``worker`` is alive now (and, when given, its ``state``)."""
    now = dt.datetime.now(dt.UTC)
    row = WorkerHeartbeat(worker=worker, last_seen=now, state=state)
    changed = [WorkerHeartbeat.last_seen] + ([WorkerHeartbeat.state] if state else [])
    # One atomic upsert: two beats at once (the process's own and the job) must not collide.
    await WorkerHeartbeat.insert(row).on_conflict(
        target=WorkerHeartbeat.worker, action="DO UPDATE", values=changed
    )


async def forget_silent_workers(silent_for: dt.timedelta = dt.timedelta(days=7)) -> None:
    """Drop the heartbeats of workers long gone (each restart is a new process, a new row)."""
    cutoff = dt.datetime.now(dt.UTC) - silent_for
    await WorkerHeartbeat.delete().where(WorkerHeartbeat.last_seen < cutoff)


async def heartbeat(ctx: dict) -> str:
    """arq job: record that this worker is alive. Safe to run any number of times."""
    name = ctx.get("worker_name") or f"{socket.gethostname()}"
    await beat(name)
    return name


def _arguments(args: tuple, kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return ", ".join(shown)[:500]


async def record_failed_job(
    ctx: dict, name: str, args: tuple, kwargs: dict[str, Any], error: BaseException
) -> None:
    """Keep a job that failed for good where admins see it. Never raises: the database may be
    what failed, and the job's log line says as much already."""
    now = dt.datetime.now(dt.UTC)
    values = {
        FailedJob.job_id: str(ctx.get("job_id", ""))[:200],
        FailedJob.arguments: _arguments(args, kwargs),
        FailedJob.tries: int(ctx.get("job_try", 1)),
        FailedJob.failed_at: now,
    }
    text = f"{type(error).__name__}: {error}"[:4000]
    try:
        again = (
            await FailedJob.update({**values, FailedJob.occurrences: FailedJob.occurrences + 1})
            .where(
                (FailedJob.job == name[:100])
                & (FailedJob.error == text)
                & (FailedJob.failed_at > now - REPEATS_WITHIN)
            )
            .returning(FailedJob.id)
        )
        if not again:
            await FailedJob.insert(
                FailedJob(
                    job=name[:100], error=text, **{c._meta.name: v for c, v in values.items()}
                )
            )
    except Exception:
        logger.warning("could not record the failure of job %s", name, exc_info=True)

"""The job queue: arq on real Redis, or on an in-process Redis stand-in when none is configured.

The stand-in is fakeredis with one addition: arq's worker logs Redis ``INFO``
when it starts, a command fakeredis does not implement.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import fakeredis
from arq.connections import ArqRedis
from arq.jobs import Job
from arq.worker import Worker
from fakeredis._clients._async import (
    FakeAsyncRedisConnection,
    FakeAsyncRedisMixin,
    FakeReader,
    FakeWriter,
)
from fakeredis._commands import command
from fakeredis._socket._async import AsyncFakeSocket

from govhub.settings import Settings

__all__ = [
    "EmbeddedRedis",
    "connect_queue",
    "current_queue",
    "enqueue",
    "get_queue",
    "set_queue",
    "start_worker",
    "stop_worker",
]

logger = logging.getLogger(__name__)


class _EmbeddedSocket(AsyncFakeSocket):
    @command(name="info", fixed=(), repeat=(bytes,))
    def info(self, *sections: bytes) -> bytes:
        return b"# Server\r\nredis_version:embedded\r\n"


class _EmbeddedConnection(FakeAsyncRedisConnection):
    async def _connect(self) -> None:
        await super()._connect()
        self._sock = _EmbeddedSocket(
            self._server,
            self.db,
            client_class=self._client_class,
            lua_modules=self._lua_modules,
            client_info=self._client_info,
        )
        self._reader = FakeReader(self._sock)
        self._writer = FakeWriter(self._sock)


class EmbeddedRedis(FakeAsyncRedisMixin, ArqRedis):
    """An arq pool whose Redis lives in this process's memory."""

    def __init__(self) -> None:
        super().__init__(server=fakeredis.FakeServer(), connection_class=_EmbeddedConnection)


async def connect_queue(settings: Settings) -> ArqRedis:
    """The arq pool the settings ask for."""
    if settings.embedded_queue:
        return EmbeddedRedis()
    # Connects on first use, so a Redis outage shows on /healthz instead of stopping start-up.
    return ArqRedis.from_url(settings.redis_url)


_current: ArqRedis | None = None


def set_queue(pool: ArqRedis | None) -> None:
    """Make ``pool`` the queue that :func:`enqueue` uses in this process."""
    global _current
    _current = pool


def current_queue() -> ArqRedis | None:
    """The queue :func:`enqueue` uses in this process, if one is set."""
    return _current


def get_queue() -> ArqRedis:
    if _current is None:
        raise RuntimeError("the job queue is not connected (is the app's lifespan running?)")
    return _current


async def enqueue(function: str, *args: Any, **kwargs: Any) -> Job | None:
    """Queue a job by name. Call it only after the transaction that prompted it has committed."""
    return await get_queue().enqueue_job(function, *args, **kwargs)


def start_worker(pool: ArqRedis) -> tuple[Worker, asyncio.Task[None]]:
    """Run the worker's jobs and cron schedule inside this process (the embedded mode)."""
    from govhub.worker import WorkerSettings

    worker = Worker(
        functions=WorkerSettings.functions,
        # Copies: arq keeps each cron job's next run on the object, so a second worker in the
        # same process (an app restarted in-process, as the tests do) would skip its
        # start-up runs, among them the sweeps that rebuild lost work.
        cron_jobs=[dataclasses.replace(job, next_run=None) for job in WorkerSettings.cron_jobs],
        redis_pool=pool,
        handle_signals=False,
        poll_delay=0.1,
        max_jobs=WorkerSettings.max_jobs,
        ctx={"worker_name": "embedded"},
    )
    return worker, asyncio.create_task(worker.main(), name="govhub-embedded-worker")


JOBS_GRACE = 5.0
"""Seconds the in-process worker gives running jobs to finish when it stops."""


async def stop_worker(worker: Worker, task: asyncio.Task[None]) -> None:
    """Stop an in-process worker; an error from a Redis that went away is logged, not raised."""
    # Stop polling first: closing the worker closes the pool under a live poll. Ask it to stop
    # between polls (arq's burst mode with no jobs left to start), so no Redis command is cut
    # off half-way; cancel it only if that takes too long (Redis gone, say).
    worker.burst = True
    worker.max_burst_jobs = 0
    _, still_polling = await asyncio.wait({task}, timeout=JOBS_GRACE)
    if still_polling:
        task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:
        logger.exception("the in-process worker had stopped with an error")
    # Let the jobs still running finish (they are short), and cancel only those that do not
    # within a few seconds. arq's close() cancels them all and gathers them without
    # return_exceptions: a cron job cancelled mid-way (one that started with the app, in a
    # test lasting a few milliseconds) raised CancelledError out of the app's shutdown, or
    # left its shielded Redis pipeline half-done when the pool closed.
    running = [job for job in worker.tasks.values() if not job.done()]
    if running:
        _, late = await asyncio.wait(running, timeout=JOBS_GRACE)
        for job in late:
            job.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    worker.tasks.clear()
    try:
        await worker.close()
    except Exception:
        logger.exception("the in-process worker did not close cleanly")

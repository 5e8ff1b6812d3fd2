"""The job queue: arq on real Redis, on an in-process Redis stand-in, or jobs run at once.

- With ``GOVHUB_REDIS_URL``: arq on that Redis; ``govhub worker`` runs the jobs.
- Without: the same arq pool on fakeredis inside the web process, and a worker there too
  (:func:`start_worker`), so ``govhub serve`` needs nothing else.
- :class:`InlineJobs` (the tests): :func:`enqueue` runs the job at once, with the arguments
  and the kind of ``ctx`` arq would give it, so a test sees its outcome without waiting.

This module knows no area: the composition roots (``govhub.worker``, ``govhub.app``) hand
it the worker's settings, an arq ``WorkerSettings`` class.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from typing import Any, Protocol

from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob
from arq.worker import Function, Retry, Worker, func
from redis.exceptions import RedisError

from govhub.embedded_redis import EmbeddedRedis
from govhub.job_log import JobFunction, logged
from govhub.settings import Settings

__all__ = [
    "JOBS_GRACE",
    "EmbeddedRedis",
    "InlineJobs",
    "build_worker",
    "connect_queue",
    "current_queue",
    "embedded_runner",
    "enqueue",
    "finish_jobs",
    "get_queue",
    "hand_over",
    "handovers_missed",
    "logged",
    "noting_missed_handovers",
    "set_queue",
    "start_worker",
    "stop_worker",
]

logger = logging.getLogger(__name__)


async def connect_queue(settings: Settings) -> ArqRedis:
    """The arq pool the settings ask for."""
    if settings.embedded_queue:
        return EmbeddedRedis()
    # Connects on first use, so a Redis outage shows on /healthz instead of stopping start-up.
    # Short timeouts: a Redis that does not answer must not hold a saved change's page.
    return ArqRedis.from_url(
        settings.redis_url, socket_connect_timeout=HAND_OVER_TIMEOUT, socket_timeout=5
    )


# The queue `enqueue` uses in this process.


class Queue(Protocol):
    async def enqueue_job(self, function: str, *args: Any, **kwargs: Any) -> Any: ...


_current: Queue | None = None


def set_queue(pool: Queue | None) -> None:
    """Make ``pool`` (an arq pool, or :class:`InlineJobs`) the queue :func:`enqueue` uses."""
    global _current
    _current = pool


def current_queue() -> Queue | None:
    """The queue :func:`enqueue` uses in this process, if one is set."""
    return _current


def get_queue() -> Queue:
    if _current is None:
        raise RuntimeError("the job queue is not connected (is the app's lifespan running?)")
    return _current


async def enqueue(function: str, *args: Any, **kwargs: Any) -> Any:
    """Queue a job by name (arq's ``enqueue_job``: ``_job_id`` de-duplicates). Call it only after
    the transaction that prompted it has committed."""
    return await get_queue().enqueue_job(function, *args, **kwargs)


# Handing over work the database already holds.

HAND_OVER_TIMEOUT = 2.0
"""Seconds a hand-over waits for the queue before leaving the work to the sweeps."""

_missed: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "govhub_missed_handovers", default=None
)


@contextlib.contextmanager
def noting_missed_handovers() -> Iterator[list[str]]:
    """Collect, for the block (a request), the jobs :func:`hand_over` could not queue."""
    missed: list[str] = []
    token = _missed.set(missed)
    try:
        yield missed
    finally:
        _missed.reset(token)


def handovers_missed() -> bool:
    """Did a hand-over in this request find the queue away?"""
    return bool(_missed.get())


async def hand_over(function: str, *args: Any, _tell: bool = True, **kwargs: Any) -> bool:
    """Queue a job for work the database already holds (an outbox row, a pack that can be asked
    for again), after the change that made it committed. True when the queue took it.

    A queue that is away (Redis down or not answering) is logged and noted for the page
    (:func:`handovers_missed`; not with ``_tell=False``, for work no one waits for), never
    raised: the change is saved, and the sweeps that rebuild work from the database queue the
    job when the queue is back.
    """
    try:
        await asyncio.wait_for(enqueue(function, *args, **kwargs), HAND_OVER_TIMEOUT)
    except (RedisError, OSError, TimeoutError) as exc:
        logger.warning("queue away, %s left for the sweep: %s", function, type(exc).__name__)
        if _tell and (missed := _missed.get()) is not None:
            missed.append(function)
        return False
    return True


def _quiet(settings: type, name: str) -> bool:
    return name in getattr(settings, "quiet_jobs", ())


def _logged(settings: type, coroutine: JobFunction, name: str, max_tries: int) -> JobFunction:
    return logged(
        coroutine,
        name,
        quiet=_quiet(settings, name),
        max_tries=max_tries,
        on_failure=getattr(settings, "on_job_failed", None),
    )


DEFAULT_MAX_TRIES = 5
"""arq's own default for a function that names none."""


def _functions(settings: type) -> list[Function]:
    return [
        dataclasses.replace(
            f, coroutine=_logged(settings, f.coroutine, f.name, f.max_tries or DEFAULT_MAX_TRIES)
        )
        for f in map(func, settings.functions)
    ]


def _cron_jobs(settings: type) -> list[CronJob]:
    # Copies: arq keeps each cron job's next run on the object, so a second worker in the
    # same process (an app restarted in-process, as the tests do) would skip its start-up
    # runs, among them the sweeps that rebuild lost work.
    return [
        dataclasses.replace(
            job,
            next_run=None,
            coroutine=_logged(settings, job.coroutine, job.name, job.max_tries or 1),
        )
        for job in settings.cron_jobs
    ]


def build_worker(
    settings: type,
    *,
    redis_pool: ArqRedis | None = None,
    redis_settings: RedisSettings | None = None,
    **options: Any,
) -> Worker:
    """An arq worker for ``settings`` (an arq ``WorkerSettings`` class): every function and cron
    job it lists, each logging one line per run. ``govhub worker`` and the embedded worker are
    both built here."""
    values = {
        name: getattr(settings, name)
        for name in ("max_jobs", "on_startup", "on_shutdown", "job_timeout")
        if hasattr(settings, name)
    }
    return Worker(
        **{
            **values,
            "functions": _functions(settings),
            "cron_jobs": _cron_jobs(settings),
            "redis_pool": redis_pool,
            "redis_settings": redis_settings,
            **options,
        }
    )


def start_worker(pool: ArqRedis, settings: type) -> tuple[Worker, asyncio.Task[None]]:
    """Run ``settings``' jobs and cron schedule inside this process (the embedded mode)."""
    worker = build_worker(
        settings,
        redis_pool=pool,
        # The web app has opened the database already.
        on_startup=None,
        on_shutdown=None,
        handle_signals=False,
        poll_delay=0.1,
        ctx={"worker_name": "embedded"},
    )
    global _runner
    _runner = asyncio.create_task(worker.main(), name="govhub-embedded-worker")
    return worker, _runner


_runner: asyncio.Task[None] | None = None


def embedded_runner() -> asyncio.Task[None] | None:
    """The task of the worker running inside this process (:func:`start_worker`), if any:
    ``/healthz`` reports whether it still runs."""
    return _runner


JOBS_GRACE = 5.0
"""Seconds the in-process worker gives running jobs to finish when it stops."""


async def stop_worker(worker: Worker, task: asyncio.Task[None]) -> None:
    """Stop an in-process worker; an error from a Redis that went away is logged, not raised."""
    global _runner
    if _runner is task:
        _runner = None
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
    await finish_jobs(worker)
    try:
        await worker.close()
    except Exception:
        logger.exception("the in-process worker did not close cleanly")


async def finish_jobs(worker: Worker) -> None:
    """Wait for ``worker``'s running jobs; cancel those still running after :data:`JOBS_GRACE`."""
    # Let the jobs still running finish (they are short), and cancel only those that do not
    # within a few seconds. arq's close() cancels them all and gathers them without
    # return_exceptions: a cron job cancelled mid-way (one that started with the app, in a
    # test lasting a few milliseconds) raised CancelledError out of the app's shutdown, or
    # left its shielded Redis pipeline half-done when the pool closed.
    running = [job for job in worker.tasks.values() if not job.done()]
    if running:
        done, late = await asyncio.wait(running, timeout=JOBS_GRACE)
        for job in done:  # its error (Redis gone as it ended) is arq's to log, not asyncio's
            if not job.cancelled():
                job.exception()
        for job in late:
            job.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    worker.tasks.clear()


# Jobs run at once (the tests' mode).

_IN_INLINE_JOB = contextvars.ContextVar("_IN_INLINE_JOB", default=False)


@dataclasses.dataclass
class InlineJob:
    """What :meth:`InlineJobs.enqueue_job` returns: the job, already run (like arq's ``Job``)."""

    job_id: str
    function: str
    outcome: Any = None

    async def result(self, timeout: float | None = None) -> Any:  # noqa: ASYNC109 (arq's)
        return self.outcome


class InlineJobs:
    """A queue that runs each job as it is enqueued, in a task of its own, and waits for it.

    At most ``max_jobs`` (the settings') run at once, as in a worker; a job enqueued by a job
    runs within its slot. The job gets the same arguments and a ``ctx`` like a worker's
    (``redis``, ``worker_name``, ``job_id``, ``job_try``, ``enqueue_time``, ``score``), in a
    fresh context, so it sees no context variable of its caller (a page's language, a
    transaction). Enqueueing inside a transaction is refused: a job must only see committed
    rows. ``_job_id`` de-duplicates as arq does: a job whose result is kept (or that is running)
    is not run again. A job that asks to be retried (arq's ``Retry``) is kept in
    :attr:`deferred`, not run. A job that fails never fails its caller (a request that enqueued
    it has committed: in a worker its failure would not reach the page either); it is logged and
    kept in :attr:`failures`, which the tests' app fixture checks when the test ends.
    """

    def __init__(self, settings: type, *, redis: ArqRedis | None = None) -> None:
        self.functions = {f.name: f for f in _functions(settings)}
        # At most as many jobs at once as the worker would run (1,000 registrations at once
        # each sending mail must not become 1,000 more writers than a worker would make).
        self.slots = asyncio.Semaphore(getattr(settings, "max_jobs", 10))
        self.ctx: dict[str, Any] = {"redis": redis, "worker_name": "inline"}
        self.kept: dict[str, InlineJob] = {}
        self.running: set[str] = set()
        self.deferred: list[tuple[str, tuple, dict]] = []
        self.failures: list[tuple[str, BaseException]] = []

    async def enqueue_job(
        self,
        function: str,
        *args: Any,
        _job_id: str | None = None,
        _job_try: int | None = None,
        **kwargs: Any,
    ) -> InlineJob | None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
        if engine is not None and engine.transaction_exists():
            raise RuntimeError(f"{function} enqueued inside a transaction: enqueue after commit")
        for name in ("_queue_name", "_defer_until", "_defer_by", "_expires"):
            kwargs.pop(name, None)
        job_id = _job_id or uuid.uuid4().hex
        if job_id in self.kept or job_id in self.running:
            return None
        definition = self.functions[function]
        now = dt.datetime.now(dt.UTC)
        ctx = {
            **self.ctx,
            "job_id": job_id,
            "job_try": _job_try or 1,
            "enqueue_time": now,
            "score": int(now.timestamp() * 1000),
        }
        job = InlineJob(job_id, function)
        self.running.add(job_id)
        context = contextvars.Context()
        context.run(_IN_INLINE_JOB.set, True)
        try:
            # A job a job enqueues runs within its slot (else nested jobs could wait for ever).
            async with contextlib.nullcontext() if _IN_INLINE_JOB.get() else self.slots:
                call = definition.coroutine(ctx, *args, **kwargs)
                task = asyncio.get_running_loop().create_task(call, context=context)
                job.outcome = await task
        except Retry:
            retry = {**kwargs, "_job_id": job_id, "_job_try": ctx["job_try"] + 1}
            self.deferred.append((function, args, retry))
            return job
        except Exception as error:
            logger.exception("inline job %s failed", function)
            self.failures.append((function, error))
            return job
        finally:
            self.running.discard(job_id)
        if definition.keep_result_s != 0:
            self.kept[job_id] = job
        return job

    async def run_deferred(self) -> int:
        """Run the jobs that asked to be retried (a test's "later"); returns how many ran."""
        deferred, self.deferred = self.deferred, []
        for function, args, kwargs in deferred:
            await self.enqueue_job(function, *args, **kwargs)
        return len(deferred)

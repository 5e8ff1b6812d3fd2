"""The ``govhub worker`` process: an arq worker that outlives lost connections.

arq's worker ends when Redis goes away (its next poll raises) and does not start while Redis
or the database is down. This process runs it in rounds instead: each round connects to Redis,
runs the worker until the connection is lost (or the process is asked to stop), lets the jobs
already running finish, and the next round begins after a backoff that doubles up to
``GOVHUB_WORKER_RECONNECT_MAX`` seconds. An outage is logged once when it begins and once when
it ends, never once per try. Beside the rounds a heartbeat of the process's own writes to the
database every ``GOVHUB_WORKER_HEARTBEAT_EVERY`` seconds, Redis or not, saying what the worker
is doing ("running", "waiting for Redis"): ``/healthz`` and ``govhub status`` read it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import time

from arq.connections import ArqRedis, RedisSettings, create_pool
from piccolo.engine import engine_finder

from govhub import db, queue
from govhub.system import beat, forget_silent_workers

__all__ = ["Backoff", "Outage", "WorkerProcess", "worker_name"]

logger = logging.getLogger("govhub.worker")

RUNNING = "running"
WAITING_FOR_REDIS = "waiting for Redis"
WAITING_FOR_DATABASE = "waiting for the database"


def worker_name() -> str:
    """This process's name in the heartbeat table and in jobs' ``ctx``: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclasses.dataclass
class Backoff:
    """Waits that double from ``first`` up to ``cap`` seconds; :meth:`reset` after a success."""

    first: float = 0.5
    cap: float = 30.0
    _next: float = dataclasses.field(default=0.0, init=False)

    def next(self) -> float:
        wait = min(self.cap, self._next or self.first)
        self._next = min(self.cap, wait * 2)
        return wait

    def reset(self) -> None:
        self._next = 0.0


@dataclasses.dataclass
class Outage:
    """One kind of connection (``what``) that can be lost: logged when lost and when back."""

    what: str
    since: float | None = None

    def failed(self, error: BaseException, cap: float) -> None:
        if self.since is not None:
            logger.debug("%s still unavailable: %s: %s", self.what, type(error).__name__, error)
            return
        self.since = time.monotonic()
        logger.warning(
            "%s unavailable (%s: %s); trying again, waiting up to %g s between tries",
            self.what,
            type(error).__name__,
            error,
            cap,
        )

    def recovered(self) -> None:
        if self.since is None:
            return
        logger.info("%s is back after %.0f s", self.what, time.monotonic() - self.since)
        self.since = None


@dataclasses.dataclass
class WorkerProcess:
    """Runs ``settings`` (arq ``WorkerSettings``) on the Redis of ``redis_settings`` until
    :attr:`stop` is set, whatever happens to Redis and the database meanwhile."""

    settings: type
    redis_settings: RedisSettings
    heartbeat_every: float = 15.0
    reconnect_max: float = 30.0
    name: str = dataclasses.field(default_factory=worker_name)
    stop: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    state: str = "starting"
    _changed: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    def _now(self, state: str) -> None:
        """The worker is now doing ``state``: the heartbeat says so at once."""
        if state != self.state:
            self.state = state
            self._changed.set()

    async def run(self) -> None:
        engine = engine_finder()
        ctx = {"worker_name": self.name, "engine": engine}
        await self._open_database(engine)
        beating = asyncio.create_task(self._beat_forever(), name="govhub-worker-heartbeat")
        redis, backoff = Outage("Redis"), Backoff(cap=self.reconnect_max)
        try:
            while not self.stop.is_set():
                try:
                    await self._round(ctx, redis, backoff)
                except Exception as error:  # whatever broke the round, the next one may work
                    self._now(WAITING_FOR_REDIS)
                    redis.failed(error, self.reconnect_max)
                    await self._pause(backoff.next())
        finally:
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)
            if on_shutdown := getattr(self.settings, "on_shutdown", None):
                await on_shutdown(ctx)

    async def _open_database(self, engine) -> None:
        database, backoff = Outage("The database"), Backoff(cap=self.reconnect_max)
        while not self.stop.is_set():
            try:
                await db.open_engine(engine)
            except Exception as error:
                self._now(WAITING_FOR_DATABASE)
                database.failed(error, self.reconnect_max)
                await self._pause(backoff.next())
            else:
                database.recovered()
                with contextlib.suppress(Exception):  # tidying only
                    await forget_silent_workers()
                return

    async def _round(self, ctx: dict, redis: Outage, backoff: Backoff) -> None:
        # No retries inside arq's create_pool: they would log a warning each; the backoff is ours.
        pool = await create_pool(dataclasses.replace(self.redis_settings, conn_retries=0))
        redis.recovered()
        backoff.reset()
        self._now(RUNNING)
        # Jobs that write mail enqueue its sending job on this round's pool.
        queue.set_queue(pool)
        worker = queue.build_worker(
            self.settings,
            redis_pool=pool,
            on_startup=None,  # the database is open; the queue is set
            on_shutdown=None,  # closed once, when the process stops
            handle_signals=False,
            ctx=dict(ctx),
        )
        polling = asyncio.create_task(worker.main(), name="govhub-worker")
        stopping = asyncio.create_task(self.stop.wait())
        await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not polling.done():  # asked to stop
            await queue.stop_worker(worker, polling)
            return
        await queue.finish_jobs(worker)  # they need the database and SMTP, not Redis
        with contextlib.suppress(Exception):
            await _close(pool)
        polling.result()  # the error that ended the round

    async def _beat_forever(self) -> None:
        database = Outage("The database (heartbeat)")
        while True:
            try:
                await beat(self.name, self.state)
            except Exception as error:
                database.failed(error, self.heartbeat_every)
            else:
                database.recovered()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=self.heartbeat_every)
            self._changed.clear()

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the process is asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=seconds)


async def _close(pool: ArqRedis) -> None:
    await pool.close(close_connection_pool=True)

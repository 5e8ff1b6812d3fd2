"""``govhub worker`` outlives Redis going away, and ``/healthz`` tells when the worker is gone.

Each test runs the real ``govhub worker`` command on a Redis of its own (tests/redis_server.py),
stops that Redis and starts it again. The worker's backoff is capped at half a second and its
heartbeat written every half second, so nothing waits for minutes.
"""

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from arq.connections import ArqRedis

from govhub.app import create_app
from govhub.system import WorkerHeartbeat
from tests.conftest import client_for, running

FAST = {
    "GOVHUB_WORKER_RECONNECT_MAX": "0.5",
    "GOVHUB_WORKER_HEARTBEAT_EVERY": "0.5",
    "GOVHUB_LOG_LEVEL": "DEBUG",
}


class WorkerCommand:
    """``govhub worker`` in a process of its own, its log in a file."""

    def __init__(self, redis_url: str, log: Path) -> None:
        self.log = log
        self._out = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "govhub.cli", "worker"],
            env={**os.environ, "GOVHUB_REDIS_URL": redis_url, **FAST},
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    @property
    def name(self) -> str:
        import socket

        return f"{socket.gethostname()}:{self.process.pid}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return self.process.returncode


@pytest.fixture
def worker_command(engine, tmp_path):
    started: list[WorkerCommand] = []

    def start(redis_url: str) -> WorkerCommand:
        command = WorkerCommand(redis_url, tmp_path / f"worker-{len(started)}.log")
        started.append(command)
        return command

    yield start
    for command in started:
        command.stop()


async def eventually(check, timeout: float = 30.0):
    """``check()``'s first truthy answer, asked every 0.1 s (fails after ``timeout`` s)."""
    for _ in range(int(timeout * 10)):
        with contextlib.suppress(Exception):
            if answer := await check():
                return answer
        await asyncio.sleep(0.1)
    raise AssertionError(f"still not so after {timeout} s: {check.__doc__ or check}")


async def state_of(name: str) -> str | None:
    row = await WorkerHeartbeat.objects().where(WorkerHeartbeat.worker == name).first()
    return row.state if row else None


async def run_heartbeat_job(pool: ArqRedis) -> str:
    job = await pool.enqueue_job("heartbeat", _job_id=f"test-{uuid.uuid4()}")
    return await job.result(timeout=30, poll_delay=0.1)


async def test_the_worker_survives_redis_going_away_and_runs_jobs_when_it_returns(
    redis_server, worker_command
):
    worker = worker_command(redis_server.url)
    pool = ArqRedis.from_url(redis_server.url)
    try:
        assert await run_heartbeat_job(pool) == worker.name

        redis_server.stop()

        async def waiting_and_tried_again() -> bool:
            """the worker waits for Redis, and has tried again more than once"""
            return (
                await state_of(worker.name) == "waiting for Redis"
                and worker.output().count("Redis still unavailable") >= 2
            )

        await eventually(waiting_and_tried_again)
        assert worker.alive()

        redis_server.start()  # empty: a Redis restarted without its data
        assert await eventually(lambda: run_heartbeat_job(pool)) == worker.name

        async def running_again() -> bool:
            """the worker's heartbeat says it runs again"""
            return await state_of(worker.name) == "running"

        await eventually(running_again)
        assert worker.alive()
    finally:
        await pool.aclose()
    assert worker.stop() == 0  # SIGTERM: a clean stop
    log = worker.output()
    # The outage is logged once as it begins and once as it ends, not once per try.
    assert log.count("Redis unavailable") == 1, log
    assert log.count("Redis is back after") == 1, log
    assert "Traceback" not in log


async def test_healthz_answers_503_while_the_worker_is_gone_and_200_when_it_is_back(
    engine, settings, redis_server, worker_command
):
    app = create_app(
        settings.model_copy(update={"redis_url": redis_server.url, "worker_silent_after": 2}),
        engine=engine,
        run_embedded_worker=False,
        inline_jobs=False,
    )
    async with running(app), client_for(app) as client:
        seen: list = []

        async def health(status: int, **expected):
            """/healthz answers ``status`` with the ``expected`` fields"""
            response = await client.get("/healthz")
            report = response.json()
            seen.append((response.status_code, report))
            ok = response.status_code == status
            return report if ok and all(report[k] == v for k, v in expected.items()) else None

        def settle(status: int, **expected):
            return eventually(lambda: health(status, **expected))

        report = await settle(503, worker="no heartbeat")
        assert report["worker_heartbeat_age"] is None

        first = worker_command(redis_server.url)
        report = await settle(200, worker="ok", worker_state="running")
        assert report["queue"] == "ok" and report["queue_mode"] == "redis"

        redis_server.stop()
        report = await settle(503, worker_state="waiting for Redis")
        assert report["queue"].startswith("unreachable")
        redis_server.start()
        await settle(200, worker_state="running")

        first.stop()  # the worker is gone: silent for longer than 2 s
        report = await settle(503, worker="silent")
        assert report["worker_heartbeat_age"] > 2, seen[-5:]
        assert report["database"] == "ok" and report["queue"] == "ok", seen[-5:]

        worker_command(redis_server.url)
        report = await settle(200, worker="ok")
        assert report["worker_heartbeat_age"] <= 2, seen[-5:]


@pytest.mark.no_db
async def test_the_worker_waits_for_a_database_that_does_not_answer(redis_server, tmp_path):
    """Nothing listens on port 1: a PostgreSQL server that is down when the worker starts."""
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "govhub.cli", "worker"],
            env={
                **os.environ,
                **FAST,
                "GOVHUB_REDIS_URL": redis_server.url,
                "GOVHUB_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/govhub",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:

            async def tried_again() -> bool:
                """the worker has tried the database more than once"""
                return log.read_text().count("The database still unavailable") >= 2

            await eventually(tried_again)
            assert process.poll() is None  # still there, waiting
        finally:
            process.terminate()
            assert process.wait(timeout=20) == 0
    assert log.read_text().count("The database unavailable") == 1

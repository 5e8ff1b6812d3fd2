"""A job runs in the web process with no Redis, and through ``govhub worker`` on real Redis."""

import asyncio
import os
import subprocess
import sys
import uuid

import pytest
from arq.connections import ArqRedis

from govhub.system import WorkerHeartbeat


async def wait_for_heartbeat(worker: str, seconds: float = 20.0) -> WorkerHeartbeat | None:
    for _ in range(int(seconds * 10)):
        row = await WorkerHeartbeat.objects().where(WorkerHeartbeat.worker == worker).first()
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    return None


async def test_a_job_enqueued_with_no_redis_runs_inside_the_web_process(make_app):
    app = await make_app(redis_url="", worker=True)
    assert app.state.settings.embedded_queue
    job = await app.state.queue.enqueue_job("heartbeat", _job_id=f"test-{uuid.uuid4()}")
    assert await job.result(timeout=10) == "embedded"
    assert await wait_for_heartbeat("embedded") is not None


@pytest.fixture
def redis_url():
    url = os.environ.get("GOVHUB_REDIS_URL")
    if not url:
        pytest.skip("needs GOVHUB_REDIS_URL: .ci/run runs this in its PostgreSQL + Redis pass")
    return url


@pytest.mark.redis
async def test_the_same_job_runs_through_govhub_worker_on_real_redis(engine, redis_url):
    pool = ArqRedis.from_url(redis_url)
    await pool.ping()  # a Redis that is down fails the test here, clearly
    worker = subprocess.Popen(
        [sys.executable, "-m", "govhub.cli", "worker"],
        # DEBUG: arq's own lines too (at INFO only jobs that did something are logged).
        env={**os.environ, "GOVHUB_REDIS_URL": redis_url, "GOVHUB_LOG_LEVEL": "DEBUG"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        job = await pool.enqueue_job("heartbeat", _job_id=f"test-{uuid.uuid4()}")
        name = await job.result(timeout=30)
        assert name != "embedded" and ":" in name  # host:pid of the separate worker
        assert await wait_for_heartbeat(name) is not None
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=20)
        await pool.aclose()
    assert "Starting worker" in output
    assert f"job=heartbeat job_id={job.job_id}" in output  # govhub's own line for the job


async def test_a_standalone_worker_gives_its_jobs_its_own_queue(engine, monkeypatch):
    """`govhub worker` has no app lifespan: jobs that write mail enqueue on the worker's pool
    (before, its invitation sweep failed with "the job queue is not connected")."""
    from govhub import db, queue, worker

    async def already_open(engine) -> None:
        return None

    monkeypatch.setattr(db, "open_engine", already_open)
    monkeypatch.setattr(queue, "_current", None)
    pool = object()  # the worker's arq pool, as arq gives it in ctx["redis"]
    await worker._startup({"redis": pool})
    assert queue.get_queue() is pool


@pytest.mark.no_db
async def test_the_embedded_redis_answers_what_arqs_worker_asks_as_it_starts():
    """fakeredis has no INFO; the embedded pool's pipelines answer it (arq logs it at start-up),
    and every other command in the same pipeline still goes to fakeredis, in order."""
    from arq.connections import log_redis_info

    from govhub.queue import EmbeddedRedis

    pool = EmbeddedRedis()
    try:
        await pool.set("k", "v")
        lines = []
        await log_redis_info(pool, lines.append)
        assert lines == ["redis_version=embedded mem_usage=? clients_connected=? db_keys=1"]
        async with pool.pipeline(transaction=False) as pipe:
            pipe.get("k").info().dbsize()
            assert await pipe.execute() == [b"v", {"redis_version": "embedded"}, 1]
    finally:
        await pool.aclose()


async def record(ctx, value, *, also=None):
    InlineSettings.calls.append((dict(ctx), value, also))
    return value * 2


async def broken(ctx):
    raise ValueError("the mail server said no")


class InlineSettings:
    calls: list = []
    functions = [record, broken]


async def test_inline_jobs_run_at_once_with_a_workers_ctx_and_once_per_job_id(engine):
    from govhub.queue import InlineJobs

    InlineSettings.calls.clear()
    jobs = InlineJobs(InlineSettings, redis="the pool")
    job = await jobs.enqueue_job("record", 21, also="x", _job_id="one")
    assert await job.result() == 42
    [(ctx, value, also)] = InlineSettings.calls
    assert (value, also) == (21, "x")
    assert ctx["redis"] == "the pool" and ctx["job_id"] == "one" and ctx["job_try"] == 1
    assert {"enqueue_time", "score", "worker_name"} <= set(ctx)
    assert await jobs.enqueue_job("record", 21, _job_id="one") is None  # its result is kept
    assert len(InlineSettings.calls) == 1

    async with engine.transaction():
        with pytest.raises(RuntimeError, match="after commit"):
            await jobs.enqueue_job("record", 1)
    assert len(InlineSettings.calls) == 1

    # A job that fails does not fail whoever enqueued it (a request that has committed); it is
    # kept for the test to see, as a worker's log would show it.
    await jobs.enqueue_job("broken")
    [(name, error)] = jobs.failures
    assert name == "broken" and str(error) == "the mail server said no"

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
    app = await make_app(redis_url="")
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
        env={**os.environ, "GOVHUB_REDIS_URL": redis_url},
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

"""Every job and cron entry listed in the worker's composition root (govhub/worker.py) is in
every worker actually built: ``govhub worker``'s, the embedded one ``govhub serve`` runs, and
the tests' inline queue. (Nothing registers itself by being imported, so nothing else can add
or lose one.)"""

import pytest
from arq.connections import RedisSettings
from arq.worker import func

from govhub import queue, worker
from govhub.app import create_app
from govhub.queue import EmbeddedRedis, InlineJobs
from tests.conftest import running

LISTED_JOBS = {func(job).name for job in worker.JOBS}
LISTED_CRONS = {job.name for job in worker.CRON_JOBS}


@pytest.mark.no_db
def test_the_settings_are_the_lists():
    assert worker.WorkerSettings.functions is worker.JOBS
    assert worker.WorkerSettings.cron_jobs is worker.CRON_JOBS
    assert {"send_outbox_message", "heartbeat"} <= LISTED_JOBS
    assert {"cron:sweep_reminders", "cron:requeue_stranded_mail"} <= LISTED_CRONS


@pytest.mark.no_db
def test_govhub_worker_runs_every_listed_job_and_cron_entry():
    built = worker.build_worker(RedisSettings())
    assert LISTED_JOBS | LISTED_CRONS <= set(built.functions)
    assert {job.name for job in built.cron_jobs} == LISTED_CRONS
    assert built.on_startup is worker.WorkerSettings.on_startup


async def test_the_embedded_worker_runs_every_listed_job_and_cron_entry(engine):
    pool = EmbeddedRedis()
    built, task = queue.start_worker(pool, worker.WorkerSettings)
    try:
        assert LISTED_JOBS | LISTED_CRONS <= set(built.functions)
        assert {job.name for job in built.cron_jobs} == LISTED_CRONS
    finally:
        await queue.stop_worker(built, task)
        await pool.aclose()


@pytest.mark.no_db
def test_the_inline_queue_knows_every_listed_job():
    assert set(InlineJobs(worker.WorkerSettings).functions) == LISTED_JOBS


async def test_the_web_app_hands_the_worker_settings_to_its_worker(engine, settings, monkeypatch):
    handed = []
    start = queue.start_worker

    def recorded(pool, settings_cls):
        handed.append(settings_cls)
        return start(pool, settings_cls)

    monkeypatch.setattr(queue, "start_worker", recorded)
    async with running(create_app(settings, engine=engine, run_embedded_worker=True)):
        pass
    assert handed == [worker.WorkerSettings]

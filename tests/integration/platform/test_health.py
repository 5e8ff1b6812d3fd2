"""``/healthz`` tells an operator whether the database and the queue answer."""

import pytest

from govhub.db import make_engine
from tests.conftest import client_for


async def test_healthy_when_database_and_queue_answer(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["queue"] == "ok"
    assert response.headers["cache-control"] == "no-store"


async def test_a_stopped_postgresql_server_is_reported_unhealthy(make_app):
    # Nothing listens on port 1: the same as a server that has stopped.
    with pytest.warns(Warning, match="Unable to"):
        app = await make_app(engine=make_engine("postgresql://postgres@127.0.0.1:1/govhub"))
        async with client_for(app) as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"].startswith("unreachable")
    assert response.json()["queue"] == "ok"


async def test_an_unopenable_sqlite_file_is_reported_unhealthy(make_app, tmp_path):
    app = await make_app(engine=make_engine(f"sqlite:///{tmp_path}/missing/dir/govhub.sqlite3"))
    async with client_for(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("unreachable")


async def test_a_stopped_redis_is_reported_unhealthy(make_app):
    app = await make_app(redis_url="redis://127.0.0.1:1/0")
    async with client_for(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"].startswith("unreachable")
    assert response.json()["database"] == "ok"


async def test_it_reports_how_long_the_oldest_due_email_has_waited(client):
    import datetime as dt

    from govhub.mail.tables import MailState, OutboxMessage

    now = dt.datetime.now(dt.UTC)
    for minutes, state in [(5, MailState.queued), (60, MailState.sent), (-5, MailState.queued)]:
        await OutboxMessage(
            message_id=f"<{minutes}@test>",
            to_address="ada@example.org",
            subject="Hello",
            state=state,
            due_at=now - dt.timedelta(minutes=minutes),
        ).save()
    report = (await client.get("/healthz")).json()
    # The queued one due 5 minutes ago (not the sent one, nor the one due in 5 minutes).
    assert 300 <= report["oldest_pending_job_age"] < 360
    assert report["worker"] == "inline"  # the tests' jobs run as they are enqueued


async def test_with_the_embedded_queue_it_reports_the_runner_in_this_process(make_app):
    import asyncio

    from govhub import queue

    app = await make_app(redis_url="", worker=True)
    async with client_for(app) as client:
        running = await client.get("/healthz")
        assert running.status_code == 200
        assert running.json()["worker"] == "ok" and running.json()["queue_mode"] == "embedded"

        runner = queue.embedded_runner()
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        stopped = await client.get("/healthz")
    assert stopped.status_code == 503
    assert stopped.json()["worker"] == "stopped"
    assert stopped.json()["database"] == "ok" and stopped.json()["queue"] == "ok"

"""Redis away after a change is saved: the page says so, and the mail goes out once it is back.

A real Redis of the test's own (tests/redis_server.py), stopped and started by the test; no worker
runs while it is down, as with a ``govhub worker`` that cannot reach it.
"""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from govhub import clock, queue
from govhub.app import create_app
from govhub.mail import services
from govhub.mail.tables import MailState, OutboxMessage
from govhub.meetings.tables import Meeting
from govhub.settings import Settings
from govhub.worker import WorkerSettings
from tests.conftest import client_for, csrf_from, running

pytestmark = pytest.mark.usefixtures("smtp_sink")

MEMBERS = 3


def in_three_weeks() -> str:
    return (clock.now() + dt.timedelta(days=21)).date().isoformat()


@pytest.fixture
async def redis_app(engine, settings, redis_server):
    """The app on that Redis, with no worker of its own (jobs wait in Redis)."""
    app = create_app(
        settings.model_copy(update={"redis_url": redis_server.url}),
        engine=engine,
        run_embedded_worker=False,
        inline_jobs=False,
    )
    async with running(app):
        yield app


@pytest.fixture
async def board(make_body, make_person, make_membership):
    board = await make_body(name="Community Safety Partnership", slug="csp", short_name="CSP")
    for n in range(MEMBERS):
        person = await make_person(name=f"Member {n}", email=f"member{n}@example.org")
        await make_membership(person=person, body=board, start_date=dt.date(2024, 1, 1))
    return board


@pytest.fixture
async def secretary(redis_app, board, make_person, make_membership, make_user):
    from tests.conftest import sign_in

    person = await make_person(name="Siobhan Brennan", email="siobhan@example.org")
    await make_membership(
        person=person, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    user = await make_user(person=person)
    client = client_for(redis_app)
    await sign_in(client, user.email)
    yield client
    await client.aclose()


async def run_worker_until_idle(redis_url: str) -> None:
    """A worker in this process that runs what Redis holds, then stops (arq's burst mode)."""
    pool = await queue.connect_queue(Settings(redis_url=redis_url))
    worker = queue.build_worker(
        WorkerSettings,
        redis_pool=pool,
        burst=True,
        on_startup=None,
        on_shutdown=None,
        handle_signals=False,
        poll_delay=0.05,
        cron_jobs=[],
    )
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_a_series_saved_while_redis_is_down_says_so_and_its_invitations_go_once(
    secretary, redis_server, smtp_sink, monkeypatch
):
    redis_server.stop()
    page = await secretary.get("/manage/bodies/csp/meetings/new")
    saved = await secretary.post(
        "/manage/bodies/csp/meetings/new",
        data={
            "title": "CSP monthly meeting",
            "date": in_three_weeks(),
            "time": "18:00",
            "duration": "120",
            "venue": "Town Hall, 160 Whitechapel Road, E1 1BJ",
            "online_link": "",
            "is_public": "yes",
            "repeat": "monthly",
            "count": "2",
            "_csrf": csrf_from(page.text),
        },
    )
    assert saved.status_code == 303, saved.text[:500]
    assert await Meeting.count() == 2
    waiting = await OutboxMessage.objects().where(OutboxMessage.state == MailState.queued)
    assert len(waiting) >= MEMBERS  # the first meeting's invitations, saved with it

    landed = await secretary.get(saved.headers["location"])
    assert landed.status_code == 200
    assert "Your change is saved" in landed.text
    assert "will go out by themselves" in landed.text
    again = await secretary.get(saved.headers["location"])
    assert "Your change is saved" not in again.text  # shown once

    # Redis is back (empty, as a restarted Redis is): the sweep hands the rows over again and
    # a worker sends each once.
    redis_server.start()
    monkeypatch.setattr(services, "STRANDED_AFTER", dt.timedelta(0))
    # Sweep and work as the worker's cron does, until nothing waits: the first hand-over after
    # the restart may still meet a connection from before it, and is left for the next sweep.
    for _ in range(5):
        await services.requeue_stranded_mail()
        await run_worker_until_idle(redis_server.url)
        if not await OutboxMessage.exists().where(OutboxMessage.state == MailState.queued):
            break
    rows = await OutboxMessage.select(OutboxMessage.state, OutboxMessage.last_error)
    assert all(row["state"] == MailState.sent for row in rows), rows

    per_address = collections.Counter(m["To"] for m in smtp_sink.messages)
    assert len(smtp_sink.messages) == len(waiting)
    assert set(per_address.values()) == {1}
    assert {f"member{n}@example.org" for n in range(MEMBERS)} <= set(per_address)
    sent = await OutboxMessage.objects().where(OutboxMessage.state == MailState.sent)
    assert len(sent) == len(waiting)

"""A reminder whose email cannot be written fails alone: it is tried again after a growing
wait, parked after its last try with its error shown to admins, and every other reminder is
sent meanwhile."""

import datetime as dt
import html
import re

import pyotp
import pytest

from govhub import clock, worker
from govhub.calendar import reminders
from govhub.calendar.tables import Reminder, ReminderState
from govhub.meetings import invitations
from govhub.meetings.services import Schedule, schedule
from govhub.worker import sweep_reminders
from tests.conftest import csrf_from

UTC = dt.UTC
POISON = "poison@example.org"
# The meeting is on Tuesday 2 March 2027 at 6pm (GMT): its "in 7 days" reminders fall due on
# 23 February at 6pm, "tomorrow" on 1 March.
MEETING = dt.datetime(2027, 3, 2, 18, 0, tzinfo=UTC)
WEEK_BEFORE = dt.datetime(2027, 2, 23, 9, 0, tzinfo=UTC)  # nine o'clock, London (GMT)


def plan(starts_at: dt.datetime, title: str = "Board meeting") -> Schedule:
    return Schedule(
        title=title,
        starts_at=starts_at,
        duration=dt.timedelta(hours=2),
        venue="Town Hall",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )


@pytest.fixture
def poisoned_writer(monkeypatch):
    """The meeting reminder writer fails for one recipient, every time (as a subject longer
    than its column does on PostgreSQL)."""
    real = invitations.write_meeting_reminder

    async def write(reminder):
        if reminder.recipient == POISON:
            raise ValueError("value too long for type character varying(300)")
        return await real(reminder)

    monkeypatch.setitem(worker.REMINDER_WRITERS, invitations.MEETING_REMINDER, write)


@pytest.fixture
def at(monkeypatch):
    def set_clock(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_clock


def reminded(messages) -> list[str]:
    """Who was sent a meeting reminder (not the secretary's agenda deadline)."""
    return sorted(m["To"] for m in messages if m["Subject"].startswith("Reminder:"))


async def poisoned() -> Reminder:
    """The poisoned recipient's "in 7 days" reminder (the first due of their two)."""
    return (
        await Reminder.objects()
        .where(Reminder.recipient == POISON)
        .order_by(Reminder.due_at)
        .first()
    )


async def test_a_reminder_that_always_fails_is_parked_while_the_others_are_sent(
    app, smtp_sink, board, secretary, make_person, make_membership, poisoned_writer, at
):
    for name, email in [("Abdul Karim", "abdul@example.org"), ("Poppy", POISON)]:
        await make_membership(person=await make_person(name=name, email=email), body=board)
    [meeting] = await schedule(secretary, board, plan(MEETING))

    at(WEEK_BEFORE)
    await sweep_reminders()
    # Abdul and the secretary get theirs; the poisoned one failed alone and waits a minute.
    assert reminded(smtp_sink.messages) == ["abdul@example.org", "siobhan@example.org"]
    row = await poisoned()
    assert (row.state, row.attempts) == (ReminderState.pending, 1)
    assert "value too long" in row.last_error
    assert row.retry_at.astimezone(UTC) == WEEK_BEFORE + dt.timedelta(minutes=1)

    # Before its wait is over the sweep leaves it alone (it does not block or spin).
    at(WEEK_BEFORE + dt.timedelta(seconds=30))
    assert await sweep_reminders() == 0
    assert (await poisoned()).attempts == 1

    # Tried again after 1, 2, 4 and 8 minutes, then parked; other meetings' reminders go on.
    moment = WEEK_BEFORE
    for attempt in range(2, reminders.MAX_ATTEMPTS + 1):
        moment += reminders.retry_delay(attempt - 1)
        at(moment)
        await sweep_reminders()
        assert (await poisoned()).attempts == attempt
    row = await poisoned()
    assert row.state == ReminderState.failed
    assert await sweep_reminders() == 0  # parked: never tried again by the sweep

    [later] = await schedule(secretary, board, plan(MEETING + dt.timedelta(days=1), "Extra"))
    at(WEEK_BEFORE + dt.timedelta(days=1))
    sent_before = len(smtp_sink.messages)
    await sweep_reminders()
    assert reminded(smtp_sink.messages[sent_before:]) == [
        "abdul@example.org",
        "siobhan@example.org",
    ]
    assert POISON not in reminded(smtp_sink.messages)  # (its invitations went, as ever)
    assert later.id != meeting.id


async def test_an_admin_sees_the_parked_reminder_with_its_error_and_tries_it_again(
    app,
    smtp_sink,
    board,
    secretary,
    make_person,
    make_membership,
    poisoned_writer,
    at,
    make_user,
    signed_in_client,
    monkeypatch,
):
    await make_membership(person=await make_person(name="Poppy", email=POISON), body=board)
    await schedule(secretary, board, plan(MEETING))
    monkeypatch.setattr(reminders, "MAX_ATTEMPTS", 1)
    at(WEEK_BEFORE)
    await sweep_reminders()
    assert (await poisoned()).state == ReminderState.failed

    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    index = await admin.get("/admin/")
    assert 'href="/admin/failures"' in index.text
    page = await admin.get("/admin/failures")
    assert page.status_code == 200
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.text)))
    assert "Reminders parked: 1" in text
    assert POISON in text and "ValueError: value too long" in text

    # The cause is fixed (the writer works again): trying it again sends it at the next sweep.
    real = invitations.write_meeting_reminder
    monkeypatch.setitem(worker.REMINDER_WRITERS, invitations.MEETING_REMINDER, real)
    at(WEEK_BEFORE + dt.timedelta(minutes=5))
    row = await poisoned()
    response = await admin.post(
        f"/admin/failures/reminders/{row.id}/retry", data={"_csrf": csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert (await admin.get(response.headers["location"])).status_code == 200
    assert (await poisoned()).state == ReminderState.pending
    await sweep_reminders()
    assert reminded(smtp_sink.messages) == [POISON, "siobhan@example.org"]
    again = await admin.post(
        f"/admin/failures/reminders/{row.id}/retry", data={"_csrf": csrf_from(page.text)}
    )
    assert again.status_code == 404  # no longer parked

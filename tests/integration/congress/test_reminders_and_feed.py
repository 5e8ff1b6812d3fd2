"""Reminders before the congress through the calendar's reminder rows, and a person's
registrations as events for their personal feed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from govhub import clock
from govhub.calendar.tables import Reminder
from govhub.congress import registrations
from govhub.congress.calendar import registration_events
from govhub.mail.tables import OutboxMessage
from govhub.worker import sweep_reminders

from .conftest import registration_form

LONDON = ZoneInfo("Europe/London")


async def test_people_with_a_place_are_reminded_a_week_and_a_day_before(app, make_edition):
    edition = await make_edition(capacity=1)
    placed = await registrations.register(edition, registration_form(1), locale="bn")
    waiting = await registrations.register(edition, registration_form(2))
    due = await Reminder.objects().where(Reminder.kind == "congress").order_by(Reminder.due_at)
    assert [r.target_id for r in due] == [placed.registration.id] * 2
    # At nine, London time, a week and a day before the congress's day.
    day = edition.starts_at.astimezone(LONDON).date()
    assert [r.due_at.astimezone(LONDON) for r in due] == [
        dt.datetime.combine(day - dt.timedelta(days=n), dt.time(9, 0), tzinfo=LONDON)
        for n in (7, 1)
    ]
    assert {r.event_at for r in due} == {edition.starts_at}
    assert waiting.registration.id not in {r.target_id for r in due}

    await Reminder.update({Reminder.due_at: clock.now() - dt.timedelta(minutes=1)}).where(
        Reminder.id == due[0].id
    )
    assert await sweep_reminders() == 1
    [reminder] = await OutboxMessage.objects().where(OutboxMessage.kind == "congress.reminder")
    assert reminder.to_address == "resident1@example.org"
    assert reminder.subject.startswith("মনে করিয়ে দিচ্ছি")  # "Reminder:", in their language
    assert edition.title in reminder.subject
    assert "/congress/manage/" in reminder.text_body


async def test_cancelling_drops_the_reminders(app, make_edition):
    edition = await make_edition()
    done = await registrations.register(edition, registration_form(1))
    await registrations.cancel_registration(done.registration)
    states = {r.state for r in await Reminder.objects().where(Reminder.kind == "congress")}
    assert states == {"dropped"}


async def test_a_persons_registrations_as_calendar_events(app, make_edition):
    first = await make_edition()
    second = await make_edition()
    await registrations.register(first, registration_form(1, email="Shared@Example.org"))
    other = await registrations.register(second, registration_form(1, email="shared@example.org"))
    await registrations.cancel_registration(other.registration)
    events = await registration_events("SHARED@example.org")
    assert [e.cancelled for e in events] == [False, True]
    assert events[0].starts_at == first.starts_at
    assert events[1].sequence == 1  # raised when it was cancelled
    assert await registration_events("nobody@example.org") == []

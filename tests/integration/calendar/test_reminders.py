"""Reminders are rows with a due time in London time, follow the meeting when it moves, are
never sent for a cancelled meeting, and survive Redis losing every job."""

import asyncio
import datetime as dt
import gc
from zoneinfo import ZoneInfo

import pytest

from govhub import clock, queue
from govhub.calendar.tables import Reminder, ReminderState
from govhub.governance.principal import Principal
from govhub.mail import services as mail_services
from govhub.mail.tables import MailState, OutboxMessage
from govhub.meetings.agenda import publish_agenda
from govhub.meetings.services import Schedule, cancel_meeting, reschedule_meeting, schedule
from govhub.meetings.tables import Meeting
from govhub.worker import sweep_reminders

LONDON = ZoneInfo("Europe/London")
REMINDERS = ["meeting.reminder", "meeting.agenda_deadline"]
UTC = dt.UTC
AFTER_CLOCKS_GO_FORWARD = dt.datetime(2027, 3, 30, 18, 0, tzinfo=LONDON)  # BST


@pytest.fixture
async def board(make_body):
    return await make_body(name="Health and Wellbeing Board", slug="hwb", agenda_notice_days=5)


@pytest.fixture
async def secretary(board, make_person, make_membership):
    person = await make_person(name="Siobhan Brennan", email="siobhan@example.org")
    await make_membership(person=person, body=board, role="secretary")
    return Principal(
        person_id=person.id,
        name=person.name,
        member_of=frozenset({board.id}),
        secretary_of=frozenset({board.id}),
    )


def plan(starts_at: dt.datetime) -> Schedule:
    return Schedule(
        title="Board meeting",
        starts_at=starts_at,
        duration=dt.timedelta(hours=2),
        venue="Town Hall",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )


async def pending(kind: str = "meeting") -> list[tuple[str, dt.datetime, str]]:
    rows = await Reminder.objects().where(
        (Reminder.kind == kind) & (Reminder.state == ReminderState.pending)
    )
    return sorted((r.recipient, r.due_at.astimezone(UTC), r.label) for r in rows)


async def fresh(meeting_id: int) -> Meeting:
    return await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()


async def test_reminders_fall_at_london_times_and_follow_a_move(app, board, secretary):
    [meeting] = await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    # At nine, London time, whatever time the meeting starts: a week before is 23 March,
    # still GMT (09:00 UTC); the day before is BST (08:00 UTC).
    assert await pending() == [
        ("siobhan@example.org", dt.datetime(2027, 3, 23, 9, 0, tzinfo=UTC), "in 7 days"),
        ("siobhan@example.org", dt.datetime(2027, 3, 29, 8, 0, tzinfo=UTC), "tomorrow"),
    ]
    # The agenda is due 5 days before (25 March); its secretary is told 2 days before that.
    assert await pending("agenda_deadline") == [
        (
            "siobhan@example.org",
            dt.datetime(2027, 3, 23, 9, 0, tzinfo=UTC),
            "agenda due 25 March 2027",
        )
    ]

    moved = dt.datetime(2027, 4, 6, 18, 0, tzinfo=LONDON)
    await reschedule_meeting(secretary, await fresh(meeting.id), plan(moved))
    assert await pending() == [
        ("siobhan@example.org", dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC), "in 7 days"),
        ("siobhan@example.org", dt.datetime(2027, 4, 5, 8, 0, tzinfo=UTC), "tomorrow"),
    ]

    await cancel_meeting(secretary, await fresh(meeting.id), "No quorum expected")
    assert await pending() == []
    assert await pending("agenda_deadline") == []


async def test_per_body_offsets_and_new_members(app, make_body, make_person, make_membership):
    board = await make_body(reminder_days="14,3")
    person = await make_person(email="member@example.org")
    await make_membership(person=person, body=board)
    actor = Principal(person_id=person.id, secretary_of=frozenset({board.id}))
    await schedule(actor, board, plan(dt.datetime(2027, 1, 20, 10, 0, tzinfo=LONDON)))
    assert [label for _, _, label in await pending()] == ["in 14 days", "in 3 days"]


async def test_due_reminders_are_sent_once_and_never_for_a_cancelled_meeting(
    app, board, secretary, make_person, make_membership, monkeypatch, make_item
):
    member = await make_person(name="Abdul Karim", email="abdul@example.org")
    await make_membership(person=member, body=board)
    [kept] = await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    [dropped] = await schedule(
        secretary, board, plan(AFTER_CLOCKS_GO_FORWARD + dt.timedelta(hours=3))
    )
    await make_item(meeting=kept)
    await cancel_meeting(secretary, await fresh(dropped.id), "Merged with the earlier meeting")

    # A week before, an hour after nine: the week-before reminders and the agenda deadline
    # reminder are due.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 23, 10, 0, tzinfo=UTC))
    await sweep_reminders()  # (the worker's own start-up sweep may help)
    assert await sweep_reminders() == 0  # nothing is sent twice
    assert await OutboxMessage.count().where(OutboxMessage.kind.is_in(REMINDERS)) == 3
    mail = await OutboxMessage.objects().order_by(OutboxMessage.to_address)
    subjects = sorted(m.subject for m in mail if m.kind in REMINDERS)
    assert subjects == [
        "Agenda due 25 March 2027: Health and Wellbeing Board, Board meeting",
        "Reminder: Health and Wellbeing Board, Board meeting, in 7 days "
        "(Tuesday 30 March 2027, 6pm)",
        "Reminder: Health and Wellbeing Board, Board meeting, in 7 days "
        "(Tuesday 30 March 2027, 6pm)",
    ]

    # Publishing the agenda means the secretary needs no deadline reminder next time.
    monkeypatch.undo()
    await publish_agenda(secretary, await fresh(kept.id))
    assert await pending("agenda_deadline") == []


async def test_a_reminder_whose_meeting_was_cancelled_meanwhile_is_dropped(
    app, board, secretary, monkeypatch
):
    [meeting] = await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    # Cancelled behind the planner's back (as if a change were half-applied).
    await Meeting.update({Meeting.status: "cancelled"}).where(Meeting.id == meeting.id)
    # The morning before: "tomorrow" is due (and "in 7 days" long past, so skipped).
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 29, 9, 0, tzinfo=UTC))
    assert await sweep_reminders() == 0
    states = {r.label: r.state for r in await Reminder.objects().where(Reminder.kind == "meeting")}
    assert states == {"tomorrow": ReminderState.dropped, "in 7 days": ReminderState.skipped}
    assert await OutboxMessage.count().where(OutboxMessage.kind == "meeting.reminder") == 0


# The first worker is killed: on real Redis, arq's shielded bookkeeping for a cancelled job can
# be left with its pipeline open when the pool closes, which redis-py reports when it is
# collected. That is the crash being simulated, so it is collected and let go here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore:Unclosed client session:ResourceWarning")
async def test_redis_lost_mid_run_loses_no_reminder(
    engine, settings, smtp_sink, board, secretary, make_person, make_membership, monkeypatch
):
    """Forty reminders fall due; the worker dies while sending and Redis loses every queued
    job. A new worker's sweep finds the rest in the database: every reminder arrives, and
    the only duplicates are sends that were cut off, each counted."""
    from govhub.app import create_app
    from tests.conftest import running

    for n in range(39):
        person = await make_person(name=f"Member {n}", email=f"member{n}@example.org")
        await make_membership(person=person, body=board)
    await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    recipients = {f"member{n}@example.org" for n in range(39)} | {"siobhan@example.org"}
    # The morning before: "in 7 days" and the agenda deadline reminder are long past, so
    # skipped; only "tomorrow" goes: 40 emails.
    monkeypatch.setattr(clock, "now", running_clock(dt.datetime(2027, 3, 29, 8, 30, tzinfo=UTC)))
    smtp_sink.delay = 0.05  # the worker is mid-batch for a while

    # The first worker is stopped the hard way: sends under way are cancelled, not awaited.
    monkeypatch.setattr(queue, "JOBS_GRACE", 0)
    first = create_app(settings, engine=engine, run_embedded_worker=True)
    async with running(first):
        # (The worker's own sweep, run at start-up, may take some of them first.)
        await sweep_reminders()
        assert await Reminder.count().where(Reminder.state == ReminderState.pending) == 0
        # All in the outbox, all queued (beside the invitations the worker's own invitation
        # sweep sends now that the meeting is, by this clock, the day after tomorrow).
        assert await OutboxMessage.count().where(OutboxMessage.kind.is_in(REMINDERS)) == 40
        await smtp_sink.wait_for(5)
        # Redis loses everything (flushed, or restarted: it keeps nothing on disk here)...
        await queue.get_queue().flushdb()
    # ...and the worker is stopped mid-send, leaving some rows marked "sending".
    unsent = await OutboxMessage.count().where(OutboxMessage.state != MailState.sent)
    assert unsent > 0

    # Take every unfinished send as overdue (in production: two minutes after it should have
    # run); the sweep that the new worker runs at start-up then rebuilds the lost work.
    monkeypatch.setattr(queue, "JOBS_GRACE", 5.0)
    monkeypatch.setattr(mail_services, "STRANDED_AFTER", dt.timedelta(0))
    monkeypatch.setattr(mail_services, "SEND_LEASE", dt.timedelta(seconds=1))
    second = create_app(settings, engine=engine, run_embedded_worker=True)
    async with running(second):
        # Sends cut off a moment ago are past their (shortened) lease a second later.
        await asyncio.sleep(1.2)
        await mail_services.requeue_stranded_mail()
        for _ in range(1200):
            if await OutboxMessage.count().where(OutboxMessage.state != MailState.sent) == 0:
                break
            await _pause()
    stuck = await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts, OutboxMessage.last_error
    ).where(OutboxMessage.state != MailState.sent)
    assert stuck == []

    received = [
        (m["To"], m["Subject"])
        for m in smtp_sink.messages
        if m["Subject"].startswith(("Reminder: ", "Agenda due "))
    ]
    reminded = {to for to, subject in received if subject.startswith("Reminder: ")}
    assert reminded == recipients  # none lost
    assert all("tomorrow" in subject for _, subject in received if "Reminder" in subject)
    duplicates = len(received) - len(set(received))
    assert len(set(received)) == 40
    in_flight_bound = 20  # the worker's max_jobs: only sends under way can be repeated
    assert duplicates <= in_flight_bound
    counted = sum(m.possible_duplicates for m in await OutboxMessage.objects())
    assert counted >= duplicates  # every actual duplicate was counted as a possible one
    assert await Reminder.count().where(Reminder.state == ReminderState.pending) == 0
    gc.collect()


def running_clock(start: dt.datetime):
    """A clock set to ``start`` that goes on ticking."""
    began = dt.datetime.now(UTC)
    return lambda: start + (dt.datetime.now(UTC) - began)


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.05)


async def test_a_boards_reminder_days_are_checked_and_replan_its_meetings(app, board, secretary):
    from govhub.admin.bodies import save_body
    from govhub.validation import FormError

    [meeting] = await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    values = {"name": board.name, "kind": "thematic_board", "is_public": "yes"}
    with pytest.raises(FormError) as refused:
        await save_body(secretary, {**values, "reminder_days": "7, soon"}, [], board)
    assert "reminder_days" in refused.value.errors
    with pytest.raises(FormError) as refused:
        await save_body(secretary, {**values, "agenda_notice_days": "-1"}, [], board)
    assert "agenda_notice_days" in refused.value.errors

    await save_body(
        secretary, {**values, "reminder_days": "2, 14", "agenda_notice_days": "10"}, [], board
    )
    assert [label for _, _, label in await pending()] == ["in 14 days", "in 2 days"]
    assert [label for _, _, label in await pending("agenda_deadline")] == [
        "agenda due 20 March 2027"
    ]
    assert meeting.id


async def test_a_reminder_whose_moment_passed_in_an_outage_is_skipped_not_sent_late(
    app, board, secretary, monkeypatch
):
    await schedule(secretary, board, plan(AFTER_CLOCKS_GO_FORWARD))
    # The sweep comes back seven hours after the week-before reminder's nine o'clock.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 23, 16, 0, tzinfo=UTC))
    assert await sweep_reminders() == 0
    assert await OutboxMessage.count().where(OutboxMessage.kind.is_in(REMINDERS)) == 0
    skipped = await Reminder.objects().where(Reminder.state == ReminderState.skipped)
    assert {r.label for r in skipped} == {"in 7 days", "agenda due 25 March 2027"}
    assert all(r.last_error.startswith("skipped: due at") for r in skipped)
    # "tomorrow" still waits for its own moment, and goes then.
    assert [label for _, _, label in await pending()] == ["tomorrow"]
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 29, 8, 5, tzinfo=UTC))
    assert await sweep_reminders() == 1


async def test_a_reminder_is_never_sent_once_its_meeting_has_begun(
    app, board, secretary, monkeypatch
):
    # A meeting at 08:30: its "tomorrow" falls due at nine the day before, within the window,
    # but a sweep that only comes back after the meeting began sends nothing.
    early = dt.datetime(2027, 3, 30, 8, 30, tzinfo=LONDON)
    await schedule(secretary, board, plan(early))
    from govhub.calendar import reminders

    monkeypatch.setattr(reminders, "LATE_WINDOW", dt.timedelta(days=2))
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 30, 7, 45, tzinfo=UTC))
    assert await sweep_reminders() == 0
    tomorrow = await Reminder.objects().where(Reminder.label == "tomorrow").first()
    assert tomorrow.state == ReminderState.skipped
    assert tomorrow.last_error.startswith("skipped: its event began")


async def test_every_meeting_reminder_goes_out_at_the_same_local_hour(app, board, secretary):
    for hour in (8, 13, 19):
        await schedule(secretary, board, plan(dt.datetime(2027, 5, 11, hour, 0, tzinfo=LONDON)))
    rows = await Reminder.objects().where(Reminder.kind == "meeting")
    assert len(rows) == 6
    assert {r.due_at.astimezone(LONDON).time() for r in rows} == {dt.time(9, 0)}

"""The quorum expected from the members' answers: on the meeting page, and an email to the
secretary a set number of days before when the answers do not make the quorum, naming who has
not answered."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhub import clock
from govhub.calendar.reminders import queue_due_reminders
from govhub.calendar.tables import Reminder
from govhub.governance.principal import Principal
from govhub.mail.tables import OutboxMessage
from govhub.meetings.forecast import QUORUM_WARNING, write_quorum_warning
from govhub.meetings.response_tables import Answer, ResponseChannel
from govhub.meetings.responses import record_response
from govhub.meetings.services import Schedule, schedule
from govhub.meetings.tables import Meeting

LONDON = ZoneInfo("Europe/London")
WRITERS = {QUORUM_WARNING: write_quorum_warning}


@pytest.fixture
async def board(app, make_body, make_org, make_person, make_membership, make_user):
    """Five seats and no terms of reference: the quorum is three."""
    body = await make_body(name="Community Safety Partnership", slug="csp")
    org = await make_org(name="Metropolitan Police", slug="police")
    people = {}
    for key, name in [
        ("sara", "Sara Ahmed"),
        ("amina", "Amina Begum"),
        ("ben", "Ben Okafor"),
        ("eve", "Eve Turner"),
        ("farid", "Farid Hossain"),
    ]:
        people[key] = await make_person(name=name, email=f"{key}@example.org")
        role = "secretary" if key == "sara" else "member"
        await make_membership(person=people[key], body=body, organisation=org, role=role)
    secretary = Principal(
        person_id=people["sara"].id, name="Sara Ahmed", secretary_of=frozenset({body.id})
    )
    day = clock.today() + dt.timedelta(weeks=3)
    plan = Schedule(
        title="Winter meeting",
        starts_at=dt.datetime.combine(day, dt.time(18, 0), tzinfo=LONDON),
        duration=dt.timedelta(hours=2),
        venue="Town Hall",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )
    [meeting] = await schedule(secretary, body, plan)
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first()
    return meeting, people, await make_user(person=people["sara"])


async def answer(meeting, person, what: Answer) -> None:
    await record_response(meeting, person.id, what, via=ResponseChannel.link)


async def warning_falls_due(meeting) -> list[OutboxMessage]:
    """Bring the planned warning's moment to now, run the sweep, return the warnings written."""
    [planned] = await Reminder.objects().where(Reminder.kind == QUORUM_WARNING)
    assert planned.recipient == "sara@example.org"
    local = planned.due_at.astimezone(LONDON)
    assert local.time() == dt.time(9, 0)
    assert (meeting.starts_at.astimezone(LONDON).date() - local.date()).days == 3
    await Reminder.update({Reminder.due_at: clock.now() - dt.timedelta(minutes=1)}).where(
        Reminder.id == planned.id
    )
    await queue_due_reminders(WRITERS)
    return await OutboxMessage.objects().where(OutboxMessage.kind == "meeting.quorum_warning")


async def test_the_secretary_is_warned_with_who_has_not_answered(app, board, signed_in_client):
    meeting, people, secretary = board
    await answer(meeting, people["amina"], Answer.attending)
    await answer(meeting, people["ben"], Answer.apologies)
    await answer(meeting, people["eve"], Answer.tentative)

    page = (await (await signed_in_client(secretary)).get(f"/meetings/{meeting.id}")).text
    assert "Quorum not expected" in page
    assert "Attending: 1. Apologies: 1. Tentative: 1. Not answered: 2." in page

    [warning] = await warning_falls_due(meeting)
    assert warning.to_address == "sara@example.org"
    assert warning.subject.startswith("Quorum not expected: Community Safety Partnership")
    unanswered = warning.text_body.split("Not answered yet:")[1]
    assert "Farid Hossain (Metropolitan Police)" in unanswered
    assert "Sara Ahmed (Metropolitan Police)" in unanswered
    assert "Amina Begum" not in unanswered and "Ben Okafor" not in unanswered


async def test_no_warning_once_the_answers_make_the_quorum(app, board, signed_in_client):
    meeting, people, secretary = board
    for key in ("amina", "eve", "farid"):
        await answer(meeting, people[key], Answer.attending)
    page = (await (await signed_in_client(secretary)).get(f"/meetings/{meeting.id}")).text
    assert "Quorum expected" in page and "Quorum not expected" not in page
    assert await warning_falls_due(meeting) == []

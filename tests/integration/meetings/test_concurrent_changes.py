"""Two secretaries acting on one meeting at once (issue 12, item 7).

Each loaded the meeting before either acted, as two browser tabs would. Every state change
re-reads the meeting under a lock inside its transaction, so one wins, the other is told why
nothing happened, and exactly one set of emails is queued. Runs on SQLite and PostgreSQL.
"""

import asyncio
import datetime as dt

import pytest

from govhub.errors import Conflict, FormError
from govhub.mail.tables import OutboxMessage
from govhub.meetings.agenda import publish_agenda
from govhub.meetings.services import cancel_meeting, reschedule_meeting
from govhub.meetings.tables import Meeting, MeetingChange
from tests.integration.calendar.conftest import board, secretary
from tests.integration.calendar.test_invites import in_weeks, plan

__all__ = ["board", "secretary"]  # fixtures shared with the calendar tests


@pytest.fixture
async def meeting(app, board, secretary, make_person, make_membership, make_meeting, make_item):
    for name in ["Abdul Karim", "Rachel Okafor"]:
        person = await make_person(name=name, email=f"{name.split()[0].lower()}@example.org")
        await make_membership(person=person, body=board)
    meeting = await make_meeting(
        body=board,
        title="Quarterly meeting",
        starts_at=in_weeks(2),
        invites_sent_at=dt.datetime.now(dt.UTC),
    )
    await make_item(meeting, title="Budget")
    return meeting


async def two_tabs(meeting) -> tuple[Meeting, Meeting]:
    load = Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first
    return await load(), await load()


async def race(*changes):
    return await asyncio.gather(*changes, return_exceptions=True)


async def mail_kinds() -> list[tuple[str, str]]:
    rows = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.calendar_method)
    return sorted((r["to_address"], r["calendar_method"]) for r in rows)


async def test_two_publishes_at_once_publish_once_and_email_members_once(meeting, secretary):
    first, second = await two_tabs(meeting)
    results = await race(publish_agenda(secretary, first), publish_agenda(secretary, second))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], FormError)
    assert errors[0].errors == {"publish": "The agenda is already published"}
    sent = await mail_kinds()
    assert len(sent) == len(set(sent)) == 2  # the two members (not the secretary), once each
    assert all(method == "REQUEST" for _, method in sent)


async def test_a_cancel_and_a_reschedule_at_once_never_both_win(meeting, secretary):
    first, second = await two_tabs(meeting)
    moved = plan(in_weeks(3), title="Quarterly meeting")
    results = await race(
        cancel_meeting(secretary, first, "The venue is closed", seen_sequence=first.sequence),
        reschedule_meeting(secretary, second, moved, seen_sequence=second.sequence),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    saved = await Meeting.objects().where(Meeting.id == meeting.id).first()
    changes = [c["kind"] for c in await MeetingChange.select(MeetingChange.kind)]
    methods = {m for _, m in await mail_kinds()}
    if isinstance(errors[0], FormError):  # the cancel won; the move is refused
        assert saved.status == "cancelled" and changes == ["cancelled"]
        assert methods == {"CANCEL"}
    else:  # the move won; the cancel, from a form showing the old time, is refused
        assert isinstance(errors[0], Conflict)
        assert saved.status == "scheduled" and changes == ["rescheduled"]
        assert methods == {"REQUEST"}
    assert saved.sequence == 1
    # Whoever won, the record that invitations went out was never cleared.
    assert saved.invites_sent_at is not None


async def test_a_move_from_a_stale_form_is_refused_with_a_clear_message(meeting, secretary):
    first, second = await two_tabs(meeting)
    await reschedule_meeting(secretary, first, plan(in_weeks(3)), seen_sequence=first.sequence)
    before = await mail_kinds()
    with pytest.raises(Conflict, match="Someone else changed this meeting"):
        await reschedule_meeting(
            secretary, second, plan(in_weeks(4)), seen_sequence=second.sequence
        )
    saved = await Meeting.objects().where(Meeting.id == meeting.id).first()
    assert saved.starts_at == in_weeks(3) and saved.sequence == 1
    assert saved.invites_sent_at is not None
    assert await mail_kinds() == before  # no second round of updates


async def test_two_cancels_at_once_send_one_cancellation_each(meeting, secretary):
    first, second = await two_tabs(meeting)
    results = await race(
        cancel_meeting(secretary, first, "Clash with the budget meeting"),
        cancel_meeting(secretary, second, "No quorum expected"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].errors == {"reason": "This meeting is already cancelled"}
    sent = await mail_kinds()
    assert len(sent) == len(set(sent)) and {m for _, m in sent} == {"CANCEL"}
    assert await MeetingChange.count() == 1

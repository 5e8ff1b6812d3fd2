"""Members' calendars follow a meeting through its life: an emailed invitation (iTIP REQUEST),
an update with a higher SEQUENCE when it moves, a CANCEL when it is cancelled, all with the
same UID, delivered over SMTP to a real server on loopback."""

import base64
import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest

from govhub import clock
from govhub.admin import memberships as admin
from govhub.meetings import invitations as invites
from govhub.meetings.agenda import publish_agenda
from govhub.meetings.services import Schedule, cancel_meeting, reschedule_meeting, schedule
from govhub.meetings.tables import Meeting
from tests.ics_readers import read_with_vobject

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
async def members(board, make_person, make_membership):
    people = [
        await make_person(name="Abdul Karim", email="abdul@example.org"),
        await make_person(name="Rachel Okafor", email="rachel@example.org"),
    ]
    for person in people:
        await make_membership(person=person, body=board)
    return people


def in_weeks(weeks: int, hour: int = 18) -> dt.datetime:
    day = clock.today() + dt.timedelta(weeks=weeks)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


def plan(starts_at: dt.datetime, **changes) -> Schedule:
    values = {
        "title": "Quarterly meeting",
        "starts_at": starts_at,
        "duration": dt.timedelta(hours=2),
        "venue": "Town Hall, 160 Whitechapel Road",
        "online_link": "https://meet.example.org/csp",
        "is_public": True,
        "pattern": None,
        "count": 1,
    }
    return Schedule(**{**values, **changes})


def calendar_parts(message) -> tuple[bytes, str, bytes]:
    """The inline text/calendar part (raw bytes as decoded from base64), its method, and the
    attached .ics file."""
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.walk() if p.get_filename() in {"invite.ics", "cancel.ics"}]
    assert len(inline) == 1 and len(attached) == 1
    part = inline[0]
    raw = base64.b64decode(part.get_payload())
    return raw, part.get_param("method"), attached[0].get_content()


def the_event(raw: bytes) -> icalendar.Event:
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return event


async def fresh(meeting_id: int) -> Meeting:
    return await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()


async def test_request_then_update_then_cancel_with_one_uid(
    app, smtp_sink, board, secretary, members
):
    [meeting] = await schedule(secretary, board, plan(in_weeks(3)))
    everyone = ["abdul@example.org", "rachel@example.org"]  # the secretary is not invited
    smtp_sink.received(2)

    first = smtp_sink.to("abdul@example.org")[0]
    assert first.get_content_type() == "multipart/mixed"
    kinds = [p.get_content_type() for p in first.walk()]
    assert kinds[:5] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert first["Subject"].startswith("Invitation: Community Safety Partnership, Quarterly")
    raw, method, attached = calendar_parts(first)
    assert method == "REQUEST"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF intact
    assert attached == raw
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["METHOD"] == "REQUEST"
    event = the_event(raw)
    uid = str(event["UID"])
    assert uid == meeting.uid
    assert int(event["SEQUENCE"]) == 0
    # Replies go to the reply mailbox, with this invitation's token (issue 14).
    assert re.fullmatch(r"mailto:reply\+[0-9a-f]{24}@govhub\.invalid", str(event["ORGANIZER"]))
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    # Each invitation names only its own recipient: members' addresses are not shared.
    assert [str(a) for a in attendees] == ["mailto:abdul@example.org"]
    assert attendees[0].params["RSVP"] == "TRUE"
    assert event["URL"] == f"http://testserver/meetings/{meeting.id}"
    assert "https://meet.example.org/csp" in str(event["LOCATION"])
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(everyone)
    ids = {m["Message-ID"] for m in smtp_sink.messages}
    assert len(ids) == 2

    moved_to = in_weeks(4, hour=17)
    await reschedule_meeting(secretary, await fresh(meeting.id), plan(moved_to), "Room clash")
    smtp_sink.received(4)
    update = smtp_sink.to("abdul@example.org")[1]
    assert update["Subject"].startswith("Moved: ")
    raw, method, _ = calendar_parts(update)
    event = the_event(raw)
    assert method == "REQUEST"
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == moved_to
    [read] = read_with_vobject(raw)
    assert read["events"][0]["start"] == moved_to.astimezone(dt.UTC).isoformat()

    await cancel_meeting(secretary, await fresh(meeting.id), "The chair is unwell")
    smtp_sink.received(6)
    cancel = smtp_sink.to("abdul@example.org")[2]
    assert cancel["Subject"].startswith("Cancelled: ")
    assert "The chair is unwell" in cancel.get_body(("plain",)).get_content()
    raw, method, _ = calendar_parts(cancel)
    assert method == "CANCEL"
    assert icalendar.Calendar.from_ical(raw)["METHOD"] == "CANCEL"
    event = the_event(raw)
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 2
    assert event["STATUS"] == "CANCELLED"
    assert len(smtp_sink.messages) == 6


async def test_published_agenda_invites_are_right_either_side_of_the_clock_changes(
    app, smtp_sink, board, secretary, members, make_meeting, make_item
):
    """Invitations far ahead go out when the agenda is published: the instants are right
    in a second parser on both sides of both 2027 clock changes."""
    times = [
        dt.datetime(2027, 3, 27, 18, 0, tzinfo=LONDON),  # GMT
        dt.datetime(2027, 3, 29, 18, 0, tzinfo=LONDON),  # BST
        dt.datetime(2027, 10, 30, 18, 0, tzinfo=LONDON),  # BST
        dt.datetime(2027, 11, 1, 18, 0, tzinfo=LONDON),  # GMT
    ]
    for starts in times:
        meeting = await make_meeting(body=board, starts_at=starts)
        await make_item(meeting=meeting)
        await publish_agenda(secretary, await fresh(meeting.id))
    smtp_sink.received(8)
    raws = [calendar_parts(m)[0] for m in smtp_sink.to("rachel@example.org")]
    read = read_with_vobject(*raws)
    got = sorted(r["events"][0]["start"] for r in read)
    assert got == [
        "2027-03-27T18:00:00+00:00",
        "2027-03-29T17:00:00+00:00",
        "2027-10-30T17:00:00+00:00",
        "2027-11-01T18:00:00+00:00",
    ]
    assert all(m["Subject"].startswith("Agenda published: ") for m in smtp_sink.messages)


async def test_a_series_is_invited_as_each_meeting_comes_within_eight_weeks(
    app, smtp_sink, board, secretary, members, monkeypatch
):
    meetings = await schedule(secretary, board, plan(in_weeks(2), pattern="monthly", count=6))
    smtp_sink.received(2 * 2)  # the meetings in two and about six weeks, two members
    invited = [m for m in meetings if (await fresh(m.id)).invites_sent_at is not None]
    assert len(invited) == 2

    later = clock.now() + dt.timedelta(days=40)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert await invites.queue_due_invites() == 2  # one more meeting, two members
    assert await invites.queue_due_invites() == 0  # and only once
    smtp_sink.received(6)


async def test_joining_and_leaving_a_board_updates_calendars(
    app, smtp_sink, board, secretary, members, make_org
):
    [meeting] = await schedule(secretary, board, plan(in_weeks(3)))
    smtp_sink.received(2)  # the two members; the secretary runs it and is not invited
    org = await make_org()
    membership = await admin.add_membership(
        secretary,
        board,
        {
            "email": "newcomer@example.org",
            "name": "Nadia Rahman",
            "organisation": str(org.id),
            "role": "member",
            "start_date": clock.today().isoformat(),
            "end_date": "",
        },
    )
    smtp_sink.received(3)
    [welcome] = smtp_sink.to("newcomer@example.org")
    raw, method, _ = calendar_parts(welcome)
    assert method == "REQUEST" and str(the_event(raw)["UID"]) == meeting.uid

    await admin.end_membership(secretary, membership, (clock.today()).isoformat())
    smtp_sink.received(4)
    goodbye = smtp_sink.to("newcomer@example.org")[1]
    raw, method, _ = calendar_parts(goodbye)
    assert method == "CANCEL" and str(the_event(raw)["UID"]) == meeting.uid
    assert goodbye["Subject"].startswith("No longer attending: ")
    assert len(smtp_sink.messages) == 4  # nobody else was told anything

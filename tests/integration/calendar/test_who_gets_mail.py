"""A change to who sits on a board writes to the one person it affects: a new role invites
that person (unless they were invited already), a removed member gets a CANCEL of their own
copy, with STATUS:CANCELLED and a higher SEQUENCE, and a secretary who is not a member is
never an attendee."""

import datetime as dt

import pytest

from govhub import clock
from govhub.admin import memberships as admin
from govhub.governance.tables import Membership
from govhub.meetings.services import schedule
from tests.ics_readers import read_with_icaljs, read_with_vobject
from tests.integration.calendar.test_invites import calendar_parts, in_weeks, plan, the_event


@pytest.fixture
async def members(board, make_person, make_membership):
    abdul = await make_person(name="Abdul Karim", email="abdul@example.org")
    rachel = await make_person(name="Rachel Okafor", email="rachel@example.org")
    seats = [await make_membership(person=p, body=board) for p in (abdul, rachel)]
    return seats


def seat_values(email: str, org_id: int, role: str) -> dict[str, str]:
    return {
        "email": email,
        "name": "",
        "organisation": str(org_id),
        "role": role,
        "start_date": clock.today().isoformat(),
        "end_date": "",
    }


async def seat_of(email: str) -> Membership:
    rows = await Membership.objects(Membership.person).order_by(Membership.id)
    return next(m for m in rows if m.person.email == email)


async def test_a_secretary_who_is_not_a_member_is_not_invited(
    app, smtp_sink, board, secretary, members
):
    [meeting] = await schedule(secretary, board, plan(in_weeks(3)))
    received = smtp_sink.received(2)
    assert sorted(m["To"] for m in received) == ["abdul@example.org", "rachel@example.org"]
    for message in received:
        raw, method, _ = calendar_parts(message)
        [attendee] = [the_event(raw)["ATTENDEE"]]
        assert method == "REQUEST" and str(attendee) == f"mailto:{message['To']}"
    assert str(the_event(raw)["UID"]) == meeting.uid


async def test_adding_a_second_role_to_a_member_sends_mail_to_that_member_only(
    app, smtp_sink, board, secretary, members, make_org
):
    first, second = await schedule(secretary, board, plan(in_weeks(2), pattern="weekly", count=2))
    smtp_sink.received(4)  # two members, two meetings
    org = await make_org()

    # The secretary also becomes a member: invited to both meetings, nobody else written to.
    await admin.add_membership(
        secretary, board, seat_values("siobhan@example.org", org.id, "member")
    )
    received = smtp_sink.received(6)[4:]
    assert {m["To"] for m in received} == {"siobhan@example.org"}
    uids = {str(the_event(calendar_parts(m)[0])["UID"]) for m in received}
    assert uids == {first.uid, second.uid}

    # A member already invited takes on a second role: nothing new for anyone.
    await admin.add_membership(
        secretary, board, seat_values("abdul@example.org", org.id, "vice_chair")
    )
    smtp_sink.received(6)


async def test_a_removed_member_gets_a_cancel_of_their_copy_with_a_higher_sequence(
    app, smtp_sink, board, secretary, members
):
    [meeting] = await schedule(secretary, board, plan(in_weeks(3)))
    [invitation] = smtp_sink.to("abdul@example.org")
    invited = the_event(calendar_parts(invitation)[0])

    await admin.end_membership(
        secretary, await seat_of("abdul@example.org"), clock.today().isoformat()
    )
    received = smtp_sink.received(3)
    assert received[2]["To"] == "abdul@example.org"  # Rachel is told nothing
    raw, method, attached = calendar_parts(received[2])
    assert method == "CANCEL" and attached == raw
    cancel = the_event(raw)
    assert str(cancel["UID"]) == meeting.uid
    assert cancel["STATUS"] == "CANCELLED"
    assert int(cancel["SEQUENCE"]) > int(invited["SEQUENCE"])
    [read] = read_with_icaljs(raw)
    assert read["method"] == "CANCEL"
    assert read["events"][0]["status"] == "CANCELLED"
    assert read["events"][0]["sequence"] == int(cancel["SEQUENCE"])
    assert read_with_vobject(raw)[0]["events"][0]["uid"] == meeting.uid


async def test_a_member_made_secretary_only_gets_a_cancel_and_back_an_invitation(
    app, smtp_sink, board, secretary, members
):
    [meeting] = await schedule(secretary, board, plan(in_weeks(3)))
    smtp_sink.received(2)
    seat = await seat_of("rachel@example.org")
    await admin.change_role(secretary, seat, "secretary")
    cancel = smtp_sink.received(3)[2]
    assert cancel["To"] == "rachel@example.org"
    assert calendar_parts(cancel)[1] == "CANCEL"
    await admin.change_role(secretary, await seat_of("rachel@example.org"), "member")
    again = smtp_sink.received(4)[3]
    raw, method, _ = calendar_parts(again)
    assert again["To"] == "rachel@example.org" and method == "REQUEST"
    # Sent after the CANCEL, with a SEQUENCE no lower, so calendars take it as the newer.
    assert int(the_event(raw)["SEQUENCE"]) >= int(the_event(calendar_parts(cancel)[0])["SEQUENCE"])
    assert meeting.uid == str(the_event(raw)["UID"])


async def test_a_meeting_that_has_not_been_sent_out_sends_nothing_on_joining(
    app, smtp_sink, board, secretary, members, make_org
):
    await schedule(secretary, board, plan(clock.now() + dt.timedelta(weeks=20)))
    smtp_sink.received(0)  # beyond the invitation horizon
    org = await make_org()
    await admin.add_membership(
        secretary, board, seat_values("siobhan@example.org", org.id, "member")
    )
    smtp_sink.received(0)

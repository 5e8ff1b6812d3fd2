"""Replies read back: an invitation goes out through a real SMTP server on loopback; each
member's calendar answers it (Outlook, Gmail, Apple Calendar; Accept, Decline, Tentative, with
and without a comment) to the ORGANIZER it names; the mail server pipes each reply to
`govhub inbound`, and the meeting page shows the answers. A forged reply changes nothing."""

import asyncio
import base64
import datetime as dt
import logging
import os
import smtplib
import sys
from zoneinfo import ZoneInfo

import icalendar
import pytest

from govhub import clock
from govhub.governance.principal import Principal
from govhub.meetings.replies import read_message
from govhub.meetings.reply_lmtp import start_lmtp
from govhub.meetings.response_tables import MeetingResponse
from govhub.meetings.services import Schedule, schedule
from tests.calendar_replies import CLIENTS, apple, gmail, outlook

LONDON = ZoneInfo("Europe/London")

MEMBERS = {
    # key: (name, client, PARTSTAT, comment)
    "amina": ("Amina Begum", "outlook", "ACCEPTED", ""),
    "ben": ("Ben Okafor", "outlook", "DECLINED", "Sorry, I am at a conference that week"),
    "eve": ("Eve Turner", "gmail", "ACCEPTED", "I will bring the dashboard figures"),
    "farid": ("Farid Hossain", "gmail", "DECLINED", ""),
    "hana": ("Hana Miah", "gmail", "TENTATIVE", ""),
    "dara": ("Dara Khan", "apple", "TENTATIVE", "Depends on the school run"),
    "grace": ("Grace Lee", "apple", "ACCEPTED", ""),
}
SHOWN = {"ACCEPTED": "Attending", "DECLINED": "Apologies", "TENTATIVE": "Tentative"}


@pytest.fixture
async def board(app, make_body, make_org, make_person, make_membership, make_user):
    body = await make_body(name="Children and Families Board", slug="cfb")
    org = await make_org(name="Tower Hamlets Council", slug="council")
    people = {}
    for key, (name, *_) in {"sara": ("Sara Ahmed",), **MEMBERS}.items():
        people[key] = await make_person(name=name, email=f"{key}@example.org")
        role = "secretary" if key == "sara" else "member"
        await make_membership(person=people[key], body=body, organisation=org, role=role)
    secretary = await make_user(person=people["sara"])
    return body, people, secretary


async def invite(body, people) -> tuple:
    day = clock.today() + dt.timedelta(weeks=3)
    starts = dt.datetime.combine(day, dt.time(18, 0), tzinfo=LONDON)
    plan = Schedule(
        title="Spring meeting",
        starts_at=starts,
        duration=dt.timedelta(hours=2),
        venue="Town Hall",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )
    secretary = Principal(
        person_id=people["sara"].id, name="Sara Ahmed", secretary_of=frozenset({body.id})
    )
    return (await schedule(secretary, body, plan))[0]


def invitation_to(smtp_sink, address: str) -> icalendar.Event:
    """The VEVENT of the invitation the member received, as their mail client reads it."""
    [message] = smtp_sink.to(address)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(base64.b64decode(part.get_payload())).walk("VEVENT")
    return event


async def govhub_inbound(raw: bytes) -> tuple[int, str]:
    """Pipe one message to `govhub inbound`, as Postfix or Exim would: (exit status, log)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "govhub.cli",
        "inbound",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ.copy(),
    )
    out, err = await process.communicate(raw)
    return process.returncode, (out + err).decode()


async def answers(meeting) -> dict[str, tuple[str, str]]:
    rows = await MeetingResponse.objects(MeetingResponse.person).where(
        MeetingResponse.meeting == meeting.id
    )
    return {r.person.email.split("@")[0]: (r.answer, r.comment) for r in rows}


async def test_replies_from_outlook_gmail_and_apple_are_read_back(
    app, smtp_sink, board, signed_in_client
):
    body, people, secretary = board
    meeting = await invite(body, people)
    smtp_sink.received(len(MEMBERS))  # the secretary, not a member, is not invited

    for key, (name, client, partstat, comment) in MEMBERS.items():
        event = invitation_to(smtp_sink, f"{key}@example.org")
        assert str(event["ORGANIZER"]).startswith("mailto:reply+")
        raw = CLIENTS[client](event, f"{key}@example.org", name, partstat, comment)
        status, log = await govhub_inbound(raw)
        assert status == 0, log
        assert "calendar reply recorded" in log, log

    recorded = await answers(meeting)
    assert recorded == {
        key: ({"ACCEPTED": "attending", "DECLINED": "apologies", "TENTATIVE": "tentative"}[p], c)
        for key, (_, _, p, c) in MEMBERS.items()
    }
    page = (await (await signed_in_client(secretary)).get(f"/meetings/{meeting.id}")).text
    for name, _, partstat, comment in MEMBERS.values():
        row = page[page.index(name) :]
        row = row[: row.index("</tr>")]
        assert SHOWN[partstat] in row and comment in row

    # The same reply again (a client re-sends) changes nothing.
    event = invitation_to(smtp_sink, "ben@example.org")
    status, _ = await govhub_inbound(
        outlook(
            event,
            "ben@example.org",
            "Ben Okafor",
            "DECLINED",
            "Sorry, I am at a conference that week",
        )
    )
    assert status == 0 and await answers(meeting) == recorded


async def test_a_forged_reply_changes_nothing(app, smtp_sink, board, caplog):
    body, people, _ = board
    meeting = await invite(body, people)
    amina = invitation_to(smtp_sink, "amina@example.org")
    ben = invitation_to(smtp_sink, "ben@example.org")
    status, _ = await govhub_inbound(gmail(amina, "amina@example.org", "Amina Begum", "ACCEPTED"))
    assert status == 0
    before = await answers(meeting)
    assert before == {"amina": ("attending", "")}

    forged = [
        # Amina's answer sent to the address in Ben's invitation: the token is Ben's.
        gmail(
            amina,
            "amina@example.org",
            "Amina Begum",
            "DECLINED",
            organizer=str(ben["ORGANIZER"]).removeprefix("mailto:"),
        ),
        # Amina's own address and token, but another meeting's UID.
        apple(amina, "amina@example.org", "Amina Begum", "DECLINED", uid="other@govhub"),
        # Someone else writes as Amina (the ATTENDEE), from their own address.
        outlook(amina, "mallory@example.net", "Amina Begum", "DECLINED"),
        # Someone else answers for themselves to Amina's address.
        outlook(amina, "mallory@example.net", "Mallory", "DECLINED"),
        # Not a calendar reply at all.
        b"From: spam@example.net\r\nTo: reply@govhub.invalid\r\nSubject: hi\r\n\r\nBuy now\r\n",
    ]
    # Through the command for the first (it is never bounced: exit status 0), then the
    # function it calls, to keep the test quick.
    status, log = await govhub_inbound(forged[0])
    assert status == 0, log
    assert "calendar reply ignored" in log and "recorded" not in log, log
    for raw in forged[1:]:
        with caplog.at_level(logging.INFO, logger="govhub.meetings.replies"):
            caplog.clear()
            assert await read_message(raw) == 0
        assert "calendar reply ignored" in caplog.text, caplog.text
    assert await answers(meeting) == before
    assert await MeetingResponse.count() == 1


async def test_an_lmtp_delivery_is_read_the_same_way(app, smtp_sink, board):
    body, people, _ = board
    meeting = await invite(body, people)
    event = invitation_to(smtp_sink, "dara@example.org")
    raw = apple(event, "dara@example.org", "Dara Khan", "DECLINED", "Hospital appointment")
    organiser = str(event["ORGANIZER"]).removeprefix("mailto:")
    server = await start_lmtp("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    def deliver() -> dict:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            return lmtp.sendmail("dara@example.org", [organiser], raw)

    async with server:
        refused = await asyncio.to_thread(deliver)
    assert refused == {}
    assert await answers(meeting) == {"dara": ("apologies", "Hospital appointment")}


async def test_a_decline_keeps_a_substitute_already_named(app, smtp_sink, board):
    from govhub.meetings.response_tables import Answer, ResponseChannel
    from govhub.meetings.responses import SubstituteChoice, record_response
    from govhub.meetings.tables import Meeting

    body, people, _ = board
    meeting = await invite(body, people)
    loaded = await Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first()
    await record_response(
        loaded,
        people["eve"].id,
        Answer.substitute,
        via=ResponseChannel.link,
        substitute=SubstituteChoice(person_id=people["grace"].id),
    )
    event = invitation_to(smtp_sink, "eve@example.org")
    assert await read_message(gmail(event, "eve@example.org", "Eve Turner", "DECLINED")) == 0
    assert (await answers(meeting))["eve"] == ("substitute", "")

"""No user text (a meeting title, a board's name, a venue) can add an email header or break
the calendar an invitation carries, whatever it contains."""

import datetime as dt
import email
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govhub.calendar.ics import CalAddress, CalendarEvent, build_calendar
from govhub.mail.jobs import build_message
from govhub.mail.rendering import render_email
from govhub.mail.tables import OutboxMessage

pytestmark = pytest.mark.no_db
LONDON = ZoneInfo("Europe/London")

NASTY = st.sampled_from(
    [
        "\r\nBcc: victim@example.org",
        "\nX-Injected: yes",
        "END:VEVENT\r\nBEGIN:VEVENT",
        "a,b;c\\d",
        "বাংলা সভা",
        "=?utf-8?q?=0D=0ABcc:_x?=",
        "\u2028\u2029\x0b\x0c",
    ]
)
USER_TEXT = st.lists(st.one_of(NASTY, st.text(max_size=40)), min_size=1, max_size=4).map("".join)

EXPECTED_HEADERS = {"from", "to", "subject", "message-id", "date", "mime-version", "content-type"}


def message_for(title: str, body_name: str, venue: str) -> OutboxMessage:
    starts = dt.datetime(2027, 3, 30, 18, 0, tzinfo=LONDON)
    context = {
        "name": "Abdul Karim",
        "change": "scheduled",
        "body_name": body_name,
        "title": title,
        "when": "Tuesday 30 March 2027, 6pm",
        "day": "Tuesday 30 March 2027",
        "time": "6pm",
        "ends": "8pm",
        "venue": venue,
        "online_link": "",
        "url": "http://testserver/meetings/1",
        "agenda_published": False,
        "reason": "",
        "manage_url": "",
        "base_url": "http://testserver",
        "rsvp": None,
    }
    subject, text, html = render_email("meeting_invite", context)
    event = CalendarEvent(
        uid="meeting-1@govhub.test",
        sequence=0,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        summary=f"{body_name}: {title}",
        organiser=CalAddress(email="secretary@example.org", name=body_name),
        location=venue,
        description=title,
        attendees=(CalAddress(email="abdul@example.org", name=title),),
    )
    ics = build_calendar([event], method="REQUEST")
    return OutboxMessage(
        message_id="<1@govhub.test>",
        to_address="abdul@example.org",
        subject=subject,
        text_body=text,
        html_body=html,
        calendar_method="REQUEST",
        calendar_body=ics.decode(),
    )


@settings(max_examples=150, deadline=None)
@given(title=USER_TEXT, body_name=USER_TEXT, venue=USER_TEXT)
def test_user_text_adds_no_header_and_breaks_no_calendar(title, body_name, venue):
    row = message_for(title, body_name, venue)
    wire = build_message(row, "Tower Hamlets Partnership <partnership@govhub.test>").as_bytes()
    parsed = email.message_from_bytes(wire, policy=policy.default)

    assert {name.lower() for name in parsed.keys()} == EXPECTED_HEADERS
    assert parsed["To"] == "abdul@example.org"
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None

    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, as sent
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "meeting-1@govhub.test"
    assert raw.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # as a line, not inside a value

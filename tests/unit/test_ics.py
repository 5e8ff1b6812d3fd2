"""Calendar files are read the same by icalendar and by vobject, in another process: the right
instant either side of both clock changes, and no user text can break a calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govhub.calendar.ics import (
    CalAddress,
    CalendarEvent,
    build_calendar,
    clean_text,
    fingerprint,
    one_line,
)
from govhub.governance.tables import Body
from govhub.meetings.calendar import meeting_event
from govhub.meetings.tables import Meeting
from tests.ics_readers import read_with_icaljs, read_with_vobject

pytestmark = pytest.mark.no_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
SECRETARY = CalAddress("siobhan@example.org", "Siobhan Brennan")

# Local wall time in London -> the instant every calendar must show. Written out by hand,
# not computed with zoneinfo, so the test does not share the code's idea of the rules.
DST_CASES = [
    (dt.datetime(2026, 3, 28, 18, 0), dt.datetime(2026, 3, 28, 18, 0, tzinfo=UTC)),  # GMT
    (dt.datetime(2026, 3, 29, 0, 30), dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # just before
    (dt.datetime(2026, 3, 29, 3, 0), dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC)),  # just after
    (dt.datetime(2026, 3, 30, 18, 0), dt.datetime(2026, 3, 30, 17, 0, tzinfo=UTC)),  # BST
    (dt.datetime(2026, 10, 24, 18, 0), dt.datetime(2026, 10, 24, 17, 0, tzinfo=UTC)),  # BST
    (dt.datetime(2026, 10, 25, 0, 30), dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),  # before
    (dt.datetime(2026, 10, 25, 2, 30), dt.datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),  # after
    (dt.datetime(2026, 10, 26, 18, 0), dt.datetime(2026, 10, 26, 18, 0, tzinfo=UTC)),  # GMT
    (dt.datetime(2027, 3, 27, 18, 0), dt.datetime(2027, 3, 27, 18, 0, tzinfo=UTC)),
    (dt.datetime(2027, 3, 28, 18, 0), dt.datetime(2027, 3, 28, 17, 0, tzinfo=UTC)),
    (dt.datetime(2027, 10, 30, 18, 0), dt.datetime(2027, 10, 30, 17, 0, tzinfo=UTC)),
    (dt.datetime(2027, 10, 31, 18, 0), dt.datetime(2027, 10, 31, 18, 0, tzinfo=UTC)),
]


def event(**overrides) -> CalendarEvent:
    starts = overrides.pop("starts_at", dt.datetime(2026, 3, 3, 18, 0, tzinfo=LONDON))
    values = {
        "uid": "meeting-1@govhub.test",
        "sequence": 0,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "summary": "Community Safety Partnership",
        "organiser": SECRETARY,
        "location": "Town Hall, 160 Whitechapel Road",
        "url": "http://testserver/meetings/1",
    }
    return CalendarEvent(**{**values, **overrides})


def dst_events() -> list[CalendarEvent]:
    return [
        event(uid=f"dst-{n}@govhub.test", starts_at=local.replace(tzinfo=LONDON))
        for n, (local, _) in enumerate(DST_CASES)
    ]


def test_both_parsers_read_the_right_instant_either_side_of_both_clock_changes():
    data = build_calendar(dst_events())
    expected = [instant.isoformat() for _, instant in DST_CASES]

    parsed = icalendar.Calendar.from_ical(data)
    starts = [e["DTSTART"].dt for e in parsed.walk("VEVENT")]
    assert [s.astimezone(UTC).isoformat() for s in starts] == expected
    assert all(e["DTSTART"].params["TZID"] == "Europe/London" for e in parsed.walk("VEVENT"))

    # icalendar's own reading of our VTIMEZONE rules (not its zoneinfo) agrees too.
    rules = parsed.walk("VTIMEZONE")[0].to_tz()
    assert [local.replace(tzinfo=rules).astimezone(UTC) for local, _ in DST_CASES] == [
        instant for _, instant in DST_CASES
    ]

    [read] = read_with_vobject(data)
    assert [e["start"] for e in read["events"]] == expected
    # vobject took the times from our VTIMEZONE block, not from a zone database.
    assert {e["tz"] for e in read["events"]} == {"_tzicalvtz"}


def test_a_meeting_across_the_autumn_change_lasts_its_real_length():
    starts = dt.datetime(2026, 10, 25, 0, 30, tzinfo=LONDON)  # BST
    ends = dt.datetime(2026, 10, 25, 2, 30, tzinfo=LONDON)  # GMT: three hours later
    [read] = read_with_vobject(build_calendar([event(starts_at=starts, ends_at=ends)]))
    assert read["events"][0]["start"] == "2026-10-24T23:30:00+00:00"
    assert read["events"][0]["end"] == "2026-10-25T02:30:00+00:00"


def test_another_zone_is_written_in_utc_without_a_vtimezone():
    data = build_calendar(dst_events(), time_zone="America/New_York")
    assert b"BEGIN:VTIMEZONE" not in data and b"TZID=" not in data
    expected = [instant.isoformat() for _, instant in DST_CASES]
    parsed = icalendar.Calendar.from_ical(data)
    assert [e["DTSTART"].dt.isoformat() for e in parsed.walk("VEVENT")] == expected
    [read] = read_with_vobject(data)
    assert [e["start"] for e in read["events"]] == expected


def test_an_invite_has_everything_a_calendar_app_needs():
    data = build_calendar(
        [
            event(
                sequence=3,
                attendees=(CalAddress("amina@example.org", "Amina Begum"),),
                alarm=dt.timedelta(hours=1),
                description="Agenda and papers: http://testserver/meetings/1/pack",
            )
        ],
        method="REQUEST",
        stamp=dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
    )
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN" and "govhub" in calendar["PRODID"]
    [vevent] = calendar.walk("VEVENT")
    assert vevent["UID"] == "meeting-1@govhub.test" and vevent["SEQUENCE"] == 3
    assert vevent["DTSTAMP"].dt == dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["ORGANIZER"] == "mailto:siobhan@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Siobhan Brennan"
    attendee = vevent["ATTENDEE"]
    assert attendee == "mailto:amina@example.org"
    assert dict(attendee.params) == {
        "CN": "Amina Begum",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    [alarm] = vevent.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -dt.timedelta(hours=1)


def test_the_etag_data_ignores_dtstamp_but_not_a_change():
    first = build_calendar([event()], stamp=dt.datetime(2026, 1, 1, tzinfo=UTC))
    later = build_calendar([event()], stamp=dt.datetime(2026, 1, 2, tzinfo=UTC))
    assert first != later
    assert fingerprint([event()]) == fingerprint([event()])
    assert fingerprint([event()]) != fingerprint([event(sequence=1)])
    assert fingerprint([event()]) != fingerprint([event(location="Mile End Hospital")])
    assert fingerprint([event()]) != fingerprint([event()], method="CANCEL")


def a_meeting(**overrides) -> Meeting:
    body = Body(id=4, name="Community Safety Partnership", short_name="CSP", slug="csp")
    starts = dt.datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    values = {
        "id": 7,
        "body": body.id,
        "title": "Quarterly meeting",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "venue": "Town Hall",
        "online_link": "https://meet.example.org/csp",
        "uid": "meeting-7@testserver",
        "sequence": 2,
        "status": "scheduled",
        "agenda_state": "published",
        "is_public": False,
    }
    meeting = Meeting(**{**values, **overrides})
    meeting.body = body  # as Meeting.objects(Meeting.body) loads it
    return meeting


def test_a_meetings_event_links_back_to_its_page_agenda_and_online_room():
    made = meeting_event(a_meeting(), SECRETARY)
    assert made.summary == "Community Safety Partnership: Quarterly meeting"
    assert made.url == "http://testserver/meetings/7"
    assert made.location == "Town Hall, or online: https://meet.example.org/csp"
    assert "Agenda and papers: http://testserver/meetings/7/pack" in made.description
    assert "Join online: https://meet.example.org/csp" in made.description
    assert meeting_event(a_meeting(title="CSP quarterly"), SECRETARY).summary == "CSP quarterly"
    assert meeting_event(a_meeting(title="Crisps"), SECRETARY).summary.endswith(": Crisps")


def test_the_minimal_variant_says_only_that_a_private_meeting_takes_place():
    data = build_calendar([meeting_event(a_meeting(status="cancelled"), SECRETARY, minimal=True)])
    [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert vevent["SUMMARY"] == "Private meeting" and vevent["CLASS"] == "PRIVATE"
    assert vevent["STATUS"] == "CANCELLED" and vevent["UID"] == "meeting-7@testserver"
    for hidden in ("LOCATION", "DESCRIPTION", "URL"):
        assert hidden not in vevent
    assert vevent["ORGANIZER"] == "mailto:partnership@govhub.invalid"
    text = data.decode()
    assert "Quarterly" not in text and "Town Hall" not in text and "siobhan" not in text


def test_ordinary_text_is_kept_exactly():
    for text in ["Budget, 2026; Q1 \\ review", "সভা: বাজেট", 'The "Ideas" board (2/3)']:
        assert clean_text(text) == text == one_line(text)
    assert clean_text("Agenda:\r\n1. Welcome\r2. Minutes") == "Agenda:\n1. Welcome\n2. Minutes"
    assert one_line("Room 2\nFirst floor") == "Room 2 First floor"


# Property tests: whatever people type, a calendar stays one calendar with one event.

NASTY = [
    "\r\n",
    "\n",
    "\r",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "END:VCALENDAR",
    ",",
    ";",
    ":",
    "\\",
    "\\n",
    '"',
    "^",
    "সভা",
    " " * 80,
    "\xa0" * 40,
    "\t",
    "\x00",
    "\x0b",
    "\x85",
    "\u2028",
    "সভা" * 30,
]
USER_TEXT = st.lists(st.one_of(st.text(), st.sampled_from(NASTY)), max_size=8).map("".join)
PROPERTIES = settings(max_examples=150, deadline=None, database=None)


def user_event(title: str, venue: str, description: str, name: str) -> CalendarEvent:
    return event(
        summary=title,
        location=venue,
        description=description,
        organiser=CalAddress("secretary@example.org", name),
        attendees=(CalAddress("member@example.org", name),),
        alarm=dt.timedelta(minutes=30),
    )


def assert_well_formed(data: bytes) -> None:
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1
    assert lines.count(b"END:VCALENDAR") == 1
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character


@PROPERTIES
@given(title=USER_TEXT, venue=USER_TEXT, description=USER_TEXT, name=USER_TEXT)
def test_no_user_text_breaks_a_calendar(title, venue, description, name):
    data = build_calendar(
        [user_event(title, venue, description, name)], method="REQUEST", name=title
    )
    assert_well_formed(data)
    [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(vevent.get("SUMMARY", "")) == one_line(title)
    assert str(vevent.get("LOCATION", "")) == one_line(venue)
    assert str(vevent.get("DESCRIPTION", "")) == clean_text(description)
    assert vevent["ORGANIZER"] == "mailto:secretary@example.org"
    assert vevent["ATTENDEE"] == "mailto:member@example.org"
    # Backslashes are dropped from names: icalendar's parser misreads them in parameters.
    assert vevent["ORGANIZER"].params.get("CN", "") == one_line(name).replace("\\", "")
    assert vevent["UID"] == "meeting-1@govhub.test"


def test_vobject_reads_every_calendar_the_property_test_writes():
    written: list[tuple[bytes, str, str, str]] = []

    @PROPERTIES
    @given(title=USER_TEXT, venue=USER_TEXT, description=USER_TEXT, name=USER_TEXT)
    def write(title, venue, description, name):
        data = build_calendar([user_event(title, venue, description, name)], name=name)
        written.append((data, one_line(title), one_line(venue), clean_text(description)))

    write()
    read = read_with_vobject(*(data for data, *_ in written))  # one process for them all
    for (_, title, venue, description), found in zip(written, read, strict=True):
        assert found["calendars"] == 1
        [vevent] = found["events"]
        assert (vevent["summary"], vevent["location"]) == (title, venue)
        assert vevent["description"] == description
        assert vevent["organiser"] == "mailto:secretary@example.org"
        assert vevent["start"] == "2026-03-03T18:00:00+00:00"


def test_a_typed_backslash_before_n_is_not_a_line_break():
    """Found by the property test: icalendar wrote ``\\N`` typed by a user as a line break."""
    path = "\\\\fileserver\\New papers\\notes.docx"
    data = build_calendar([event(description=path, location=path)])
    [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    for name in ("DESCRIPTION", "LOCATION"):
        shown = str(vevent[name]).replace("\u2060", "")
        assert shown == path, name
    [read] = read_with_vobject(data)
    assert read["events"][0]["description"].replace("\u2060", "") == path


def test_a_published_feed_names_no_attendee_and_says_how_often_to_refresh():
    member = CalAddress("member@example.org", "Abdul Karim")
    data = build_calendar([event(attendees=(member,))], method="PUBLISH")
    assert b"ATTENDEE" not in data and b"RSVP" not in data
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    invite = build_calendar([event(attendees=(member,))], method="REQUEST")
    assert b"ATTENDEE" in invite and b"REFRESH-INTERVAL" not in invite


def test_every_event_has_last_modified_and_a_private_one_says_so():
    changed = dt.datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    stamp = dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    data = build_calendar(
        [event(uid="a@t", last_modified=changed), event(uid="b@t", private=True)], stamp=stamp
    )
    a, b = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert a.decoded("LAST-MODIFIED") == changed
    assert b.decoded("LAST-MODIFIED") == stamp  # not known: when it was written
    assert "CLASS" not in a and b["CLASS"] == "PRIVATE"


def test_every_cancel_says_cancelled_and_a_waiting_place_is_tentative():
    goes_on = event(attendees=(CalAddress("member@example.org"),), alarm=dt.timedelta(hours=1))
    [withdrawn] = icalendar.Calendar.from_ical(build_calendar([goes_on], method="CANCEL")).walk(
        "VEVENT"
    )
    assert withdrawn["STATUS"] == "CANCELLED" and not withdrawn.walk("VALARM")
    [waiting] = icalendar.Calendar.from_ical(build_calendar([event(tentative=True)])).walk("VEVENT")
    assert waiting["STATUS"] == "TENTATIVE"


def test_a_time_that_happens_twice_is_written_as_an_instant():
    """RFC 5545 reads a local time the clocks pass twice as the first: the second 01:30 of
    25 October 2026 is written in UTC, and both readers agree on it."""
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    data = build_calendar([event(starts_at=second, ends_at=second + dt.timedelta(hours=2))])
    assert b"DTSTART:20261025T013000Z" in data
    [read] = read_with_vobject(data)
    assert read["events"][0]["start"] == "2026-10-25T01:30:00+00:00"
    [read] = read_with_icaljs(data)
    assert read["events"][0]["start"] == "2026-10-25T01:30:00.000Z"
    assert read["events"][0]["minutes"] == 120

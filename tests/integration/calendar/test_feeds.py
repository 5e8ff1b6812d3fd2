"""Anyone may put a public meeting in their calendar, or subscribe to a board's meetings;
calendars that ask again get "not modified" until something they show has changed."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from govhub import clock
from govhub.meetings.services import Schedule, cancel_meeting, reschedule_meeting
from govhub.meetings.tables import Meeting

LONDON = ZoneInfo("Europe/London")
TUESDAY_EVENING = dt.datetime(2027, 1, 5, 18, 0, tzinfo=LONDON)
SUMMER_EVENING = dt.datetime(2027, 7, 6, 18, 0, tzinfo=LONDON)


def events_in(response) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


async def fresh(meeting) -> Meeting:
    return await Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first()


async def test_anyone_can_add_a_public_meeting_to_their_calendar(
    client, board, secretary, make_meeting
):
    meeting = await make_meeting(
        body=board,
        title="CSP quarterly meeting",
        starts_at=TUESDAY_EVENING,
        online_link="https://meet.example.org/csp",
    )
    response = await client.get(f"/meetings/{meeting.id}/invite.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="csp-2027-01-05.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == meeting.uid and event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "CSP quarterly meeting" and event["STATUS"] == "CONFIRMED"
    assert event["DTSTART"].dt == TUESDAY_EVENING
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["LOCATION"] == (
        "Town Hall, 160 Whitechapel Road, or online: https://meet.example.org/csp"
    )
    assert event["URL"] == f"http://testserver/meetings/{meeting.id}"
    assert f"http://testserver/meetings/{meeting.id}" in event["DESCRIPTION"]
    # The partnership's reply mailbox under the board's name, whoever is secretary (issue 14).
    assert event["ORGANIZER"] == "mailto:reply@govhub.invalid"
    assert event["ORGANIZER"].params["CN"] == "Community Safety Partnership"


async def test_without_a_secretary_the_organiser_is_the_same(client, make_body, make_meeting):
    board = await make_body(name="Youth Board")
    meeting = await make_meeting(body=board, starts_at=TUESDAY_EVENING)
    [event] = events_in(await client.get(f"/meetings/{meeting.id}/invite.ics"))
    assert event["ORGANIZER"] == "mailto:reply@govhub.invalid"
    assert event["ORGANIZER"].params["CN"] == "Youth Board"


async def test_a_private_meeting_is_not_found_by_the_public_but_members_get_it(
    client, board, make_meeting, make_person, make_membership, make_user, signed_in_client
):
    meeting = await make_meeting(body=board, starts_at=TUESDAY_EVENING, is_public=False)
    assert (await client.get(f"/meetings/{meeting.id}/invite.ics")).status_code == 404
    assert (await client.get("/meetings/999999/invite.ics")).status_code == 404

    person = await make_person()
    await make_membership(person=person, body=board)
    member = await signed_in_client(await make_user(person=person))
    response = await member.get(f"/meetings/{meeting.id}/invite.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert [e["UID"] for e in events_in(response)] == [meeting.uid]


async def test_a_boards_feed_keeps_cancelled_meetings_and_each_meetings_uid(
    client, board, secretary, make_meeting
):
    kept = await make_meeting(body=board, starts_at=TUESDAY_EVENING)
    called_off = await make_meeting(body=board, starts_at=SUMMER_EVENING)
    await cancel_meeting(secretary, await fresh(called_off), "Not quorate")
    await make_meeting(body=board, starts_at=SUMMER_EVENING, is_public=False)
    await make_meeting(body=board, starts_at=clock.now() - dt.timedelta(days=400))
    recent = await make_meeting(body=board, starts_at=clock.now() - dt.timedelta(days=300))

    response = await client.get("/bodies/csp/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["X-WR-CALNAME"] == "Community Safety Partnership"
    events = {e["UID"]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {recent.uid, kept.uid, called_off.uid}
    assert events[called_off.uid]["STATUS"] == "CANCELLED"
    assert events[called_off.uid]["SEQUENCE"] == 1
    assert "This meeting has been cancelled: Not quorate" in events[called_off.uid]["DESCRIPTION"]
    assert events[kept.uid]["STATUS"] == "CONFIRMED"

    moved_to = dt.datetime(2027, 1, 12, 18, 30, tzinfo=LONDON)
    plan = Schedule(
        title=kept.title,
        starts_at=moved_to,
        duration=dt.timedelta(hours=2),
        venue="Mile End Hospital",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )
    await reschedule_meeting(secretary, await fresh(kept), plan, "Clash with budget council")
    events = {e["UID"]: e for e in events_in(await client.get("/bodies/csp/calendar.ics"))}
    assert events[kept.uid]["SEQUENCE"] == 1
    assert events[kept.uid]["DTSTART"].dt == moved_to
    assert events[kept.uid]["LOCATION"] == "Mile End Hospital"


async def test_a_calendar_that_asks_again_gets_not_modified_until_something_changes(
    client, board, secretary, make_meeting
):
    meeting = await make_meeting(body=board, starts_at=TUESDAY_EVENING)
    first = await client.get("/bodies/csp/calendar.ics")
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    # The test client accepts gzip: the compressed representation's ETag is weak.
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"

    again = await client.get("/bodies/csp/calendar.ics", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = await client.get(
        "/bodies/csp/calendar.ics", headers={"if-modified-since": last_modified}
    )
    assert since.status_code == 304
    invite = await client.get(f"/meetings/{meeting.id}/invite.ics")
    unchanged = await client.get(
        f"/meetings/{meeting.id}/invite.ics", headers={"if-none-match": invite.headers["etag"]}
    )
    assert unchanged.status_code == 304

    await cancel_meeting(secretary, await fresh(meeting), "The chair is unwell")
    changed = await client.get("/bodies/csp/calendar.ics", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    [event] = events_in(changed)
    assert event["STATUS"] == "CANCELLED"


async def test_the_feed_of_a_board_nobody_may_see_is_not_found(client, make_body):
    await make_body(slug="private-board", is_public=False)
    assert (await client.get("/bodies/private-board/calendar.ics")).status_code == 404
    assert (await client.get("/bodies/no-such-board/calendar.ics")).status_code == 404

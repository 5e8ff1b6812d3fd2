"""Meetings on the nights the clocks change: a meeting keeps its length in every calendar, a
time that does not exist is refused with a message, and one that happens twice is asked about."""

import datetime as dt
import re

import pytest

from govhub.meetings.tables import Meeting
from tests.conftest import csrf_from
from tests.ics_readers import read_with_icaljs, read_with_vobject

SPRING = "2027-03-28"  # last Sunday of March: 01:00 GMT becomes 02:00 BST
AUTUMN = "2027-10-31"  # last Sunday of October: 02:00 BST becomes 01:00 GMT
FORM = "/manage/bodies/csp/meetings/new"


@pytest.fixture
async def secretary_browser(board, make_person, make_membership, make_user, signed_in_client):
    person = await make_person(name="Siobhan Brennan", email="siobhan@example.org")
    await make_membership(
        person=person, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    return await signed_in_client(await make_user(person=person))


async def submit(client, **changes):
    page = await client.get(FORM)
    data = {
        "title": "Night safety walkabout",
        "date": SPRING,
        "time": "00:30",
        "duration": "120",
        "venue": "Whitechapel station",
        "online_link": "",
        "is_public": "yes",
        "repeat": "none",
        "count": "4",
        "_csrf": csrf_from(page.text),
        **changes,
    }
    return await client.post(FORM, data=data)


async def only_meeting() -> Meeting:
    [meeting] = await Meeting.objects()
    return meeting


@pytest.mark.parametrize("day", [SPRING, AUTUMN])
async def test_a_meeting_from_half_past_midnight_keeps_its_two_hours(app, secretary_browser, day):
    response = await submit(secretary_browser, date=day)
    assert response.status_code == 303
    meeting = await only_meeting()
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2)
    ics = (await secretary_browser.get(f"/meetings/{meeting.id}/invite.ics")).content
    [by_icaljs] = read_with_icaljs(ics)
    [event] = by_icaljs["events"]
    assert event["minutes"] == 120
    starts = dt.datetime.fromisoformat(event["start"].replace("Z", "+00:00"))
    ends = dt.datetime.fromisoformat(event["end"].replace("Z", "+00:00"))
    assert ends - starts == dt.timedelta(hours=2)
    [by_vobject] = read_with_vobject(ics)
    [event] = by_vobject["events"]
    length = dt.datetime.fromisoformat(event["end"]) - dt.datetime.fromisoformat(event["start"])
    assert length == dt.timedelta(hours=2)
    # Half past midnight is still on the clock before the change: GMT in spring, BST in autumn.
    expected = "2027-03-28T00:30:00+00:00" if day == SPRING else "2027-10-30T23:30:00+00:00"
    assert event["start"] == expected


async def test_a_time_the_clocks_skip_is_refused_next_to_the_field(app, secretary_browser):
    response = await submit(secretary_browser, time="01:30")
    assert response.status_code == 400
    assert "There is no 01:30 on 28 March 2027" in response.text
    assert re.search(r'id="time-error"', response.text)
    assert 'value="01:30"' in response.text  # what was typed is kept
    assert await Meeting.count() == 0


async def test_a_time_the_clocks_pass_twice_asks_which(app, secretary_browser):
    response = await submit(secretary_browser, date=AUTUMN, time="1:30am")
    assert response.status_code == 400
    assert "happens twice" in response.text
    assert "first 01:30 (BST)" in response.text and "second 01:30 (GMT)" in response.text
    assert await Meeting.count() == 0

    response = await submit(secretary_browser, date=AUTUMN, time="1:30am", fold="second")
    assert response.status_code == 303
    meeting = await only_meeting()
    assert meeting.starts_at.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)
    ics = (await secretary_browser.get(f"/meetings/{meeting.id}/invite.ics")).content
    [event] = read_with_icaljs(ics)[0]["events"]
    assert event["start"] == "2027-10-31T01:30:00.000Z"
    assert event["end"] == "2027-10-31T03:30:00.000Z"

    # Moving it shows the choice made, and the first 01:30 is an hour earlier.
    page = await secretary_browser.get(f"/manage/meetings/{meeting.id}/edit")
    assert re.search(r'value="second" checked', page.text)


async def test_a_series_with_a_meeting_at_a_skipped_time_is_refused(app, secretary_browser):
    response = await submit(
        secretary_browser, date="2027-03-14", time="01:30", repeat="weekly", count="3"
    )
    assert response.status_code == 400
    assert "There is no 01:30 on 28 March 2027" in response.text
    assert await Meeting.count() == 0

"""A secretary schedules meetings and series, moves and cancels them; the history stays."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pyotp
import pytest

from govhub.audit.tables import AuditEntry
from govhub.meetings.tables import Meeting, MeetingChange, MeetingSeries
from tests.conftest import csrf_from

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
async def board(make_body):
    return await make_body(name="Community Safety Partnership", slug="csp", short_name="CSP")


@pytest.fixture
async def secretary(board, make_person, make_membership, make_user, signed_in_client):
    person = await make_person(name="Siobhan Brennan")
    await make_membership(
        person=person, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    return await signed_in_client(await make_user(person=person))


async def post_form(client, form_url: str, action: str, **data):
    page = await client.get(form_url)
    assert page.status_code == 200, page.status_code
    return await client.post(action, data={**data, "_csrf": csrf_from(page.text)})


SCHEDULE = {
    "title": "CSP quarterly meeting",
    "date": "2027-01-05",
    "time": "18:00",
    "duration": "120",
    "venue": "Town Hall, 160 Whitechapel Road, E1 1BJ",
    "online_link": "",
    "is_public": "yes",
    "repeat": "quarterly",
    "count": "4",
}


async def test_a_quarterly_series_on_the_first_tuesday(secretary, board):
    response = await post_form(
        secretary, "/manage/bodies/csp/meetings/new", "/manage/bodies/csp/meetings/new", **SCHEDULE
    )
    assert response.status_code == 303
    meetings = await Meeting.objects().where(Meeting.body == board.id).order_by(Meeting.starts_at)
    local = [m.starts_at.astimezone(LONDON) for m in meetings]
    assert [d.date() for d in local] == [
        dt.date(2027, 1, 5),
        dt.date(2027, 4, 6),
        dt.date(2027, 7, 6),
        dt.date(2027, 10, 5),
    ]
    assert {d.hour for d in local} == {18}  # 6pm either side of the clock change
    assert len({m.uid for m in meetings}) == 4
    series = await MeetingSeries.objects().first()
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=+1TU;COUNT=4"
    entry = await AuditEntry.objects().where(AuditEntry.action == "series.scheduled").first()
    assert "the first Tuesday of each quarter" in entry.summary


async def test_bad_scheduling_input_is_explained_and_kept(secretary):
    bad = {
        **SCHEDULE,
        "date": "2027-02-30",
        "time": "25:99",
        "venue": "",
        "online_link": "zoom",
        "count": "100",
    }
    response = await post_form(
        secretary, "/manage/bodies/csp/meetings/new", "/manage/bodies/csp/meetings/new", **bad
    )
    assert response.status_code == 400
    for message in [
        "The date must be a real date",
        "The start time must be a real time",
        "Enter the online link in full, starting with https://",
        "The number of meetings must be between 2 and 24",
    ]:
        assert message in response.text
    assert 'value="CSP quarterly meeting"' in response.text and 'value="25:99"' in response.text
    assert await Meeting.count() == 0


async def test_moving_a_meeting_keeps_the_old_time_and_raises_the_sequence(
    secretary, board, make_meeting
):
    meeting = await make_meeting(body=board, starts_at=dt.datetime(2027, 3, 2, 18, tzinfo=dt.UTC))
    url = f"/manage/meetings/{meeting.id}/edit"
    response = await post_form(
        secretary,
        url,
        url,
        title=meeting.title,
        date="2027-03-09",
        time="18:30",
        duration="90",
        venue="Mile End Hospital",
        is_public="yes",
        reason="Clash with budget council",
    )
    assert response.status_code == 303
    moved = await Meeting.objects().where(Meeting.id == meeting.id).first()
    assert moved.starts_at.astimezone(LONDON) == dt.datetime(2027, 3, 9, 18, 30, tzinfo=LONDON)
    assert moved.sequence == 1 and moved.uid == meeting.uid
    change = await MeetingChange.objects().where(MeetingChange.meeting == meeting.id).first()
    assert change.kind == "rescheduled" and change.old_starts_at == meeting.starts_at
    page = (await secretary.get(f"/meetings/{meeting.id}")).text
    assert "Moved from Tuesday 2 March 2027, 6pm to Tuesday 9 March 2027, 6:30pm" in page
    assert "Clash with budget council" in page


async def test_a_move_from_a_form_opened_before_someone_elses_is_refused_and_keeps_the_typing(
    secretary, board, make_meeting, make_person, make_membership, make_user, signed_in_client
):
    meeting = await make_meeting(body=board, starts_at=dt.datetime(2027, 3, 2, 18, tzinfo=dt.UTC))
    other = await make_person(name="Second Secretary")
    await make_membership(
        person=other, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    colleague = await signed_in_client(await make_user(person=other))
    url = f"/manage/meetings/{meeting.id}/edit"
    typed = dict(title=meeting.title, duration="90", venue="Mile End Hospital", is_public="yes")
    mine = await secretary.get(url)  # opened first...
    theirs = await post_form(colleague, url, url, date="2027-03-09", time="18:00", **typed)
    assert theirs.status_code == 303  # ...but the colleague moved it meanwhile
    sent = await secretary.post(
        url,
        data={"date": "2027-03-16", "time": "19:00", **typed, "_csrf": csrf_from(mine.text)}
        | {"sequence": re.search(r'name="sequence" value="(\d+)"', mine.text).group(1)},
    )
    assert sent.status_code == 409
    assert "Someone else changed this meeting" in sent.text
    assert 'value="2027-03-16"' in sent.text and 'value="19:00"' in sent.text
    saved = await Meeting.objects().where(Meeting.id == meeting.id).first()
    assert saved.starts_at.astimezone(LONDON).day == 9 and saved.sequence == 1
    again = await secretary.post(
        url,
        data={"date": "2027-03-16", "time": "19:00", **typed, "_csrf": csrf_from(sent.text)}
        | {"sequence": re.search(r'name="sequence" value="(\d+)"', sent.text).group(1)},
    )
    assert again.status_code == 303  # sent again, knowingly: it applies
    saved = await Meeting.objects().where(Meeting.id == meeting.id).first()
    assert saved.starts_at.astimezone(LONDON).day == 16 and saved.sequence == 2


async def test_cancelling_needs_a_reason_and_keeps_the_meeting_visible(
    secretary, board, make_meeting
):
    meeting = await make_meeting(body=board, starts_at=dt.datetime(2027, 3, 2, 18, tzinfo=dt.UTC))
    url = f"/manage/meetings/{meeting.id}/cancel"
    empty = await post_form(secretary, url, url, reason="")
    assert empty.status_code == 400 and "Enter why the meeting is cancelled" in empty.text
    done = await post_form(secretary, url, url, reason="Not quorate: too many apologies")
    assert done.status_code == 303
    cancelled = await Meeting.objects().where(Meeting.id == meeting.id).first()
    assert cancelled.status == "cancelled" and cancelled.sequence == 1
    page = (await secretary.get(f"/meetings/{meeting.id}")).text
    assert "This meeting has been cancelled: Not quorate: too many apologies" in page
    listing = (await secretary.get("/meetings?month=2027-03")).text
    assert "(cancelled)" in listing


async def test_meetings_calendar_by_month_and_body(client, board, make_body, make_meeting):
    other = await make_body(name="Health and Wellbeing Board", slug="hwb")
    await make_meeting(
        body=board, title="CSP March", starts_at=dt.datetime(2027, 3, 2, 18, tzinfo=dt.UTC)
    )
    await make_meeting(
        body=other, title="HWB March", starts_at=dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC)
    )
    page = (await client.get("/meetings?month=2027-03")).text
    assert "March 2027" in page and "6pm CSP" in page and "10am Health and Wellbeing Board" in page
    filtered = await client.get("/meetings?month=2027-03&board=csp", headers={"HX-Request": "true"})
    assert filtered.text.lstrip().startswith('<div id="results"')
    assert "CSP March" in filtered.text and "HWB March" not in filtered.text
    assert (await client.get("/meetings?month=nonsense")).status_code == 200


async def test_private_meetings_are_for_members_only(
    client, board, make_meeting, make_user, signed_in_client
):
    meeting = await make_meeting(body=board, is_public=False, title="Closed session")
    assert (await client.get(f"/meetings/{meeting.id}")).status_code == 404
    assert "Closed session" not in (await client.get("/meetings?month=2026-03")).text
    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    assert (await admin.get(f"/meetings/{meeting.id}")).status_code == 200


async def test_another_boards_secretary_cannot_schedule_or_move(
    board, make_body, make_meeting, make_person, make_membership, make_user, signed_in_client
):
    other = await make_body(name="Other", slug="other")
    person = await make_person()
    await make_membership(
        person=person, body=other, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    stranger = await signed_in_client(await make_user(person=person))
    meeting = await make_meeting(body=board)
    for url in [
        "/manage/bodies/csp/meetings/new",
        f"/manage/meetings/{meeting.id}/edit",
        f"/manage/meetings/{meeting.id}/cancel",
        f"/manage/meetings/{meeting.id}/agenda",
    ]:
        assert (await stranger.get(url)).status_code == 404, url
    token = csrf_from((await stranger.get("/manage/bodies/other/meetings/new")).text)
    response = await stranger.post(
        f"/manage/meetings/{meeting.id}/cancel", data={"_csrf": token, "reason": "sabotage"}
    )
    assert response.status_code == 404
    assert (await Meeting.objects().where(Meeting.id == meeting.id).first()).status == "scheduled"


def agenda_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-[sm]">\d+\. ([^<]+?)(?: <strong|</h3>)', html)


async def test_a_body_page_lists_its_next_and_past_meetings(client, board, make_meeting):
    now = dt.datetime.now(dt.UTC)
    await make_meeting(body=board, title="Soon", starts_at=now + dt.timedelta(days=7))
    await make_meeting(body=board, title="Last time", starts_at=now - dt.timedelta(days=30))
    page = (await client.get("/bodies/csp")).text
    upcoming, past = page.split('<h3 class="govuk-heading-s">Next</h3>')[1].split(
        '<h3 class="govuk-heading-s">Past</h3>'
    )
    assert upcoming.count("/meetings/") >= 1 and "Schedule a meeting" not in page
    assert past.count('href="/meetings/') >= 1

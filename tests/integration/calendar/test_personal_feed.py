"""A member's own feed: every meeting of the boards they sit on, at a secret address that
answers 304 when nothing changed and 404 once a new address has been made."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest

from govhub.calendar.feed_tokens import feed_token_for
from tests.conftest import client_for, csrf_from, sign_in
from tests.ics_readers import read_with_vobject

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
async def member(make_person, make_user):
    person = await make_person(name="Abdul Karim", email="abdul@example.org")
    user = await make_user(person=person)
    return person, user


async def feed_path(client) -> str:
    page = await client.get("/account")
    assert page.status_code == 200
    match = re.search(
        r'id="feed-url" type="text" value="http://testserver(/calendar/[^"]+)"', page.text
    )
    assert match, "the account page shows the feed address"
    return match.group(1)


async def test_a_member_subscribes_and_the_feed_keeps_up(
    app, member, make_body, make_membership, make_meeting
):
    person, _user = member
    csp = await make_body(name="Community Safety Partnership", slug="csp")
    private = await make_body(name="Executive Group", slug="peg", is_public=False)
    other = await make_body(name="Health and Wellbeing Board", slug="hwb", is_public=False)
    await make_membership(person=person, body=csp)
    await make_membership(
        person=person, body=private, start_date=dt.date(2024, 4, 1), end_date=dt.date(2027, 3, 31)
    )
    winter = dt.datetime(2027, 1, 12, 18, 0, tzinfo=LONDON)
    summer = dt.datetime(2027, 7, 13, 18, 0, tzinfo=LONDON)
    on_csp = await make_meeting(body=csp, starts_at=winter, title="CSP January")
    on_peg = await make_meeting(
        body=private, starts_at=summer - dt.timedelta(days=120), is_public=False, title="PEG March"
    )
    await make_meeting(body=private, starts_at=summer, title="PEG July")  # after they left
    await make_meeting(body=other, starts_at=summer, title="Not theirs")
    cancelled = await make_meeting(
        body=csp, starts_at=summer, title="CSP July", status="cancelled", sequence=1
    )

    async with client_for(app) as browser:
        assert (await sign_in(browser, person.email)).status_code == 303
        path = await feed_path(browser)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # 256 bits, base64url

    async with client_for(app) as calendar_app:  # no cookies: calendar apps have none
        response = await calendar_app.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert "private" in response.headers["cache-control"]
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        by_uid = {str(e["UID"]): e for e in events}
        assert set(by_uid) == {on_csp.uid, on_peg.uid, cancelled.uid}
        assert by_uid[cancelled.uid]["STATUS"] == "CANCELLED"
        assert "PEG March" in str(by_uid[on_peg.uid]["SUMMARY"])  # their own private board
        [read] = read_with_vobject(response.content)
        starts = {e["uid"]: e["start"] for e in read["events"]}
        assert starts[on_csp.uid] == "2027-01-12T18:00:00+00:00"
        assert starts[cancelled.uid] == "2027-07-13T17:00:00+00:00"

        etag = response.headers["etag"]
        again = await calendar_app.get(path, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""

    # Regenerating the address: the old one is gone, the new one works.
    async with client_for(app) as browser:
        await sign_in(browser, person.email)
        page = await browser.get("/account")
        renewed = await browser.post("/account/calendar-feed", data={"_csrf": csrf_from(page.text)})
        assert renewed.status_code == 303
        new_path = await feed_path(browser)
    assert new_path != path
    async with client_for(app) as calendar_app:
        assert (await calendar_app.get(path)).status_code == 404
        assert (await calendar_app.get(path, headers={"if-none-match": etag})).status_code == 404
        assert (await calendar_app.get(new_path)).status_code == 200


async def test_feed_changes_when_a_meeting_moves(
    app, member, make_body, make_membership, make_meeting
):
    from govhub.meetings.tables import Meeting

    person, user = member
    board = await make_body()
    await make_membership(person=person, body=board)
    meeting = await make_meeting(
        body=board, starts_at=dt.datetime(2027, 2, 2, 18, 0, tzinfo=LONDON)
    )
    path = f"/calendar/{await feed_token_for(user.id)}.ics"
    async with client_for(app) as calendar_app:
        first = await calendar_app.get(path)
        await Meeting.update(
            {
                Meeting.starts_at: dt.datetime(2027, 2, 9, 18, 0, tzinfo=LONDON),
                Meeting.sequence: 1,
                Meeting.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(Meeting.id == meeting.id)
        second = await calendar_app.get(path, headers={"if-none-match": first.headers["etag"]})
        assert second.status_code == 200
        [event] = icalendar.Calendar.from_ical(second.content).walk("VEVENT")
        assert int(event["SEQUENCE"]) == 1


@pytest.mark.parametrize(
    "path", ["/calendar/nope.ics", "/calendar/" + "A" * 43 + ".ics", "/calendar/" + "A" * 43]
)
async def test_unknown_feed_addresses_are_not_found(client, path):
    assert (await client.get(path)).status_code == 404


async def test_a_switched_off_account_has_no_feed(app, member):
    from govhub.accounts.tables import User

    _person, user = member
    path = f"/calendar/{await feed_token_for(user.id)}.ics"
    await User.update({User.is_active: False}).where(User.id == user.id)
    async with client_for(app) as calendar_app:
        assert (await calendar_app.get(path)).status_code == 404

"""HTTP as calendar clients use it: HEAD answers as GET without the body, each encoding has an
ETag of its own (weak when gzipped) and ``Vary: Accept-Encoding``, and a member's own feed
changes its ETag whenever anything in it changes."""

import datetime as dt
import gzip
from zoneinfo import ZoneInfo

import icalendar
import pytest

from govhub.calendar.feed_tokens import feed_token_for
from govhub.congress.registrations import register
from govhub.governance.tables import Membership
from tests.conftest import client_for
from tests.integration.congress.conftest import make_edition, registration_form

__all__ = ["make_edition"]  # a fixture, used by name

LONDON = ZoneInfo("Europe/London")
PLAIN = {"accept-encoding": "identity"}
GZIP = {"accept-encoding": "gzip"}


@pytest.fixture
async def member(make_person, make_user, make_membership, board):
    person = await make_person(name="Abdul Karim", email="abdul@example.org")
    user = await make_user(person=person)
    seat = await make_membership(person=person, body=board)
    return person, user, seat


@pytest.fixture
async def feed(member) -> str:
    _person, user, _seat = member
    return f"/calendar/{await feed_token_for(user.id)}.ics"


async def test_head_answers_like_get_without_a_body(app, board, make_meeting, feed):
    meeting = await make_meeting(body=board, starts_at=dt.datetime(2027, 2, 2, 18, tzinfo=LONDON))
    async with client_for(app) as calendar_app:
        for path in (feed, "/bodies/csp/calendar.ics", f"/meetings/{meeting.id}/invite.ics"):
            for headers in (PLAIN, GZIP):
                got = await calendar_app.get(path, headers=headers)
                head = await calendar_app.head(path, headers=headers)
                assert (got.status_code, head.status_code) == (200, 200), path
                assert head.content == b""
                for name in ("etag", "content-type", "last-modified", "cache-control", "vary"):
                    assert head.headers.get(name) == got.headers.get(name), (path, name)
                assert head.headers["content-length"] == str(len(got.read())) or (
                    head.headers.get("content-encoding") == "gzip"
                )
            not_modified = await calendar_app.head(
                path, headers={"if-none-match": got.headers["etag"]}
            )
            assert not_modified.status_code == 304


async def test_each_encoding_has_its_own_etag_and_vary(app, board, make_meeting):
    for week in range(3):  # enough to be worth compressing
        await make_meeting(
            body=board,
            starts_at=dt.datetime(2027, 2, 2, 18, tzinfo=LONDON) + dt.timedelta(weeks=week),
        )
    async with client_for(app) as calendar_app:
        plain = await calendar_app.get("/bodies/csp/calendar.ics", headers=PLAIN)
        zipped = await calendar_app.get("/bodies/csp/calendar.ics", headers=GZIP)
        refused = await calendar_app.get(
            "/bodies/csp/calendar.ics", headers={"accept-encoding": "gzip;q=0, identity"}
        )
    assert plain.headers["vary"] == zipped.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert plain.headers["etag"].startswith('"')
    assert zipped.headers["etag"] == f"W/{plain.headers['etag']}"
    assert refused.headers["etag"] == plain.headers["etag"]
    # The same calendar either way (httpx has already undone the gzip).
    assert zipped.content == plain.content
    assert gzip.compress(plain.content, compresslevel=5, mtime=0)  # compressible, sanity
    # A cache holding either may ask with it: weak comparison, 304 both ways.
    async with client_for(app) as calendar_app:
        for tag in (plain.headers["etag"], zipped.headers["etag"]):
            for headers in (PLAIN, GZIP):
                again = await calendar_app.get(
                    "/bodies/csp/calendar.ics", headers={**headers, "if-none-match": tag}
                )
                assert again.status_code == 304
                assert again.headers["vary"] == "Accept-Encoding"


async def fetch(app, path: str, etag: str | None = None):
    headers = {**PLAIN, **({"if-none-match": etag} if etag else {})}
    async with client_for(app) as calendar_app:
        return await calendar_app.get(path, headers=headers)


def statuses(response) -> dict[str, str]:
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return {str(e["SUMMARY"]): str(e["STATUS"]) for e in events}


async def test_a_personal_feed_changes_its_etag_after_a_registration(
    app, member, feed, make_edition
):
    first = await fetch(app, feed)
    assert first.status_code == 200 and "last-modified" not in first.headers
    assert (await fetch(app, feed, first.headers["etag"])).status_code == 304

    full = await make_edition(capacity=0)  # a place on the waiting list only
    await register(full, registration_form(email="Abdul@Example.org", name="Abdul Karim"))
    second = await fetch(app, feed, first.headers["etag"])
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    [(summary, status)] = statuses(second).items()
    assert full.title in summary and status == "TENTATIVE"
    assert b"ATTENDEE" not in second.content  # a published feed names no attendee

    open_edition = await make_edition()
    await register(open_edition, registration_form(email="abdul@example.org", name="Abdul Karim"))
    third = await fetch(app, feed, second.headers["etag"])
    assert third.status_code == 200 and third.headers["etag"] != second.headers["etag"]
    assert sorted(statuses(third).values()) == ["CONFIRMED", "TENTATIVE"]


async def test_a_personal_feed_changes_its_etag_after_a_membership_change(
    app, member, feed, board, make_body, make_meeting, make_membership
):
    _person, _user, seat = member
    starts = dt.datetime(2027, 2, 2, 18, tzinfo=LONDON)
    await make_meeting(body=board, starts_at=starts, title="Winter meeting")
    hwb = await make_body(name="Health and Wellbeing Board", slug="hwb")
    await make_meeting(body=hwb, starts_at=starts, title="Spring plan", is_public=False)
    first = await fetch(app, feed)
    assert list(statuses(first)) == ["Community Safety Partnership: Winter meeting"]

    await make_membership(person=member[0], body=hwb)
    second = await fetch(app, feed, first.headers["etag"])
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert len(statuses(second)) == 2
    [hwb_event] = [
        e
        for e in icalendar.Calendar.from_ical(second.content).walk("VEVENT")
        if "Spring plan" in e["SUMMARY"]
    ]
    assert hwb_event["CLASS"] == "PRIVATE" and "LAST-MODIFIED" in hwb_event

    await Membership.update({Membership.end_date: dt.date(2027, 1, 1)}).where(
        Membership.id == seat.id
    )
    third = await fetch(app, feed, second.headers["etag"])
    assert third.status_code == 200 and third.headers["etag"] != second.headers["etag"]
    assert list(statuses(third)) == ["Health and Wellbeing Board: Spring plan"]


async def test_a_member_chooses_a_reminder_for_their_feed(
    app, member, feed, board, make_meeting, signed_in_client
):
    from tests.conftest import csrf_from

    _person, user, _seat = member
    await make_meeting(body=board, starts_at=dt.datetime(2027, 2, 2, 18, tzinfo=LONDON))
    before = await fetch(app, feed)
    assert b"BEGIN:VALARM" not in before.content

    browser = await signed_in_client(user)
    page = await browser.get("/account")
    assert "Reminder for each meeting and congress in the feed" in page.text
    saved = await browser.post(
        "/account/calendar-feed/reminder", data={"alarm": "1440", "_csrf": csrf_from(page.text)}
    )
    assert saved.status_code == 303
    assert "reminder is saved" in (await browser.get(saved.headers["location"])).text

    after = await fetch(app, feed, before.headers["etag"])
    assert after.status_code == 200
    [alarm] = icalendar.Calendar.from_ical(after.content).walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=1)

    page = await browser.get("/account")
    assert '<option value="1440" selected>' in page.text
    await browser.post(
        "/account/calendar-feed/reminder", data={"alarm": "0", "_csrf": csrf_from(page.text)}
    )
    assert b"BEGIN:VALARM" not in (await fetch(app, feed)).content


async def test_head_of_a_feed_that_does_not_exist_is_not_found(client):
    for path in (
        "/calendar/" + "A" * 43 + ".ics",
        "/bodies/nope/calendar.ics",
        "/meetings/9/invite.ics",
    ):
        answer = await client.head(path)
        assert answer.status_code == 404 and answer.content == b""

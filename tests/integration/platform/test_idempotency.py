"""A form sent twice (a double click, a browser's or a proxy's retry) is answered once.

Every form carries a one-time key (``_once``); the repeat gets the first answer and nothing is
created twice. Forms are posted here as a browser would: every field of the page's form,
its CSRF token and its one-time key.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest

from govhub import submissions
from govhub.congress.tables import Registration
from govhub.mail.tables import OutboxMessage
from govhub.meetings import services
from govhub.meetings.tables import Meeting, MeetingSeries, Paper
from govhub.submissions import Submission
from govhub.web import idempotency
from tests.conftest import client_for
from tests.integration.congress import conftest as congress
from tests.integration.congress.conftest import form_data
from tests.integration.meetings.test_papers import docx_bytes

make_edition = congress.make_edition  # the congress tests' factory fixture

NEW_MEETING = "/manage/bodies/csp/meetings/new"
SERIES = {
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


def hidden_fields(html: str) -> dict[str, str]:
    """The first form's CSRF token and one-time key, as the browser would send them."""
    csrf = re.search(r'name="_csrf" value="([^"]+)"', html)
    once = re.search(r'name="_once" value="([^"]+)"', html)
    assert csrf and once, "the form has no CSRF field or no one-time key"
    return {"_csrf": csrf.group(1), "_once": once.group(1)}


@pytest.fixture
async def board(make_body, make_person, make_membership):
    board = await make_body(name="Community Safety Partnership", slug="csp", short_name="CSP")
    for name in ["Abdul Karim", "Rachel Okafor"]:
        await make_membership(
            person=await make_person(name=name), body=board, start_date=dt.date(2024, 1, 1)
        )
    return board


@pytest.fixture
async def secretary_user(board, make_person, make_membership, make_user):
    person = await make_person(name="Siobhan Brennan")
    await make_membership(
        person=person, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    return await make_user(person=person)


@pytest.fixture
async def secretary(secretary_user, signed_in_client, board, make_person, make_membership):
    # Members to invite (a secretary who is not a member is not an attendee).
    for n in range(2):
        member = await make_person(name=f"Member {n}", email=f"member{n}@example.org")
        await make_membership(person=member, body=board, start_date=dt.date(2024, 1, 1))
    return await signed_in_client(secretary_user)


async def series_form(client, **changes) -> dict[str, str]:
    page = await client.get(NEW_MEETING)
    assert page.status_code == 200
    return {**SERIES, **hidden_fields(page.text), **changes}


async def test_a_series_form_sent_twice_schedules_one_series_and_one_set_of_invitations(
    secretary, smtp_sink
):
    form = await series_form(secretary)
    first = await secretary.post(NEW_MEETING, data=form)
    assert first.status_code == 303
    invitations = len(smtp_sink.messages)
    assert invitations > 0

    again = await secretary.post(NEW_MEETING, data=form)

    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert await MeetingSeries.count() == 1
    assert await Meeting.count() == 4
    smtp_sink.received(invitations)  # no second set
    assert await OutboxMessage.count() == invitations


async def test_two_sends_at_once_schedule_one_series(secretary):
    form = await series_form(secretary)

    first, second = await asyncio.gather(
        secretary.post(NEW_MEETING, data=form), secretary.post(NEW_MEETING, data=form)
    )

    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["location"] == second.headers["location"]
    assert await MeetingSeries.count() == 1
    assert await Meeting.count() == 4


async def test_a_repeat_waits_for_the_first_and_says_so_when_it_takes_too_long(
    secretary, monkeypatch
):
    entered, go_on = asyncio.Event(), asyncio.Event()
    schedule = services.schedule

    async def slow_schedule(*args, **kwargs):
        entered.set()
        await go_on.wait()
        return await schedule(*args, **kwargs)

    monkeypatch.setattr(services, "schedule", slow_schedule)
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    form = await series_form(secretary)
    first = asyncio.create_task(secretary.post(NEW_MEETING, data=form))
    await entered.wait()

    # (Bounded so that, were the repeat run instead, the test fails rather than hangs.)
    impatient = await asyncio.wait_for(secretary.post(NEW_MEETING, data=form), 30)
    assert impatient.status_code == 409
    assert "still being sent" in impatient.text
    go_on.set()
    done = await first
    assert done.status_code == 303
    later = await secretary.post(NEW_MEETING, data=form)
    assert later.headers["location"] == done.headers["location"]
    assert await MeetingSeries.count() == 1


async def test_a_form_with_errors_corrected_and_sent_with_the_same_key_goes_through(secretary):
    form = await series_form(secretary)
    wrong = await secretary.post(NEW_MEETING, data={**form, "date": "2027-02-30"})
    assert wrong.status_code == 400
    assert await MeetingSeries.count() == 0

    corrected = await secretary.post(NEW_MEETING, data=form)
    assert corrected.status_code == 303
    repeated = await secretary.post(NEW_MEETING, data=form)
    assert repeated.headers["location"] == corrected.headers["location"]
    assert await MeetingSeries.count() == 1


async def test_the_same_key_with_other_values_is_a_new_submission(secretary):
    """Back to the form, a change, sent again: the secretary gets the second series they asked
    for (an autosave or a form that stays on the page works the same way)."""
    form = await series_form(secretary)
    await secretary.post(NEW_MEETING, data=form)
    other = await secretary.post(NEW_MEETING, data={**form, "title": "CSP annual meeting"})
    assert other.status_code == 303
    assert sorted(await MeetingSeries.select(MeetingSeries.title).output(as_list=True)) == [
        "CSP annual meeting",
        "CSP quarterly meeting",
    ]


async def test_one_sessions_key_never_replays_for_another_session(
    secretary, secretary_user, signed_in_client
):
    form = await series_form(secretary)
    mine = await secretary.post(NEW_MEETING, data=form)
    other_session = await signed_in_client(secretary_user)  # the same person, another browser
    theirs = await series_form(other_session, _once=form["_once"])

    answer = await other_session.post(NEW_MEETING, data=theirs)

    assert answer.status_code == 303
    assert answer.headers["location"] != mine.headers["location"]
    assert await MeetingSeries.count() == 2


async def test_a_key_is_forgotten_after_a_day(secretary):
    form = await series_form(secretary)
    await secretary.post(NEW_MEETING, data=form)
    assert await submissions.forget_expired() == 0
    assert (
        await submissions.forget_expired(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1))
        == 1
    )

    await secretary.post(NEW_MEETING, data=form)
    assert await MeetingSeries.count() == 2


async def test_a_post_without_a_key_runs_as_before(secretary):
    form = await series_form(secretary)
    del form["_once"]
    await secretary.post(NEW_MEETING, data=form)
    await secretary.post(NEW_MEETING, data=form)
    assert await MeetingSeries.count() == 2


async def test_an_upload_sent_twice_stores_one_paper(
    secretary, board, make_meeting, make_item, settings, monkeypatch, tmp_path
):
    monkeypatch.setattr(settings, "var_dir", tmp_path)
    meeting = await make_meeting(body=board)
    item = await make_item(meeting)
    url = f"/manage/meetings/{meeting.id}/items/{item.id}/papers"
    page = await secretary.get(url)
    data = {"title": "Draft strategy", **hidden_fields(page.text)}
    document = ("strategy.docx", docx_bytes(), "application/octet-stream")

    first = await secretary.post(url, data=data, files={"file": document})
    again = await secretary.post(url, data=data, files={"file": document})  # a new boundary

    assert first.status_code == again.status_code == 303
    assert await Paper.count() == 1
    assert (await Paper.objects().first()).title == "Draft strategy"  # the handler got the form


async def test_a_congress_registration_sent_twice_registers_once(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    data = form_data(page.text, _once=hidden_fields(page.text)["_once"])

    first = await client.post(f"/congress/{edition.slug}/register", data=data)
    again = await client.post(f"/congress/{edition.slug}/register", data=data)

    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert "Check your email" in (await client.get(again.headers["location"])).text
    assert await Registration.count() == 1
    assert await OutboxMessage.count() == 1
    # The kept answer is sealed: the table gives nothing of it away.
    kept = await Submission.select(Submission.answer).output(as_list=True)
    assert kept and not any("check-your-email" in answer for answer in kept)


async def test_another_visitor_cannot_replay_a_registration(app, client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    data = form_data(page.text, _once=hidden_fields(page.text)["_once"])
    first = await client.post(f"/congress/{edition.slug}/register", data=data)
    assert first.status_code == 303

    async with client_for(app) as stranger:
        own = await stranger.get(f"/congress/{edition.slug}")
        answer = await stranger.post(
            f"/congress/{edition.slug}/register",
            data={**data, **{"_csrf": hidden_fields(own.text)["_csrf"]}},
        )
    # Every registration answers the same page, so what shows the stranger was not replayed
    # the first answer is that their own submission was recorded and run.
    assert answer.status_code == 303
    assert await Submission.count() == 2
    assert await Registration.count() == 1

"""A personal feed is built once and kept until its data changes; who may fetch it is asked
every time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhub.accounts.tables import User
from govhub.calendar import feed_cache
from govhub.calendar.feed_tokens import feed_path, feed_token_for
from govhub.meetings.tables import Meeting
from govhub.personal import feed as personal
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
async def subscribed(make_person, make_user, make_body, make_membership, make_meeting, monkeypatch):
    person = await make_person(name="Abdul Karim", email="abdul@example.org")
    user = await make_user(person=person)
    body = await make_body(name="Community Safety Partnership", slug="csp")
    await make_membership(person=person, body=body)
    meeting = await make_meeting(
        body=body, starts_at=dt.datetime(2027, 1, 12, 18, 0, tzinfo=LONDON), title="CSP January"
    )
    builds = []
    build = personal.calendar_for

    async def counted(user, alarm=None):
        builds.append(user.id)
        return await build(user, alarm)

    monkeypatch.setattr("govhub.calendar.controllers.calendar_for", counted)
    feed_cache.clear()
    return user, meeting, feed_path(await feed_token_for(user.id)), builds


async def test_a_poll_with_nothing_changed_is_not_built_again(app, subscribed):
    _user, _meeting, path, builds = subscribed
    async with client_for(app) as calendar_app:
        first = await calendar_app.get(path)
        built = len(builds)
        again = await calendar_app.get(path)
        etag = first.headers["etag"]
        revalidated = await calendar_app.get(path, headers={"if-none-match": etag})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert revalidated.status_code == 304
    assert len(builds) == built  # neither later poll built it again


async def test_a_moved_meeting_shows_at_the_next_poll(app, subscribed):
    _user, meeting, path, builds = subscribed
    async with client_for(app) as calendar_app:
        first = await calendar_app.get(path)
        moved = dt.datetime(2027, 1, 19, 18, 0, tzinfo=LONDON)
        await Meeting.update(
            {Meeting.starts_at: moved, Meeting.ends_at: moved + dt.timedelta(hours=2)}
        ).where(Meeting.id == meeting.id)
        second = await calendar_app.get(path, headers={"if-none-match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert b"20270119T180000" in second.content
    assert len(builds) == 2


async def test_a_switched_off_account_gets_404_even_with_its_feed_kept(app, subscribed):
    user, _meeting, path, _builds = subscribed
    async with client_for(app) as calendar_app:
        assert (await calendar_app.get(path)).status_code == 200
        await User.update({User.is_active: False}).where(User.id == user.id)  # untracked table
        assert (await calendar_app.get(path)).status_code == 404

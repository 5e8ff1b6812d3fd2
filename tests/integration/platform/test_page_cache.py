"""Public pages served from the cache: never stale after a change, never another visitor's."""

import datetime as dt
import re

import pytest

from govhub import data_version, db
from govhub.governance.tables import Body
from govhub.meetings.tables import AgendaState
from govhub.piccolo_app import TABLES
from tests.conftest import client_for


def hx_token(html: str) -> str:
    match = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
async def meeting(make_body, make_meeting, make_item):
    body = await make_body(name="Community Safety Partnership", slug="csp")
    meeting = await make_meeting(body=body, agenda_state=AgendaState.published)
    await make_item(meeting, title="Community trigger review")
    await make_item(meeting, title="Named individuals at risk", is_confidential=True)
    return meeting


@pytest.fixture
async def member(make_user, make_membership, meeting, signed_in_client):
    user = await make_user()
    body = await Body.objects().where(Body.id == meeting.body).first()
    await make_membership(person=await user.get_related("person"), body=body)
    return await signed_in_client(user)


def cache_of(app):
    return app.state.page_cache


async def test_a_second_anonymous_visit_is_served_from_the_cache(app, client, meeting):
    first = await client.get(f"/meetings/{meeting.id}")
    second = await client.get(f"/meetings/{meeting.id}")

    assert first.status_code == second.status_code == 200
    assert cache_of(app).hits == 1
    assert second.text == first.text
    assert "Community trigger review" in second.text


async def test_each_visitor_gets_their_own_csrf_token_in_a_cached_page(app, client, meeting):
    await client.get(f"/meetings/{meeting.id}")
    async with client_for(app) as other:
        page = await other.get(f"/meetings/{meeting.id}")
        assert cache_of(app).hits == 1
        assert hx_token(page.text) != hx_token((await client.get("/")).text)
        assert "csrf-" not in page.text  # the placeholder never leaves the server
        # The token in the cached page is the one this visitor's forms must send.
        response = await other.post(
            "/sign-in",
            data={"email": "nobody@example.org", "password": "wrong"},
            headers={"X-CSRF-Token": hx_token(page.text)},
        )
        assert response.status_code != 403


async def test_a_change_shows_at_once(app, client, meeting):
    before = (await client.get("/bodies/csp")).text
    assert "Community Safety Partnership" in before

    await Body.update({Body.name: "Safer Communities Board"}).where(Body.id == meeting.body)

    after = (await client.get("/bodies/csp")).text
    assert "Safer Communities Board" in after
    assert cache_of(app).hits == 0


async def test_a_change_in_a_transaction_shows_once_committed(app, client, meeting):
    await client.get("/bodies/csp")
    version = await data_version.current(app.state.engine)
    async with Body._meta.db.transaction():
        await Body.update({Body.purpose: "Keeping Tower Hamlets safe"}).where(
            Body.id == meeting.body
        )
    assert await data_version.current(app.state.engine) > version
    assert "Keeping Tower Hamlets safe" in (await client.get("/bodies/csp")).text


async def test_a_member_never_gets_the_anonymous_page_nor_the_reverse(app, client, member, meeting):
    url = f"/meetings/{meeting.id}"
    assert "Named individuals at risk" not in (await client.get(url)).text  # cached now

    seen_by_member = await member.get(url)
    assert "Named individuals at risk" in seen_by_member.text
    assert seen_by_member.headers["cache-control"] == "no-store"

    assert "Named individuals at risk" not in (await client.get(url)).text
    assert "Named individuals at risk" in (await member.get(url)).text
    # Only the anonymous visits touched the cache: one filled it, one was served from it.
    assert (cache_of(app).misses, cache_of(app).hits) == (1, 1)


async def test_a_member_first_fills_nothing(app, client, member, meeting):
    url = f"/meetings/{meeting.id}"
    await member.get(url)
    assert len(cache_of(app)) == 0
    assert "Named individuals at risk" not in (await client.get(url)).text


async def test_htmx_requests_and_errors_are_not_cached(app, client, meeting):
    await client.get("/organisations?sector=voluntary", headers={"HX-Request": "true"})
    await client.get("/bodies/no-such-body")
    await client.get("/bodies/no-such-body")
    assert len(cache_of(app)) == 0
    assert cache_of(app).hits == 0


async def test_a_new_day_builds_the_page_again(app, client, meeting, monkeypatch):
    from govhub.web import page_cache

    await client.get(f"/meetings/{meeting.id}")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(page_cache.clock, "today", lambda: tomorrow)
    await client.get(f"/meetings/{meeting.id}")
    assert cache_of(app).hits == 0


async def test_the_cache_can_be_turned_off(make_app, meeting):
    app = await make_app(page_cache_entries=0)
    async with client_for(app) as client:
        await client.get(f"/meetings/{meeting.id}")
        await client.get(f"/meetings/{meeting.id}")
    assert (cache_of(app).hits, len(cache_of(app))) == (0, 0)


async def test_every_table_but_the_untracked_raises_the_data_version(engine):
    names = {table._meta.tablename for table in TABLES}
    assert set(data_version.UNTRACKED) <= names, "UNTRACKED names a table that does not exist"
    if db.is_sqlite(engine):
        rows = await engine.run_ddl("SELECT tbl_name AS t FROM sqlite_master WHERE type='trigger'")
    else:
        rows = await engine.run_ddl(
            "SELECT tgrelid::regclass::text AS t FROM pg_trigger WHERE tgname='govhub_data_version'"
        )
    with_trigger = {row["t"].strip('"') for row in rows}
    assert with_trigger >= names - set(data_version.UNTRACKED)
    assert not with_trigger & set(data_version.UNTRACKED)


async def test_installing_again_changes_nothing(engine):
    await data_version.install(engine)
    await data_version.install(engine)
    assert await data_version.current(engine) >= 1

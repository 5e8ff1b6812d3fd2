"""Text longer than its column is refused next to the field, with what was typed kept; on
PostgreSQL a value the database still refuses is a plain 400, never a 500."""

import datetime as dt
import sqlite3

import asyncpg
import pyotp
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from govhub.governance.tables import Body, Organisation
from govhub.meetings.tables import Meeting
from govhub.validation import column_limit
from govhub.web.errors import exception_handlers
from tests.conftest import csrf_from


@pytest.fixture
async def secretary(make_body, make_person, make_membership, make_user, signed_in_client):
    board = await make_body(name="Community Safety Partnership", slug="csp")
    person = await make_person()
    await make_membership(
        person=person, body=board, role="secretary", start_date=dt.date(2024, 1, 1)
    )
    return await signed_in_client(await make_user(person=person))


@pytest.fixture
async def admin(make_user, signed_in_client):
    return await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))


async def post_form(client, url: str, **data):
    page = await client.get(url)
    return await client.post(url, data={**data, "_csrf": csrf_from(page.text)})


async def test_a_meeting_title_longer_than_its_column_is_explained_and_kept(secretary):
    title = "T" * (column_limit(Meeting.title) + 1)
    response = await post_form(
        secretary,
        "/manage/bodies/csp/meetings/new",
        title=title,
        date="2027-01-05",
        time="18:00",
        duration="90",
        venue="Town Hall",
        online_link="https://example.org/" + "x" * column_limit(Meeting.online_link),
        repeat="none",
    )
    assert response.status_code == 400
    assert "Shorten a title for the meeting to 200 characters or fewer" in response.text
    assert "Shorten this to 500 characters or fewer" in response.text
    assert f'value="{title}"' in response.text
    assert await Meeting.count() == 0


async def test_a_short_name_longer_than_its_column_is_explained_not_cut(admin):
    short = "S" * (column_limit(Body.short_name) + 1)
    response = await post_form(
        admin,
        "/admin/bodies/new",
        name="Health and Wellbeing Board",
        short_name=short,
        kind="thematic_board",
        reminder_days="7,1",
        agenda_notice_days="5",
    )
    assert response.status_code == 400
    assert "Shorten this to 60 characters or fewer" in response.text
    assert short in response.text
    assert await Body.count() == 0


async def test_an_organisation_form_checks_every_column(admin):
    response = await post_form(
        admin,
        "/admin/organisations/new",
        name="N" * 201,
        short_name="S" * 61,
        sector="voluntary",
        website="https://example.org/" + "x" * 300,
    )
    assert response.status_code == 400
    assert "Shorten the organisation&#39;s name to 200 characters or fewer" in response.text
    assert "Shorten this to 60 characters or fewer" in response.text
    assert "Enter a web address starting with https://" in response.text
    assert await Organisation.count() == 0


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.StringDataRightTruncationError("value too long for type varchar(200)"),
        asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence: 0x00"),
        asyncpg.exceptions._base.DataError("invalid input for query argument $1"),
        sqlite3.DataError("string or blob too big"),
        OverflowError("Python int too large to convert to SQLite INTEGER"),
    ],
)
@pytest.mark.no_db
async def test_a_value_the_database_refuses_is_a_400_not_a_500(error):
    """The safety net under the per-field checks: whatever a form misses, no 500."""

    @get("/save", sync_to_thread=False)
    def save() -> None:
        raise error

    app = Litestar([save], exception_handlers=exception_handlers, debug=False)
    async with AsyncTestClient(app) as client:
        response = await client.get("/save", headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "too long" in response.json()["detail"]

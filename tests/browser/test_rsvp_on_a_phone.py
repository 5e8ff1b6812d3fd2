"""A member answers a meeting invitation from their phone: the link from the email opens on a
phone-sized screen without signing in, shows one button, and pressing it records the apologies
(with a note for the secretary). Nothing is recorded by only opening the link."""

from __future__ import annotations

import datetime as dt
import sqlite3

from playwright.async_api import expect

from govhub.accounts.secrets import sign
from tests.browser.conftest import assert_accessible

SECRET_KEY = "browser-tests-secret-key-not-for-production"  # the live server's


def _future_seat(live_server) -> tuple[int, str, int, str]:
    """(meeting id, UID, person id, person name): a demo meeting still ahead, and a member of
    its board."""
    database = sqlite3.connect(live_server.var_dir / "browser.sqlite3")
    try:
        now = dt.datetime.now(dt.UTC)
        meetings = database.execute(
            "SELECT id, uid, body, starts_at FROM meeting WHERE status = 'scheduled'"
        ).fetchall()
        for meeting_id, uid, body, starts_at in sorted(meetings, key=lambda m: m[3]):
            if dt.datetime.fromisoformat(starts_at) < now + dt.timedelta(days=1):
                continue
            seat = database.execute(
                "SELECT person.id, person.name FROM membership JOIN person"
                " ON person.id = membership.person WHERE membership.body = ?"
                " AND membership.end_date IS NULL AND membership.role = 'member' LIMIT 1",
                (body,),
            ).fetchone()
            if seat:
                return meeting_id, uid, seat[0], seat[1]
    finally:
        database.close()
    raise AssertionError("the demo has no meeting ahead with a member")


def _answers(live_server, meeting_id: int, person_id: int) -> list[tuple]:
    database = sqlite3.connect(live_server.var_dir / "browser.sqlite3")
    try:
        return database.execute(
            "SELECT answer, comment, via FROM meeting_response WHERE meeting = ? AND person = ?",
            (meeting_id, person_id),
        ).fetchall()
    finally:
        database.close()


async def test_apologies_from_a_phone(make_page, live_server):
    meeting_id, uid, person_id, name = _future_seat(live_server)
    signature = sign(SECRET_KEY, "rsvp", uid, str(person_id), "apologies")
    link = f"/meetings/{meeting_id}/rsvp/{person_id}/apologies?s={signature}"

    phone = await make_page(viewport="mobile")
    await phone.goto(link)
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Send your apologies")
    await expect(phone.get_by_text(f"Answering for {name}")).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 360
    await assert_accessible(phone, "an invitation's apologies link, on a phone")
    assert _answers(live_server, meeting_id, person_id) == []  # opening it records nothing

    await phone.get_by_label("A note for the secretary (optional)").fill("On leave that week")
    await phone.get_by_role("button", name="Send my apologies").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your answer is recorded"
    )
    await assert_accessible(phone, "the answer recorded, on a phone")
    assert _answers(live_server, meeting_id, person_id) == [
        ("apologies", "On leave that week", "link")
    ]

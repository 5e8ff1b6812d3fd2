"""Time rules enforced at commit: opening and closing are checked inside the locked transaction
against the database's clock, and after closing a manage link still shows, downloads and
erases, but no longer changes or cancels.

Run on SQLite by default and on PostgreSQL by ``.ci/postgres-redis-tests`` (there the clock is
``clock_timestamp()``: ``now()`` would be the moment the waiting transaction began).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re

import pytest

from govhub import clock, db
from govhub.congress import places, registrations
from govhub.congress.forms import parse_session_choice
from govhub.congress.tables import Edition, Registration, SessionBooking
from govhub.mail.tables import OutboxMessage

from .conftest import form_data, registration_form


@pytest.fixture
def lock_asked(monkeypatch) -> asyncio.Event:
    """Set when a change asks for the places lock (after every check made before it)."""
    asked = asyncio.Event()
    real = places.holding_places

    @contextlib.asynccontextmanager
    async def noticed(edition_id, session_ids=()):
        asked.set()
        async with real(edition_id, session_ids):
            yield

    monkeypatch.setattr(places, "holding_places", noticed)
    return asked


async def test_the_database_clock_is_now(engine):
    before = dt.datetime.now(dt.UTC)
    now = await db.database_now(engine)
    assert now.tzinfo is not None
    assert (
        before - dt.timedelta(seconds=5) < now < dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    )


@pytest.mark.parametrize("locking", ["full", "database"])
async def test_a_registration_that_reaches_the_lock_after_closing_is_refused(
    app, make_edition, monkeypatch, locking
):
    """Someone else holds the lock across closing time; the registration waiting for it was
    made while registration was open, and is refused when it gets the lock. (With the database
    lock alone, on PostgreSQL, its transaction began before closing: ``now()`` would let it in.)"""
    monkeypatch.setattr(places, "LOCKING", locking)
    closes = clock.now() + dt.timedelta(seconds=3)
    edition = await make_edition(registration_closes_at=closes)
    hold = places.holding_places  # the real lock, for the one holding it
    holding = asyncio.Event()
    asked = asyncio.Event()

    async def hold_the_lock_past_closing() -> None:
        async with hold(edition.id):
            holding.set()
            await asyncio.wait_for(asked.wait(), timeout=30)
            while clock.now() <= closes + dt.timedelta(seconds=0.2):
                await asyncio.sleep(0.05)

    holder = asyncio.create_task(hold_the_lock_past_closing())
    await holding.wait()

    @contextlib.asynccontextmanager
    async def noticed(edition_id, session_ids=()):
        asked.set()
        async with hold(edition_id, session_ids):
            yield

    monkeypatch.setattr(places, "holding_places", noticed)
    late = asyncio.create_task(registrations.register(edition, registration_form(1)))
    await holder  # (it fails if the registration never got as far as asking for the lock)
    with pytest.raises(registrations.ClosedForRegistration):
        await late
    assert await Registration.count() == 0
    assert await OutboxMessage.count() == 0


async def test_the_form_says_when_registration_closed_while_it_waited(
    client, make_edition, lock_asked
):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    async with places._queue(edition.id):  # another registration has its turn at the lock
        waiting = asyncio.create_task(
            client.post(f"/congress/{edition.slug}/register", data=form_data(page.text))
        )
        await lock_asked.wait()
        # Meanwhile an organiser closes registration.
        await Edition.update({Edition.registration_closes_at: clock.now()}).where(
            Edition.id == edition.id
        )
    response = await waiting
    assert response.status_code == 409
    assert "Registration closed before we could save yours" in response.text
    assert "you have not been registered" in response.text
    assert 'value="Amina Begum"' not in response.text  # no form any more: it is closed
    assert await Registration.count() == 0
    assert await OutboxMessage.count() == 0


async def close(edition: Edition, when: str) -> None:
    """Move the edition's dates so that registration has closed, or the congress is over."""
    now = clock.now()
    changes = {Edition.registration_closes_at: now - dt.timedelta(minutes=1)}
    if when == "over":
        changes |= {
            Edition.starts_at: now - dt.timedelta(hours=6),
            Edition.ends_at: now - dt.timedelta(hours=1),
            Edition.registration_closes_at: now - dt.timedelta(days=2),
        }
    await Edition.update(changes).where(Edition.id == edition.id)


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("closed", "Registration for this congress has closed"),
        ("over", "The congress is over"),
    ],
)
async def test_after_closing_a_manage_link_shows_downloads_and_erases_but_changes_nothing(
    client, make_edition, when, reason
):
    edition = await make_edition(sessions=[{"title": "Workshop 3"}, {"title": "Workshop 4"}])
    done = await registrations.register(edition, registration_form(1, [edition.sessions[0]]))
    manage = f"/congress/manage/{done.token}"
    await close(edition, when)
    mail_before = await OutboxMessage.count()

    page = await client.get(manage)
    assert page.status_code == 200
    assert reason in page.text
    assert "You can still see your registration, download your information or delete it" in (
        page.text
    )
    assert "Save my sessions" not in page.text and "Cancel my registration" not in page.text
    assert (await client.get(f"{manage}/data.json")).json()["reference"] == (
        done.registration.reference
    )
    calendar = await client.get(f"{manage}/calendar.ics")
    assert calendar.status_code == 200 and "BEGIN:VEVENT" in calendar.text

    erase_page = await client.get(f"{manage}/erase")
    token = re.search(r'name="_csrf" value="([^"]+)"', erase_page.text).group(1)
    other = str(edition.sessions[1].id)
    for refused in (
        await client.post(f"{manage}/sessions", data={"_csrf": token, "sessions": other}),
        await client.get(f"{manage}/cancel"),
        await client.post(f"{manage}/cancel", data={"_csrf": token}),
    ):
        assert refused.status_code == 409
        assert "Your registration can no longer be changed" in refused.text
        assert reason in refused.text
        assert "Nothing has been changed" in refused.text
    in_bengali = await client.get(f"{manage}/cancel?lang=bn")
    assert in_bengali.status_code == 409
    assert "আপনার নিবন্ধন আর পরিবর্তন করা যাবে না" in in_bengali.text
    registration = (
        await Registration.objects().where(Registration.id == done.registration.id).first()
    )
    assert registration.status == "confirmed"
    [booking] = await SessionBooking.select(SessionBooking.session)
    assert booking["session"] == edition.sessions[0].id
    assert await OutboxMessage.count() == mail_before

    erased = await client.post(f"{manage}/erase", data={"_csrf": token})
    assert erased.status_code == 200
    assert (await client.get(manage)).status_code == 404


async def test_the_services_refuse_changes_after_closing_too(app, make_edition):
    """Under the lock, whatever the page checked before: a change that waited past closing."""
    edition = await make_edition(sessions=[{"title": "Workshop 3"}, {"title": "Workshop 4"}])
    done = await registrations.register(edition, registration_form(1, [edition.sessions[0]]))
    await close(edition, "closed")
    errors: dict = {}
    chosen = parse_session_choice([str(edition.sessions[1].id)], edition.sessions, errors)
    with pytest.raises(registrations.ChangesClosed):
        await registrations.change_sessions(done.registration, chosen)
    with pytest.raises(registrations.ChangesClosed):
        await registrations.cancel_registration(done.registration, by_registrant=True)
    # Erasing (which cancels first) is never refused.
    assert await registrations.cancel_registration(done.registration, notify=False)

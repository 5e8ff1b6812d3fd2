"""The public registration form cannot be turned into a weapon: one client cannot take the
places or send a flood of mail, robots get nothing, and the answer never tells whether an
address is registered. Limits are counted in the database, so they hold across processes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from govhub.accounts.ratelimit import Limit
from govhub.congress import registrations
from govhub.congress.public_registration import (
    ONE_EMAIL_PER_ADDRESS,
    REGISTRATIONS_FROM_ONE_CLIENT,
)
from govhub.congress.tables import Registration, SessionBooking
from govhub.mail.tables import OutboxMessage

from .conftest import form_data, manage_link_sent_to, registration_form


async def a_fresh_window(limit: Limit, needed: float = 60) -> None:
    """Wait, when fewer than ``needed`` seconds are left of the limit's current window, for the
    next one (the counters are per fixed window), so a test's burst is counted in one."""
    seconds = limit.window.total_seconds()
    left = seconds - (time.time() % seconds)
    if left < needed:
        await asyncio.sleep(left + 0.1)


async def test_one_client_sending_200_registrations_is_stopped_and_the_places_are_kept(
    client, make_edition
):
    edition = await make_edition(capacity=300, sessions=[{"title": "Workshop 3", "capacity": 20}])
    workshop = edition.sessions[0]
    page = await client.get(f"/congress/{edition.slug}")
    await a_fresh_window(REGISTRATIONS_FROM_ONE_CLIENT)

    async def register(n: int):
        data = form_data(page.text, name=f"Bot {n}", email=f"bot{n}@example.org")
        return await client.post(
            f"/congress/{edition.slug}/register", data={**data, "sessions": str(workshop.id)}
        )

    responses = await asyncio.gather(*(register(n) for n in range(200)))

    allowed = REGISTRATIONS_FROM_ONE_CLIENT.attempts
    assert Counter(r.status_code for r in responses) == {303: allowed, 429: 200 - allowed}
    refused = next(r for r in responses if r.status_code == 429)
    assert 0 < int(refused.headers["retry-after"]) <= 600
    assert "Too many registrations from this connection" in refused.text
    assert "Please try again in" in refused.text
    # The congress keeps its places: only the client's allowance was taken, the workshop holds
    # exactly its 20 and no more, and no more mail went out than registrations were accepted.
    statuses = Counter(r["status"] for r in await Registration.select(Registration.status))
    assert statuses == {"confirmed": allowed}
    booked = Counter(b["status"] for b in await SessionBooking.select(SessionBooking.status))
    assert booked == {"confirmed": 20, "waiting": allowed - 20}
    assert await OutboxMessage.count() == allowed

    # The refusal is in the resident's language.
    again = await client.post(
        f"/congress/{edition.slug}/register?lang=bn", data=form_data(page.text)
    )
    assert again.status_code == 429
    assert "এই সংযোগ থেকে অনেক বেশি নিবন্ধন" in again.text


@pytest.fixture
async def organising_body(make_body):
    return await make_body(name="Partnership Executive Group", slug="peg")


async def test_an_organiser_registering_a_group_is_not_limited(
    client, make_edition, make_user, make_membership, make_person, organising_body, signed_in_client
):
    edition = await make_edition(organising_body=organising_body.id)
    person = await make_person(name="Claire Dunn")
    await make_membership(person=person, body=organising_body, role="secretary")
    organiser = await signed_in_client(await make_user(person=person))
    page = await organiser.get(f"/congress/{edition.slug}")
    await a_fresh_window(REGISTRATIONS_FROM_ONE_CLIENT)
    group = REGISTRATIONS_FROM_ONE_CLIENT.attempts + 10
    for n in range(group):
        response = await organiser.post(
            f"/congress/{edition.slug}/register",
            data=form_data(page.text, name=f"Resident {n}", email=f"group{n}@example.org"),
        )
        assert response.status_code == 303, (n, response.status_code)
    assert await Registration.count() == group
    # Their registrations were not counted against the connection they share with residents.
    resident_page = await client.get(f"/congress/{edition.slug}")
    resident = await client.post(
        f"/congress/{edition.slug}/register", data=form_data(resident_page.text)
    )
    assert resident.status_code == 303


async def test_a_filled_in_honeypot_gets_the_same_answer_and_nothing_is_saved(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    # People never meet the field: hidden from sight and screen readers, out of the tab order.
    assert 'aria-hidden="true"' in page.text
    assert 'name="website" value="" tabindex="-1" autocomplete="off"' in page.text
    person = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, email="person@example.org"),
    )
    robot = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, email="robot@example.org", website="https://spam.example"),
    )
    assert robot.status_code == person.status_code == 303
    assert robot.headers["location"] == person.headers["location"]
    assert "Check your email" in (await client.get(robot.headers["location"])).text
    assert [r["email"] for r in await Registration.select(Registration.email)] == [
        "person@example.org"
    ]
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "robot@example.org") == 0


async def test_an_address_already_registered_gets_the_success_page_and_its_link_by_email(
    client, make_edition
):
    edition = await make_edition()
    existing = await registrations.register(
        edition, registration_form(1, name="Salma Khan", email="salma@example.org")
    )
    page = await client.get(f"/congress/{edition.slug}")
    fresh = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, email="new@example.org"),
    )
    await a_fresh_window(ONE_EMAIL_PER_ADDRESS, needed=30)
    again = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, name="Someone Else", email="SALMA@example.org"),
    )
    # The same answer as a new registration: nothing tells that the address exists.
    assert again.status_code == fresh.status_code == 303
    assert again.headers["location"] == fresh.headers["location"]
    assert await Registration.count() == 2

    mail = await OutboxMessage.objects().where(OutboxMessage.to_address == "salma@example.org")
    assert [m.subject for m in mail] == [
        f"You have a place at {edition.title}",
        f"You are already registered for {edition.title}",
    ]
    assert "Dear Salma Khan," in mail[1].text_body  # to the registrant, not whoever typed it
    manage = await client.get(await manage_link_sent_to("salma@example.org"))
    assert manage.status_code == 200 and existing.registration.reference in manage.text

    # Within the next few minutes, more attempts for the address send nothing more.
    for _ in range(3):
        more = await client.post(
            f"/congress/{edition.slug}/register",
            data=form_data(page.text, email="salma@example.org"),
        )
        assert more.status_code == 303
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "salma@example.org") == 2

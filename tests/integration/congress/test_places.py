"""Places: a cancellation hands the place to the first person waiting, and calendars follow
(CANCEL to the one who left, REQUEST to the one who got the place), over real SMTP."""

from __future__ import annotations

import base64
import re

import icalendar
import pytest

from govhub.congress import registrations
from govhub.congress.forms import parse_session_choice
from govhub.congress.tables import Registration, SessionBooking

from .conftest import form_data, manage_link_sent_to, registration_form


def calendar_of(message) -> tuple[str, icalendar.Event]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(base64.b64decode(part.get_payload())).walk("VEVENT")
    return part.get_param("method"), event


async def register_through_the_form(client, edition, name, email) -> str:
    page = await client.get(f"/congress/{edition.slug}")
    response = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, name=name, email=email),
    )
    assert response.status_code == 303, response.text
    return await manage_link_sent_to(email)


async def test_cancelling_promotes_the_first_waiting_who_gets_a_request(
    app, client, smtp_sink, make_edition
):
    edition = await make_edition(capacity=1)
    rahim = await register_through_the_form(client, edition, "Rahim Uddin", "rahim@example.org")
    salma = await register_through_the_form(client, edition, "Salma Khan", "salma@example.org")
    await register_through_the_form(client, edition, "Tom Baker", "tom@example.org")
    smtp_sink.received(3)
    [first] = smtp_sink.to("rahim@example.org")
    method, invite = calendar_of(first)
    assert method == "REQUEST"
    [waiting] = smtp_sink.to("salma@example.org")
    assert "waiting list" in waiting["Subject"]
    assert not [p for p in waiting.walk() if p.get_content_type() == "text/calendar"]

    # Rahim cancels from his manage link.
    page = await client.get(f"{rahim}/cancel")
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post(f"{rahim}/cancel", data={"_csrf": token})
    assert response.status_code == 303
    smtp_sink.received(5)

    [_, cancel] = smtp_sink.to("rahim@example.org")
    method, cancelled = calendar_of(cancel)
    assert method == "CANCEL"
    assert cancelled["UID"] == invite["UID"]
    assert cancelled["SEQUENCE"] > invite["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"

    [_, promoted] = smtp_sink.to("salma@example.org")
    method, offered = calendar_of(promoted)
    assert method == "REQUEST"
    assert "A place has come up" in promoted["Subject"]
    assert "salma@example.org" in str(offered["ATTENDEE"])
    assert offered["UID"] != invite["UID"]
    assert len(smtp_sink.to("tom@example.org")) == 1  # still waiting: nothing new

    statuses = {r.email: r.status for r in await Registration.objects()}
    assert statuses == {
        "rahim@example.org": "cancelled",
        "salma@example.org": "confirmed",
        "tom@example.org": "waiting",
    }
    assert "You have a place" in (await client.get(salma)).text


async def test_a_session_place_given_up_goes_to_the_first_waiting_for_it(app, make_edition):
    edition = await make_edition(
        capacity=10,
        sessions=[{"title": "Workshop 3", "capacity": 1}, {"title": "Other", "at": 200}],
    )
    workshop, other = edition.sessions
    first = await registrations.register(edition, registration_form(1, [workshop]))
    second = await registrations.register(edition, registration_form(2, [workshop]))
    bookings = {b.registration: b.status for b in await SessionBooking.objects()}
    assert bookings == {first.registration.id: "confirmed", second.registration.id: "waiting"}

    assert await registrations.change_sessions(first.registration, [other])
    rows = await SessionBooking.objects().where(SessionBooking.session == workshop.id)
    assert [(b.registration, b.status) for b in rows] == [(second.registration.id, "confirmed")]
    again = await Registration.objects().where(Registration.id == second.registration.id).first()
    assert again.sequence == 1  # their invite was updated


async def test_two_sessions_at_the_same_time_are_refused(make_edition):
    edition = await make_edition(
        sessions=[{"title": "A", "at": 60, "minutes": 60}, {"title": "B", "at": 90}]
    )
    errors: dict = {}
    parse_session_choice([str(s.id) for s in edition.sessions], edition.sessions, errors)
    assert "same time" in errors["sessions"]
    back_to_back = await make_edition(
        sessions=[{"title": "A", "at": 60, "minutes": 30}, {"title": "B", "at": 90}]
    )
    errors = {}
    parse_session_choice([str(s.id) for s in back_to_back.sessions], back_to_back.sessions, errors)
    assert errors == {}


async def test_a_full_congress_puts_people_on_the_waiting_list_in_order(app, make_edition):
    edition = await make_edition(capacity=2)
    made = [await registrations.register(edition, registration_form(n)) for n in range(5)]
    assert [m.registration.status for m in made] == ["confirmed"] * 2 + ["waiting"] * 3
    assert [m.registration.arrival for m in made] == [1, 2, 3, 4, 5]
    with pytest.raises(registrations.AlreadyRegistered):
        await registrations.register(edition, registration_form(0, email="RESIDENT0@example.org"))

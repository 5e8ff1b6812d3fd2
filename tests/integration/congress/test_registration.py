"""A resident registers for the congress: no account, a confirmation with an invite, one
registration per email, errors that keep what was typed."""

from __future__ import annotations

import re

from govhub.congress.tables import Registration, SessionBooking
from govhub.mail.tables import OutboxMessage

from .conftest import form_data, manage_link_sent_to


async def test_a_resident_registers_and_gets_a_confirmation_with_an_invite(client, make_edition):
    edition = await make_edition(sessions=[{"title": "Workshop 3: Work and skills"}])
    page = await client.get(f"/congress/{edition.slug}")
    assert page.status_code == 200
    assert "Workshop 3: Work and skills" in page.text
    response = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(
            page.text,
            sessions=str(edition.sessions[0].id),
            needs=["bsl", "lang_bengali"],
            phone="07700 900982",
        ),
    )
    assert response.status_code == 303, response.text
    sent = await client.get(response.headers["location"])
    assert "Check your email" in sent.text
    assert "/congress/manage/" not in sent.text  # the link is only in the email
    manage = await client.get(await manage_link_sent_to("amina@example.org"))
    assert "You have a place" in manage.text
    assert manage.headers["cache-control"] == "no-store"  # the link is the key
    assert "noindex" in manage.headers["x-robots-tag"]
    registration = await Registration.objects().first()
    assert registration.status == "confirmed"
    assert registration.access_needs == "bsl,lang_bengali"
    assert await SessionBooking.count() == 1
    mail = await OutboxMessage.objects().where(OutboxMessage.to_address == "amina@example.org")
    assert len(mail) == 1
    assert mail[0].calendar_method == "REQUEST"
    assert "METHOD:REQUEST" in mail[0].calendar_body
    assert "/congress/manage/" in mail[0].text_body
    assert mail[0].subject == f"You have a place at {edition.title}"


async def test_the_same_email_twice_gives_one_registration_and_no_second_email(
    client, make_edition
):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    first = await client.post(f"/congress/{edition.slug}/register", data=form_data(page.text))
    assert first.status_code == 303
    again = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, email="AMINA@example.org "),
    )
    # The same answer as a first registration: the page never tells that the address exists.
    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert await Registration.count() == 1
    assert await OutboxMessage.count() == 1  # a second attempt within minutes sends nothing


async def test_errors_are_summarised_and_keep_what_was_typed(client, make_edition):
    edition = await make_edition(
        sessions=[{"title": "Morning A", "at": 60}, {"title": "Morning B", "at": 90}]
    )
    page = await client.get(f"/congress/{edition.slug}")
    a, b = edition.sessions
    response = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(
            page.text,
            name="Rahima Khatun",
            email="not-an-email",
            consent=None,
            postcode="NOT A CODE",
            sessions=[str(a.id), str(b.id)],
            access_details="I use a wheelchair",
        ),
    )
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html
    assert 'href="#email"' in html and 'href="#consent"' in html and 'href="#sessions"' in html
    assert "“Morning A” and “Morning B” are at the same time" in html
    assert 'value="Rahima Khatun"' in html
    assert 'value="not-an-email"' in html
    assert "I use a wheelchair" in html
    assert await Registration.count() == 0


async def test_inline_check_returns_the_field_with_its_message(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    response = await client.post(
        f"/congress/{edition.slug}/register/check?field=email",
        data=form_data(page.text, email="nope"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="email-group"' in response.text
    assert "correct format" in response.text
    assert "<html" not in response.text
    fine = await client.post(
        f"/congress/{edition.slug}/register/check?field=email",
        data=form_data(page.text, email="ok@example.org"),
        headers={"HX-Request": "true"},
    )
    assert "govuk-error-message" not in fine.text


async def test_bad_input_never_gives_a_server_error(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    for extra in (
        {"sessions": "999999"},
        {"sessions": "abc"},
        {"attending_as": "alien"},
        {"name": "x" * 5000},
        {"needs": ["nonsense", "lang_other"]},
        {"attending_as": "partner", "organisation": "'; drop table"},
    ):
        response = await client.post(
            f"/congress/{edition.slug}/register", data=form_data(page.text, **extra)
        )
        assert 400 <= response.status_code < 500, (extra, response.status_code)
    assert (await client.get("/congress/no-such-congress")).status_code == 404
    assert (await client.get("/congress/manage/not-a-token")).status_code == 404


async def test_registration_closed_says_so(client, make_edition):
    import datetime as dt

    from govhub import clock

    edition = await make_edition(registration_closes_at=clock.now() - dt.timedelta(hours=1))
    page = await client.get(f"/congress/{edition.slug}")
    assert "Registration for this congress has closed" in page.text
    assert not re.search(r'action="/congress/[^"]+/register"', page.text)

"""The congress in Bengali: pages, messages and emails, with English the default."""

from __future__ import annotations

from govhub.mail.tables import OutboxMessage

from .conftest import form_data


async def test_the_registration_page_in_bengali(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}?lang=bn")
    assert page.status_code == 200
    assert '<html lang="bn"' in page.text
    assert "নিবন্ধন করুন" in page.text  # Register
    assert "পুরো নাম" in page.text  # Full name
    assert "মূল বিষয়ে যান" in page.text  # Skip to main content
    assert page.cookies.get("govhub_lang") == "bn"
    # The choice is remembered, and the switcher offers English back.
    again = await client.get(f"/congress/{edition.slug}")
    assert '<html lang="bn"' in again.text
    assert f'href="/language/en?next=%2Fcongress%2F{edition.slug}"' in again.text


async def test_english_is_the_default_and_other_pages_stay_english(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}")
    assert '<html lang="en"' in page.text
    assert "Full name" in page.text
    await client.get("/language/bn?next=/bodies")
    bodies = await client.get("/bodies")
    assert '<html lang="en"' in bodies.text  # not translated: not claimed to be Bengali
    assert "govhub-language-switcher" not in bodies.text


async def test_the_switcher_remembers_the_choice_and_goes_back(client, make_edition):
    edition = await make_edition()
    response = await client.get(f"/language/bn?next=/congress/{edition.slug}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/congress/{edition.slug}"
    page = await client.get(f"/congress/{edition.slug}")
    assert '<html lang="bn"' in page.text
    elsewhere = await client.get("/language/bn?next=https://evil.example/")
    assert elsewhere.headers["location"] == "/congress"


async def test_errors_and_emails_are_in_bengali(client, make_edition):
    edition = await make_edition()
    page = await client.get(f"/congress/{edition.slug}?lang=bn")
    bad = await client.post(
        f"/congress/{edition.slug}/register", data=form_data(page.text, name="", consent=None)
    )
    assert bad.status_code == 400
    assert "একটি সমস্যা হয়েছে" in bad.text  # There is a problem
    assert "আপনার পুরো নাম লিখুন" in bad.text  # Enter your full name
    done = await client.post(f"/congress/{edition.slug}/register", data=form_data(page.text))
    assert done.status_code == 303
    sent = await client.get(done.headers["location"])
    assert "আপনার ইমেইল দেখুন" in sent.text  # Check your email
    mail = await OutboxMessage.objects().first()
    assert "আপনার আসন নিশ্চিত হয়েছে" in mail.subject
    assert "প্রিয় Amina Begum," in mail.text_body
    assert "/congress/manage/" in mail.text_body

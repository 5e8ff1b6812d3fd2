"""The organisers: who may see what, live counts, the access-needs summary, a CSV that never
runs a formula, and the check-in desk."""

from __future__ import annotations

import csv
import io
import re

import pyotp
import pytest

from govhub.congress import registrations
from govhub.congress.tables import Registration

from .conftest import registration_form


@pytest.fixture
async def organising_body(make_body):
    return await make_body(name="Partnership Executive Group", slug="peg")


@pytest.fixture
async def edition(make_edition, organising_body):
    return await make_edition(
        organising_body=organising_body.id,
        capacity=40,
        sessions=[
            {"title": "Workshop 3: Work and skills", "capacity": 30},
            {"title": "Workshop 4", "at": 200},
        ],
    )


@pytest.fixture
async def secretary(make_user, make_membership, make_person, organising_body, signed_in_client):
    person = await make_person(name="Claire Dunn")
    await make_membership(person=person, body=organising_body, role="secretary")
    return await signed_in_client(await make_user(person=person))


@pytest.fixture
async def desk_volunteer(
    make_user, make_membership, make_person, organising_body, signed_in_client
):
    person = await make_person(name="Hodan Abdi")
    await make_membership(person=person, body=organising_body, role="member")
    return await signed_in_client(await make_user(person=person))


async def test_who_may_see_what(
    app, client, edition, secretary, desk_volunteer, make_user, signed_in_client
):
    dashboard = f"/congress/organise/{edition.slug}"
    desk = f"{dashboard}/check-in"
    export = f"{dashboard}/registrations.csv"
    anonymous = await client.get(dashboard)
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["location"]
    stranger = await signed_in_client(await make_user())
    for url in (dashboard, desk, export):
        assert (await stranger.get(url)).status_code == 404
    assert (await desk_volunteer.get(desk)).status_code == 200
    assert (await desk_volunteer.get(dashboard)).status_code == 404
    assert (await desk_volunteer.get(export)).status_code == 404
    for url in (dashboard, desk, export):
        assert (await secretary.get(url)).status_code == 200
    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    assert (await admin.get(dashboard)).status_code == 200


async def test_the_access_needs_summary_per_session(app, edition, secretary):
    workshop = edition.sessions[0]
    for n in range(12):
        needs = ["lang_bengali"] + (["bsl"] if n < 3 else [])
        await registrations.register(edition, registration_form(n, [workshop], needs=needs))
    await registrations.register(edition, registration_form(99, needs=["step_free"]))
    page = await secretary.get(f"/congress/organise/{edition.slug}")
    text = re.sub(r"\s+", " ", page.text)
    assert "Workshop 3: Work and skills:</strong> 12 need Bengali interpreting, 3 BSL" in text
    assert "Workshop 4:</strong> no access needs given" in text
    assert "The whole congress:</strong> 12 need Bengali interpreting, 3 BSL, 1 step-free" in text


async def test_live_counts_come_back_as_a_fragment(app, edition, secretary):
    await registrations.register(edition, registration_form(1))
    response = await secretary.get(
        f"/congress/organise/{edition.slug}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="counts"')
    assert 'hx-trigger="every 10s"' in response.text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" id="count-confirmed">1' in (
        response.text
    )


async def test_a_formula_in_a_name_comes_out_of_the_csv_as_text(app, edition, secretary):
    name = '=HYPERLINK("http://x","y")'
    await registrations.register(
        edition, registration_form(1, name=name, access_details="+44 call me", phone="")
    )
    response = await secretary.get(f"/congress/organise/{edition.slug}/registrations.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "'" + name
    assert rows[0]["anything else"] == "'+44 call me"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


async def test_the_check_in_desk(app, edition, desk_volunteer):
    amina = await registrations.register(edition, registration_form(1, name="Amina Begum"))
    await registrations.register(edition, registration_form(2, name="Tom Baker"))
    desk = f"/congress/organise/{edition.slug}/check-in"
    found = await desk_volunteer.get(desk, params={"q": "amina"}, headers={"HX-Request": "true"})
    assert "Amina Begum" in found.text and "Tom Baker" not in found.text
    page = await desk_volunteer.get(desk)
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    marked = await desk_volunteer.post(
        f"{desk}/{amina.registration.id}", data={"_csrf": token, "q": "amina"}
    )
    assert marked.status_code == 303
    again = await Registration.objects().where(Registration.id == amina.registration.id).first()
    assert again.arrived_at is not None

    walk_in = await desk_volunteer.post(
        f"/congress/organise/{edition.slug}/walk-ins",
        data={"_csrf": token, "name": "Walk In", "attending_as": "resident"},
    )
    assert walk_in.status_code == 303
    added = await desk_volunteer.get(walk_in.headers["location"])
    assert "Walk In" in added.text and "added as a walk-in" in added.text
    empty = await desk_volunteer.post(
        f"/congress/organise/{edition.slug}/walk-ins", data={"_csrf": token, "name": ""}
    )
    assert empty.status_code == 400 and "Enter the person" in empty.text


async def test_no_walk_ins_once_the_congress_is_full(app, make_edition, organising_body, secretary):
    edition = await make_edition(organising_body=organising_body.id, capacity=1)
    await registrations.register(edition, registration_form(1))
    page = await secretary.get(f"/congress/organise/{edition.slug}/check-in")
    assert "no places left for walk-ins" in page.text
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    refused = await secretary.post(
        f"/congress/organise/{edition.slug}/walk-ins", data={"_csrf": token, "name": "Late"}
    )
    assert refused.status_code == 400
    assert await Registration.count() == 1

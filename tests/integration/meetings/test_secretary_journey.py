"""The secretary's whole cycle, end to end through the real routes (issue 4's "must show").

Schedule a quarterly series; build an agenda with a confidential item and a paper; publish it;
record attendance (quorate, then not); minute an action; see it arise at the next meeting.
"""

import datetime as dt

import pytest

from govhub.meetings.tables import Meeting, Paper, TermsOfReference
from tests.conftest import client_for, csrf_from
from tests.integration.meetings.test_papers import pdf_bytes
from tests.integration.meetings.test_record import attendance_form

pytestmark = pytest.mark.pdf  # WeasyPrint's system libraries: see tests/conftest.py


@pytest.fixture
async def csp(app, make_body, make_org, make_person, make_membership, make_user, signed_in_client):
    board = await make_body(name="Community Safety Partnership", slug="csp")
    police, council, cvs = [await make_org(name=n) for n in ["Met Police", "Council", "THCVS"]]
    seats = {}
    for name, org, role in [
        ("Tom Baker", police, "chair"),
        ("Hodan Abdi", cvs, "vice_chair"),
        ("Siobhan Brennan", council, "secretary"),
        ("Rezaul Hoque", council, "member"),
        ("Chidi Okafor", police, "member"),
    ]:
        person = await make_person(name=name)
        seats[name] = await make_membership(
            person=person, body=board, organisation=org, role=role, start_date=dt.date(2024, 1, 1)
        )
        seats[name].person = person
    await TermsOfReference(
        body=board.id,
        version=1,
        state="approved",
        purpose="Safer streets",
        quorum_members=3,
        quorum_min_organisations=2,
        quorum_required_roles="chair,vice_chair",
        approved_on=dt.date(2024, 1, 1),
    ).save()
    secretary = await signed_in_client(await make_user(person=seats["Siobhan Brennan"].person))
    member = await signed_in_client(await make_user(person=seats["Rezaul Hoque"].person))
    return {
        "board": board,
        "seats": seats,
        "secretary": secretary,
        "member": member,
        "public": client_for(app),
    }


async def form_post(client, page_url: str, action: str, **data):
    page = await client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    return await client.post(action, data={**data, "_csrf": csrf_from(page.text)})


async def test_a_secretarys_meeting_cycle(csp):
    secretary, member, public = csp["secretary"], csp["member"], csp["public"]

    # A quarterly series on the first Tuesday.
    response = await form_post(
        secretary,
        "/manage/bodies/csp/meetings/new",
        "/manage/bodies/csp/meetings/new",
        title="CSP board",
        date="2027-01-05",
        time="18:00",
        duration="90",
        venue="Town Hall",
        is_public="yes",
        repeat="quarterly",
        count="4",
    )
    assert response.status_code == 303
    january, april, *_ = await Meeting.objects().order_by(Meeting.starts_at)
    agenda_url = f"/manage/meetings/{january.id}/agenda"

    # An agenda with a confidential item, and a paper on it.
    await form_post(secretary, agenda_url, f"{agenda_url}/standard")
    await form_post(
        secretary,
        agenda_url,
        f"{agenda_url}/items",
        title="Community trigger review",
        purpose="discussion",
    )
    await form_post(
        secretary,
        agenda_url,
        f"{agenda_url}/items",
        title="Individuals at high risk",
        purpose="decision",
        is_confidential="yes",
    )
    page = await secretary.get(agenda_url)
    assert "Individuals at high risk" in page.text
    from govhub.meetings.tables import AgendaItem

    secret = (
        await AgendaItem.objects().where(AgendaItem.title == "Individuals at high risk").first()
    )
    papers_url = f"/manage/meetings/{january.id}/items/{secret.id}/papers"
    upload_page = await secretary.get(papers_url)
    uploaded = await secretary.post(
        papers_url,
        data={"title": "Risk register", "_csrf": csrf_from(upload_page.text)},
        files={"file": ("risk.pdf", pdf_bytes("Risk register"), "application/pdf")},
    )
    assert uploaded.status_code == 303
    paper = await Paper.objects().first()

    # Publish: the public sees the public items only, and the paper is "not found" for them.
    await form_post(secretary, agenda_url, f"{agenda_url}/publish")
    public_page = (await public.get(f"/meetings/{january.id}")).text
    assert "Community trigger review" in public_page
    assert "Individuals at high risk" not in public_page and "Risk register" not in public_page
    hidden = await public.get(f"/papers/{paper.id}/risk.pdf")
    missing = await public.get("/papers/999999/risk.pdf")
    assert hidden.status_code == missing.status_code == 404 and hidden.text == missing.text
    members_page = (await member.get(f"/meetings/{january.id}")).text
    assert "Individuals at high risk" in members_page and "Risk register" in members_page
    download = await member.get(f"/papers/{paper.id}/risk.pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")

    # Attendance: quorate with everyone there; not when the chair and vice-chair send apologies.
    seats = csp["seats"]
    attendance_url = f"/manage/meetings/{january.id}/attendance"
    everyone = {seat.id: "present" for seat in seats.values()}
    page = await secretary.get(attendance_url)
    await secretary.post(attendance_url, data=attendance_form(page.text, everyone))
    shown = (await secretary.get(f"/meetings/{january.id}")).text
    assert "Quorate" in shown and "Not quorate" not in shown
    away = {**everyone, seats["Tom Baker"].id: "apologies", seats["Hodan Abdi"].id: "apologies"}
    page = await secretary.get(attendance_url)
    await secretary.post(attendance_url, data=attendance_form(page.text, away))
    shown = (await secretary.get(f"/meetings/{january.id}")).text
    assert "Not quorate" in shown and "Neither the chair nor the vice-chair is present" in shown

    # Minutes with an action...
    minutes_url = f"/manage/meetings/{january.id}/minutes"
    page = await secretary.get(minutes_url)
    added = await secretary.post(
        minutes_url,
        data={
            "action": "add_action",  # the minutes form's "Add action" button
            "action_description": "Write to the landlords on Brick Lane",
            "action_owner_name": "Rezaul Hoque",
            "action_due_date": "2027-02-01",
            "_csrf": csrf_from(page.text),
        },
    )
    assert added.status_code == 303

    # ...that appears as a matter arising on the next meeting's agenda by itself.
    next_agenda = f"/manage/meetings/{april.id}/agenda"
    await form_post(secretary, next_agenda, f"{next_agenda}/standard")
    april_page = (await secretary.get(f"/meetings/{april.id}")).text
    arising = april_page.split("Matters arising", 1)[1].split('</li>\n  <li id="item-', 1)[0]
    assert "Write to the landlords on Brick Lane" in arising

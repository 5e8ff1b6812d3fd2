"""A quorum that explains itself (issue 12, item 5): the terms of reference may ask for a member
from a sector, and the meeting's page tells its members who counts and why."""

import datetime as dt
import html
import re

import pytest

from govhub.meetings.tables import TermsOfReference
from tests.conftest import client_for, csrf_from

START = dt.date(2024, 1, 1)


@pytest.fixture
async def partnership(
    app, make_body, make_org, make_person, make_membership, make_meeting, make_user
):
    """The Community Safety Partnership: a chair from the council, members from the police, the
    NHS and the CVS, a standing substitute for the police, a secretary; one public meeting."""
    body = await make_body(name="Community Safety Partnership", slug="csp", is_public=True)
    orgs = {
        "council": await make_org(name="Tower Hamlets Council", sector="council"),
        "police": await make_org(name="Metropolitan Police", sector="police"),
        "nhs": await make_org(name="Barts Health NHS Trust", sector="nhs"),
        "cvs": await make_org(name="Tower Hamlets CVS", sector="voluntary"),
    }
    seats = {}
    for name, org, role in [
        ("Tom Baker", "council", "chair"),
        ("Sara Ahmed", "council", "secretary"),
        ("Dev Patel", "police", "member"),
        ("Eve Turner", "nhs", "member"),
        ("Grace Obi", "cvs", "member"),
        ("Sam Reid", "police", "substitute"),
    ]:
        person = await make_person(name=name)
        seats[name] = await make_membership(
            person=person, body=body, organisation=orgs[org], role=role, start_date=START
        )
    meeting = await make_meeting(body=body, title="Spring meeting", is_public=True)
    secretary = await make_user(person=seats["Sara Ahmed"].person)
    member = await make_user(person=seats["Eve Turner"].person)
    return {
        "body": body,
        "seats": seats,
        "meeting": meeting,
        "secretary": secretary,
        "member": member,
    }


def terms_form(page: str, **overrides) -> dict:
    return {
        "purpose": "To keep Tower Hamlets safe.",
        "membership": "The council, the police, the NHS and the voluntary sector.",
        "quorum_members": "3",
        "quorum_min_organisations": "",
        "meeting_frequency": "Every quarter",
        "reporting": "",
        "decision_making": "",
        "review_date": "",
        "_csrf": csrf_from(page),
        **overrides,
    }


async def record_attendance(client, meeting, statuses: dict[int, str]):
    url = f"/manage/meetings/{meeting.id}/attendance"
    page = await client.get(url)
    data = {f"status-{seat_id}": status for seat_id, status in statuses.items()}
    saved = await client.post(url, data={**data, "_csrf": csrf_from(page.text)})
    assert saved.status_code == 303, saved.text


def panel_of(page: str) -> str:
    """The quorum panel's HTML, entities decoded (it ends where the agenda begins)."""
    assert "govhub-quorum" in page
    return html.unescape(page.split("govhub-quorum", 1)[1].split('class="govuk-heading-l"')[0])


def words(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def who_counts(panel: str) -> dict[str, str]:
    """Each row of "Who counts": the name, then what the row says (the tag, then the reason)."""
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)<.*?<dd[^>]*>(.*?)</dd>', panel, re.S
    )
    return {name.strip(): words(value) for name, value in rows}


async def test_terms_needing_a_voluntary_sector_member_decide_and_explain_the_quorum(
    partnership, signed_in_client, app
):
    secretary = await signed_in_client(partnership["secretary"])
    member = await signed_in_client(partnership["member"])
    public = client_for(app)
    meeting, seats = partnership["meeting"], partnership["seats"]
    meeting_url = f"/meetings/{meeting.id}"

    # The secretary writes the voluntary-sector minimum into the terms and approves them.
    page = await secretary.get("/bodies/csp/terms/draft")
    assert 'id="quorum_sector_voluntary"' in page.text
    saved = await secretary.post(
        "/bodies/csp/terms/draft", data=terms_form(page.text, quorum_sector_voluntary="1")
    )
    assert saved.status_code == 303
    page = await secretary.get("/bodies/csp/terms/draft")
    approved = await secretary.post(
        "/bodies/csp/terms/draft/approve",
        data={"approved_on": "2025-01-10", "approved_at": "", "_csrf": csrf_from(page.text)},
    )
    assert approved.status_code == 303
    rule = "3 members, with at least 1 from the voluntary and community sector"
    assert rule in (await public.get("/bodies/csp/terms")).text
    # A new draft starts from the version in force, minimum and all.
    again = (await secretary.get("/bodies/csp/terms/draft")).text
    assert 'id="quorum_sector_voluntary" name="quorum_sector_voluntary"' in again
    assert 'value="1"' in again.split('id="quorum_sector_voluntary"', 1)[1].split(">", 1)[0]

    # Before attendance is recorded members see no quorum; the secretary sees it is not yet known.
    assert "govhub-quorum" not in (await member.get(meeting_url)).text
    waiting = panel_of((await secretary.get(meeting_url)).text)
    assert "Attendance has not been recorded yet" in waiting and rule in waiting

    # Five of six seats are filled, the police twice over, but the CVS sent apologies.
    statuses = {seat.id: "present" for seat in seats.values()}
    statuses[seats["Grace Obi"].id] = "apologies"
    await record_attendance(secretary, meeting, statuses)

    shown = panel_of((await member.get(meeting_url)).text)
    assert "Not quorate" in shown
    assert "4 members are present; 3 are needed" in shown
    assert (
        "Only 0 members from the voluntary and community sector are present; 1 is needed" in shown
    )
    assert f"The approved terms of reference set the quorum: {rule}." in shown
    rows = who_counts(shown)
    assert rows == {
        "Tom Baker": "Counts A member, present",
        "Sara Ahmed": "Counts A member, present",
        "Dev Patel": "Counts A member, present",
        "Eve Turner": "Counts A member, present",
        "Sam Reid": "Does not count A substitute whose organisation's members are all present",
    }
    assert "Metropolitan Police" in shown  # who each sits for

    # The public sees the meeting, never who was there or the quorum.
    public_page = (await public.get(meeting_url)).text
    assert public_page.count("Spring meeting") >= 1
    assert "govhub-quorum" not in public_page and "Sam Reid" not in public_page

    # Grace Obi arrives and Dev Patel leaves: the CVS counts, and Sam Reid stands in for the police.
    statuses[seats["Grace Obi"].id] = "present"
    statuses[seats["Dev Patel"].id] = "absent"
    await record_attendance(secretary, meeting, statuses)
    shown = panel_of((await member.get(meeting_url)).text)
    assert "Quorate" in shown and "Not quorate" not in shown
    assert "1 member from the voluntary and community sector is present; 1 is needed" in shown
    rows = who_counts(shown)
    assert rows["Grace Obi"] == "Counts A member, present"
    assert rows["Sam Reid"] == ("Counts Stands in for a member of their organisation who is away")
    assert "Dev Patel" not in rows

    # The attendance page explains the same, as the form stands.
    attendance = (await secretary.get(f"/manage/meetings/{meeting.id}/attendance")).text
    assert who_counts(panel_of(attendance))["Grace Obi"] == "Counts A member, present"


async def test_a_sector_minimum_that_is_not_a_number_is_explained_and_the_typing_kept(
    partnership, signed_in_client
):
    secretary = await signed_in_client(partnership["secretary"])
    page = await secretary.get("/bodies/csp/terms/draft")
    refused = await secretary.post(
        "/bodies/csp/terms/draft",
        data=terms_form(
            page.text, quorum_sector_voluntary="one", quorum_sector_nhs="2", purpose="Kept."
        ),
    )
    assert refused.status_code == 400
    text = refused.text
    message = (
        "Enter the members needed from the voluntary and community sector as a whole number, like 1"
    )
    assert f'<a href="#quorum_sector_voluntary">{message}</a>' in text  # the error summary
    assert 'id="quorum_sector_voluntary-error" class="govuk-error-message">' in text
    assert message in text.split('id="quorum_sector_voluntary-error"', 1)[1].split("</p>", 1)[0]
    box = text.split('id="quorum_sector_voluntary"', 1)[1].split(">", 1)[0]
    assert 'value="one"' in box and "govuk-input--error" in text
    assert 'value="2"' in text.split('id="quorum_sector_nhs"', 1)[1].split(">", 1)[0]
    assert "Kept." in text
    assert not await TermsOfReference.exists()

    too_many = await secretary.post(
        "/bodies/csp/terms/draft",
        data=terms_form(page.text, quorum_sector_voluntary="2", quorum_sector_nhs="2"),
    )
    assert too_many.status_code == 400
    assert "add up to 4, more than the 3 needed for a quorum" in too_many.text
    assert not await TermsOfReference.exists()

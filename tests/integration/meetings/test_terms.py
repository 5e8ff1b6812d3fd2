"""Terms of reference: a secretary drafts and approves versions; everyone who may see the body
reads the version in force, its history and what changed."""

import datetime as dt

import pytest

from govhub import clock
from govhub.audit.tables import AuditEntry
from govhub.meetings.tables import TermsOfReference
from tests.conftest import client_for, csrf_from

PURPOSE = "The board leads the partnership's work to improve health in Tower Hamlets."


@pytest.fixture
async def world(app, make_body, make_person, make_membership, make_user, signed_in_client):
    """The Health and Wellbeing Board with its secretary and a member; another board's secretary."""
    board = await make_body(name="Health and Wellbeing Board", slug="hwb")
    other = await make_body(name="Community Safety Partnership", slug="csp")
    clients = {"public": client_for(app)}
    for key, body, role in [
        ("secretary", board, "secretary"),
        ("member", board, "member"),
        ("other_secretary", other, "secretary"),
    ]:
        person = await make_person(name=key.replace("_", " ").title())
        await make_membership(person=person, body=body, role=role, start_date=dt.date(2024, 1, 1))
        clients[key] = await signed_in_client(await make_user(person=person))
    return {"board": board, "other": other, **clients}


def draft_form(**overrides) -> dict:
    return {
        "purpose": PURPOSE,
        "membership": "The council, the NHS trust and the voluntary sector.",
        "quorum_members": "5",
        "quorum_min_organisations": "3",
        "quorum_required_roles": ["chair", "vice_chair"],
        "meeting_frequency": "Every two months",
        "reporting": "Reports to the Partnership Executive Group.",
        "decision_making": "By consensus of the members present.",
        "review_date": "",
        **overrides,
    }


async def save_draft(client, slug="hwb", **overrides):
    page = await client.get(f"/bodies/{slug}/terms")
    return await client.post(
        f"/bodies/{slug}/terms/draft",
        data={**draft_form(**overrides), "_csrf": csrf_from(page.text)},
    )


async def approve(client, slug="hwb", approved_on=None, approved_at=""):
    page = await client.get(f"/bodies/{slug}/terms")
    return await client.post(
        f"/bodies/{slug}/terms/draft/approve",
        data={
            "approved_on": approved_on or clock.today().isoformat(),
            "approved_at": approved_at,
            "_csrf": csrf_from(page.text),
        },
    )


async def versions(board) -> dict[int, TermsOfReference]:
    rows = await TermsOfReference.objects().where(TermsOfReference.body == board.id)
    return {row.version: row for row in rows}


async def test_a_secretary_drafts_and_approves_the_first_version_which_everyone_can_read(world):
    secretary, public = world["secretary"], world["public"]
    assert "has no approved terms of reference yet" in (await public.get("/bodies/hwb/terms")).text

    saved = await save_draft(secretary)
    assert saved.status_code == 303
    assert "Draft version 1 saved" in (await secretary.get(saved.headers["location"])).text
    # A draft is not in force, and not shown to anyone else.
    assert PURPOSE not in (await public.get("/bodies/hwb/terms")).text
    assert (await public.get("/bodies/hwb/terms/versions/1")).status_code == 404

    assert (await approve(secretary)).status_code == 303
    page = (await public.get("/bodies/hwb/terms")).text
    assert "The board leads the partnership&#39;s work to improve health" in page
    assert f"Version 1, approved on {clock.today().day} {clock.today():%B %Y}" in page
    summary = (await public.get("/bodies/hwb")).text
    quorum = "5 members from at least 3 organisations, including the chair or vice-chair"
    assert f"Version 1. Quorum: {quorum}." in summary

    actions = [
        e["action"] for e in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)
    ]
    assert actions == ["terms.draft_created", "terms.approved"]


async def test_approving_version_2_supersedes_version_1_and_history_shows_what_changed(
    world, make_meeting
):
    secretary, member, board = world["secretary"], world["member"], world["board"]
    await save_draft(secretary)
    await approve(secretary, approved_on="2026-01-15")

    # "Start a new version" begins as a copy of the one in force.
    new = (await secretary.get("/bodies/hwb/terms/draft")).text
    assert "New version 2" in new and "starts as a copy of version 1" in new
    assert PURPOSE.replace("'", "&#39;") in new and 'value="5"' in new

    meeting = await make_meeting(
        body=board, title="Board meeting", starts_at=dt.datetime(2026, 3, 3, 18, tzinfo=dt.UTC)
    )
    await save_draft(
        secretary,
        purpose=PURPOSE.replace("improve health", "improve health and wellbeing"),
        quorum_members="6",
    )
    assert (
        await approve(secretary, approved_on="2026-03-03", approved_at=str(meeting.id))
    ).status_code == 303

    rows = await versions(board)
    assert (rows[1].state, rows[2].state) == ("superseded", "approved")
    assert rows[2].approved_at == meeting.id and rows[2].approved_on == dt.date(2026, 3, 3)
    assert rows[1].approved_on == dt.date(2026, 1, 15)  # its own approval is kept

    history = (await member.get("/bodies/hwb/terms/history")).text
    assert "Version 1" in history and "Version 2" in history and "Superseded" in history
    assert "Board meeting, 3 March 2026" in history and "15 January 2026" in history

    compare = await member.get("/bodies/hwb/terms/compare?from=1&to=2")
    assert compare.status_code == 200
    html = compare.text
    assert "Changes from version 1 to version 2" in html
    assert "2 of 7 parts changed: Purpose, Quorum." in html
    hidden, end = (
        '<span class="govuk-visually-hidden">',
        '<span class="govuk-visually-hidden">]</span>',
    )
    assert (
        f"<del>{hidden}[removed: </span>5{end}</del><ins>{hidden}[added: </span>6{end}</ins>"
        " members from at least 3 organisations" in html
    )
    assert f"improve health <ins>{hidden}[added: </span>and wellbeing " in html
    assert 'No change<span class="govuk-visually-hidden"> to the membership</span>' in html
    assert "<del>" not in html.split("Membership</h2>")[1].split("<h2")[0]

    superseded = (await member.get("/bodies/hwb/terms/versions/1")).text
    assert (
        "This version has been replaced" in superseded and "improve health in Tower" in superseded
    )
    assert (await member.get("/bodies/hwb/terms/compare?from=1&to=9")).status_code == 404

    entry = (
        await AuditEntry.objects()
        .output(load_json=True)
        .where(AuditEntry.action == "terms.superseded")
        .first()
    )
    assert entry.before["state"] == "approved" and entry.after["state"] == "superseded"
    assert entry.body == board.id


async def test_an_approved_version_is_never_edited_changes_go_into_one_new_draft(world):
    secretary, member, board = world["secretary"], world["member"], world["board"]
    await save_draft(secretary)
    await approve(secretary)

    response = await save_draft(secretary, purpose="A rewritten purpose.")
    assert response.status_code == 303
    rows = await versions(board)
    assert rows[1].purpose == PURPOSE and rows[1].state == "approved"
    assert rows[2].purpose == "A rewritten purpose." and rows[2].state == "draft"
    # Quorum and the rest were carried over from version 1.
    assert rows[2].quorum_required_roles == "chair,vice_chair"

    await save_draft(secretary, purpose="Rewritten again.")
    rows = await versions(board)
    assert sorted(rows) == [1, 2] and rows[2].purpose == "Rewritten again."

    # The draft is the secretary's: members still read version 1 and never see version 2.
    assert PURPOSE.replace("'", "&#39;") in (await member.get("/bodies/hwb/terms")).text
    assert "Version 2" not in (await member.get("/bodies/hwb/terms/history")).text
    assert (await member.get("/bodies/hwb/terms/versions/2")).status_code == 404
    assert (await member.get("/bodies/hwb/terms/compare?from=1&to=2")).status_code == 404
    assert "Version 2" in (await secretary.get("/bodies/hwb/terms/history")).text

    actions = [
        e["action"] for e in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)
    ]
    assert actions == [
        "terms.draft_created",
        "terms.approved",
        "terms.draft_created",
        "terms.draft_updated",
    ]


async def test_only_the_bodys_secretary_changes_its_terms_others_are_told_not_found(world):
    await save_draft(world["secretary"])
    for key in ["member", "other_secretary"]:
        client = world[key]
        token = csrf_from((await client.get("/dashboard")).text)
        assert (await client.get("/bodies/hwb/terms/draft")).status_code == 404
        posted = await client.post("/bodies/hwb/terms/draft", data={**draft_form(), "_csrf": token})
        assert posted.status_code == 404
        approved = await client.post(
            "/bodies/hwb/terms/draft/approve",
            data={"approved_on": clock.today().isoformat(), "_csrf": token},
        )
        assert approved.status_code == 404
    assert (await world["member"].get("/bodies/hwb/terms")).status_code == 200
    assert "Start a new version" not in (await world["member"].get("/bodies/hwb/terms")).text
    assert (await world["public"].get("/bodies/hwb/terms/draft")).status_code == 302
    assert (await versions(world["board"]))[1].state == "draft"


async def test_a_private_bodys_terms_are_hidden_from_those_who_may_not_see_it(world, make_body):
    await make_body(name="Private board", slug="private", is_public=False)
    assert (await world["public"].get("/bodies/private/terms")).status_code == 404
    assert (await world["member"].get("/bodies/private/terms/history")).status_code == 404
    assert (await world["public"].get("/bodies/nowhere/terms")).status_code == 404


async def test_bad_input_is_explained_and_keeps_what_was_typed(world, make_meeting):
    secretary = world["secretary"]
    response = await save_draft(
        secretary,
        purpose="Our typed purpose.",
        quorum_members="six",
        quorum_min_organisations="7",
        quorum_required_roles=["vice_chair", "emperor"],
        review_date="31/02/2027",
    )
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html
    for message in [
        "Enter the quorum as a whole number, like 5",
        "Choose roles from the list",
        "The review date must be a real date, like 31/3/2027",
    ]:
        assert message in html
    assert "Our typed purpose." in html and 'value="six"' in html and 'value="31/02/2027"' in html
    assert 'value="vice_chair" checked' in html and 'value="chair" checked' not in html
    assert 'aria-describedby="quorum_members-hint quorum_members-error"' in html
    assert await TermsOfReference.count() == 0

    too_many = await save_draft(secretary, quorum_members="2", quorum_min_organisations="3")
    assert "cannot be more than the number of members in the quorum" in too_many.text

    await save_draft(secretary)
    elsewhere = await make_meeting(body=world["other"])
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    refused = await approve(secretary, approved_on=tomorrow, approved_at=str(elsewhere.id))
    assert refused.status_code == 400
    assert "The approval date must be today or in the past" in refused.text
    assert "Choose one of this body&#39;s meetings, or none" in refused.text
    assert f'value="{tomorrow}"' in refused.text
    assert (await versions(world["board"]))[1].state == "draft"


async def test_terms_due_for_review_within_60_days_show_on_the_secretarys_dashboard(world):
    today = clock.today()
    board, other = world["board"], world["other"]
    for body in [board, other]:
        await TermsOfReference(
            body=body.id,
            version=1,
            state="approved",
            approved_on=today,
            review_date=today + dt.timedelta(days=61),
        ).save()

    async def dashboard(key="secretary"):
        return (await world[key].get("/dashboard")).text

    async def review_on(body, date):
        await TermsOfReference.update({TermsOfReference.review_date: date}).where(
            TermsOfReference.body == body.id
        )

    assert "Terms of reference due for review" not in await dashboard()  # 61 days away

    due = today + dt.timedelta(days=60)
    await review_on(board, due)
    page = await dashboard()
    assert "Terms of reference due for review" in page
    assert f"version 1 is due for review on {due.day} {due:%B %Y}" in page
    assert "(overdue)" not in page

    # Only for the boards one runs: not another board's, not for a member.
    await review_on(other, due)
    assert "Community Safety Partnership" not in await dashboard()
    assert "Terms of reference due for review" not in await dashboard("member")
    assert "Community Safety Partnership" in await dashboard("other_secretary")

    await review_on(board, today - dt.timedelta(days=1))
    assert "(overdue)" in await dashboard()

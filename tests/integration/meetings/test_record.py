"""A secretary takes attendance, writes the minutes and follows the actions up; others see the
record only as far as they may."""

import datetime as dt
import re

import pyotp
import pytest

from govhub.audit.tables import AuditEntry
from govhub.governance.principal import Principal
from govhub.meetings.actions import open_actions_for
from govhub.meetings.tables import (
    Action,
    Attendance,
    Meeting,
    MinutesState,
    TermsOfReference,
)
from tests.conftest import client_for, csrf_from

MARCH = dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)
JUNE = dt.datetime(2026, 6, 2, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
async def board(
    app, make_body, make_org, make_person, make_membership, make_meeting, make_item, make_user
):
    """The Health and Wellbeing Board: five members from four organisations, an observer, a
    former member; terms of reference needing four members from three organisations and the
    chair or vice-chair; a meeting in March with a public and a confidential item, one in June."""
    body = await make_body(name="Health and Wellbeing Board", slug="hwb", is_public=True)
    orgs = {
        key: await make_org(name=name, slug=key)
        for key, name in [
            ("nhs", "NHS North East London"),
            ("council", "Tower Hamlets Council"),
            ("cvs", "Tower Hamlets CVS"),
            ("police", "Metropolitan Police"),
        ]
    }
    people = {}
    for key, name, org, role in [
        ("chair", "Amina Begum", "nhs", "chair"),
        ("vice", "Ben Okafor", "council", "vice_chair"),
        ("secretary", "Sara Ahmed", "cvs", "secretary"),
        ("police", "Dev Patel", "police", "member"),
        ("nurse", "Eve Turner", "nhs", "member"),
        ("observer", "Olu Ade", "council", "observer"),
    ]:
        people[key] = await make_person(name=name)
        await make_membership(person=people[key], body=body, organisation=orgs[org], role=role)
    gone = await make_person(name="Former Member")
    await make_membership(
        person=gone, body=body, organisation=orgs["police"], end_date=dt.date(2025, 12, 31)
    )
    await TermsOfReference(
        body=body.id,
        version=1,
        state="approved",
        quorum_members=4,
        quorum_min_organisations=3,
        quorum_required_roles="chair,vice_chair",
    ).save()
    march = await make_meeting(body=body, title="March board", starts_at=MARCH)
    june = await make_meeting(body=body, title="June board", starts_at=JUNE)
    budget = await make_item(march, title="Budget")
    contract = await make_item(march, title="Contract award", is_confidential=True)
    secretary = await make_user(person=people["secretary"])
    nurse = await make_user(person=people["nurse"])
    return {
        "body": body,
        "orgs": orgs,
        "people": people,
        "march": march,
        "june": june,
        "budget": budget,
        "contract": contract,
        "secretary": secretary,
        "nurse": nurse,
    }


async def members_by_name(meeting) -> dict[str, int]:
    from govhub.meetings.attendance import current_members

    return {m.person.name: m.id for m in await current_members(meeting)}


def attendance_form(page: str, statuses: dict[int, str], **extra) -> dict[str, str]:
    data = {f"status-{mid}": status for mid, status in statuses.items()}
    hidden = re.findall(
        r'<input type="hidden" name="((?:sub|guest)-\d+-\w+)" value="([^"]*)"', page
    )
    return {**dict(hidden), **data, **extra, "_csrf": csrf_from(page)}


def quorum_panel(html: str) -> str:
    return html.split('id="quorum"', 1)[1]


async def test_a_secretary_records_attendance_and_sees_the_quorum_met_then_lost(
    board, signed_in_client
):
    secretary = await signed_in_client(board["secretary"])
    march = board["march"]
    url = f"/manage/meetings/{march.id}/attendance"
    ids = await members_by_name(march)
    assert "Former Member" not in ids and len(ids) == 6

    page = await secretary.get(url)
    assert page.status_code == 200
    for name in ids:
        assert name in page.text
    assert "Former Member" not in page.text
    assert "Not quorate" in quorum_panel(page.text)  # nothing recorded yet
    assert f'hx-post="/manage/meetings/{march.id}/attendance/quorum"' in page.text

    everyone = dict.fromkeys(ids.values(), "present")
    saved = await secretary.post(
        url, data=attendance_form(page.text, everyone, new_guest_name="Dr Rosa Lind")
    )
    assert saved.status_code == 303
    page = await secretary.get(saved.headers["location"])
    panel = quorum_panel(page.text)
    assert "Attendance saved" in page.text
    assert "Quorate" in panel and "Not quorate" not in panel
    assert "5 members are present; 4 are needed" in panel  # not the observer, not the guest
    assert "4 organisations are represented; 3 are needed" in panel
    amina = ids["Amina Begum"]
    assert f'name="status-{amina}" type="radio" value="present" checked' in page.text
    assert "Remove Dr Rosa Lind" in page.text

    # The chair and vice-chair send apologies: the panel alone comes back, not quorate.
    away = {**everyone, ids["Amina Begum"]: "apologies", ids["Ben Okafor"]: "apologies"}
    live = await secretary.post(
        f"{url}/quorum",
        data=attendance_form(page.text, away),
        headers={"HX-Request": "true"},
    )
    assert live.status_code == 200
    assert "<html" not in live.text and "Save attendance" not in live.text
    assert "Not quorate" in live.text
    assert "Only 3 members are present; 4 are needed" in live.text
    assert "Neither the chair nor the vice-chair is present" in live.text
    assert (
        await Attendance.count().where(
            (Attendance.meeting == march.id) & (Attendance.status == "apologies")
        )
        == 0
    )  # the live panel saves nothing

    saved = await secretary.post(url, data=attendance_form(page.text, away))
    assert saved.status_code == 303
    page = await secretary.get(url)
    assert "Not quorate" in quorum_panel(page.text)
    again = await secretary.post(url, data=attendance_form(page.text, away))  # idempotent
    assert again.status_code == 303
    rows = await Attendance.objects().where(Attendance.meeting == march.id)
    assert len(rows) == 7  # six members and the guest, once each
    assert sorted(
        r.status for r in rows if r.membership in (ids["Amina Begum"], ids["Ben Okafor"])
    ) == ["apologies", "apologies"]
    assert [r.guest_name for r in rows if r.is_guest] == ["Dr Rosa Lind"]
    assert await AuditEntry.count().where(AuditEntry.action == "attendance.recorded") == 3


async def test_a_substitute_counts_for_the_organisation_they_stand_in_for(
    board, signed_in_client, make_person
):
    secretary = await signed_in_client(board["secretary"])
    url = f"/manage/meetings/{board['march'].id}/attendance"
    ids = await members_by_name(board["march"])
    statuses = dict.fromkeys(ids.values(), "present")
    statuses[ids["Dev Patel"]] = "apologies"
    statuses[ids["Eve Turner"]] = "apologies"
    police = str(board["orgs"]["police"].id)
    page = await secretary.get(url)

    unknown = await secretary.post(
        url,
        data=attendance_form(
            page.text, statuses, new_sub_email="nobody@example.org", new_sub_org=police
        ),
    )
    assert unknown.status_code == 400
    assert "There is a problem" in unknown.text
    assert 'id="new_sub_email-error"' in unknown.text and "Nobody with this email" in unknown.text
    assert 'value="nobody@example.org"' in unknown.text
    assert await Attendance.count() == 0

    await make_person(name="Priya Shah", email="priya@example.org")
    saved = await secretary.post(
        url,
        data=attendance_form(
            page.text, statuses, new_sub_email="Priya@Example.org", new_sub_org=police
        ),
    )
    assert saved.status_code == 303
    page = await secretary.get(url)
    panel = quorum_panel(page.text)
    assert "Quorate" in panel and "Not quorate" not in panel
    assert "4 members are present" in panel
    assert "Remove Priya Shah, standing in for Metropolitan Police" in page.text
    substitute = (
        await Attendance.objects(Attendance.person).where(Attendance.is_substitute.eq(True)).first()
    )
    assert substitute.person.name == "Priya Shah"
    assert substitute.organisation == board["orgs"]["police"].id

    removed = await secretary.post(
        url, data=attendance_form(page.text, statuses, **{"sub-1-remove": "yes"})
    )
    assert removed.status_code == 303
    assert "Not quorate" in quorum_panel((await secretary.get(url)).text)
    assert not await Attendance.exists().where(Attendance.is_substitute.eq(True))


async def test_only_the_bodys_secretary_and_admins_record_the_meeting(
    board, make_body, make_membership, make_user, signed_in_client, app
):
    other = await make_body(name="Safer Communities Board", slug="safer")
    other_secretary = await make_membership(body=other, role="secretary")
    stranger = await signed_in_client(await make_user(person=other_secretary.person))
    member = await signed_in_client(board["nurse"])
    march = board["march"].id
    pages = [
        f"/manage/meetings/{march}/attendance",
        f"/manage/meetings/{march}/minutes",
    ]
    own_page = await stranger.get("/dashboard")
    for client in (stranger, member):
        for path in pages:
            assert (await client.get(path)).status_code == 404, path
        token = (
            csrf_from(own_page.text)
            if client is stranger
            else csrf_from((await member.get("/dashboard")).text)
        )
        autosave = f"{pages[1]}/items/{board['budget'].id}/notes"
        for path in [*pages, f"{pages[0]}/quorum", autosave]:
            response = await client.post(path, data={"_csrf": token})
            assert response.status_code == 404, path
    assert await Attendance.count() == 0 and await Action.count() == 0
    async with client_for(app) as anonymous:
        response = await anonymous.get(pages[0])
        assert response.status_code == 302 and "/sign-in" in response.headers["location"]
    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    assert (await admin.get(pages[0])).status_code == 200


async def post_minutes(client, meeting, action: str, **data):
    """The minutes form sent with the button for ``action`` pressed (add_decision, ...)."""
    page = await client.get(f"/manage/meetings/{meeting.id}/minutes")
    return await client.post(
        f"/manage/meetings/{meeting.id}/minutes",
        data={**data, "action": action, "_csrf": csrf_from(page.text)},
    )


async def test_minutes_with_actions_feed_the_action_log_and_the_next_meetings_matters_arising(
    board, signed_in_client, make_body, make_membership, make_user, app
):
    secretary = await signed_in_client(board["secretary"])
    march, june = board["march"], board["june"]
    dev = board["people"]["police"]

    missing = await post_minutes(
        secretary, march, "add_action", action_description="", action_owner_name="Someone"
    )
    assert missing.status_code == 400
    assert "Enter the action" in missing.text and 'value="Someone"' in missing.text

    late = await post_minutes(
        secretary,
        march,
        "add_action",
        action_description="Report on vaccination uptake",
        action_owner=str(dev.id),
        action_due_date="2026-04-01",
        action_item=str(board["budget"].id),
    )
    assert late.status_code == 303
    await post_minutes(
        secretary,
        march,
        "add_action",
        action_description="Write to the housing associations",
        action_owner_name="Housing lead (to be named)",
        action_due_date="2099-01-31",
    )
    assert (await Meeting.objects().where(Meeting.id == march.id).first()).minutes_state == (
        MinutesState.draft
    )
    overdue = await Action.objects().where(Action.owner == dev.id).first()
    assert overdue.organisation == board["orgs"]["police"].id  # the owner's seat on the board
    assert overdue.body == board["body"].id

    members_view = Principal(member_of=frozenset({board["body"].id}))
    # Minutes still in draft: their actions are for members only, not yet on public pages.
    assert await open_actions_for(board["body"].id, june.starts_at) == []
    arising = await open_actions_for(board["body"].id, june.starts_at, members_view)
    assert [a.description for a in arising] == [
        "Report on vaccination uptake",
        "Write to the housing associations",
    ]
    assert arising[0].owner.name == "Dev Patel" and arising[0].meeting.title == "March board"
    assert await open_actions_for(board["body"].id, march.starts_at, members_view) == []

    from govhub.settings import get_settings
    from govhub.web.templating import make_environment

    partial = make_environment(get_settings()).get_template("meetings/_matters_arising.html")
    html = partial.render(actions=arising, today=dt.date(2026, 11, 21))
    assert html.count("Overdue") == 1 and "Dev Patel (Metropolitan Police)" in html

    member = await signed_in_client(board["nurse"])
    log = await member.get("/bodies/hwb/actions")
    assert log.status_code == 200
    row = re.search(
        rf'<tr class="govuk-table__row" id="action-{overdue.id}">.*?</tr>', log.text, re.S
    )
    assert "govuk-tag--red" in row.group(0) and "Overdue" in row.group(0)
    assert log.text.count(">Overdue<") == 1
    assert "Update" not in log.text  # members read; the secretary changes
    assert log.text.index("Report on vaccination uptake") < log.text.index("Done or dropped")

    async with client_for(app) as anonymous:
        assert (await anonymous.get("/bodies/hwb/actions")).status_code == 404
    outsider_membership = await make_membership(body=await make_body())
    outsider = await signed_in_client(await make_user(person=outsider_membership.person))
    assert (await outsider.get("/bodies/hwb/actions")).status_code == 404

    page = await secretary.get("/bodies/hwb/actions")
    done = await secretary.post(
        f"/bodies/hwb/actions/{overdue.id}/status",
        data={"status": "done", "_csrf": csrf_from(page.text)},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and "<html" not in done.text
    assert 'id="action-log"' in done.text
    closed = done.text.split("Done or dropped")[1]
    assert "Report on vaccination uptake" in closed and "Overdue" not in done.text
    plain = await secretary.post(
        f"/bodies/hwb/actions/{overdue.id}/status",
        data={"status": "dropped", "_csrf": csrf_from(page.text)},
    )
    assert plain.status_code == 303
    assert (await Action.objects().where(Action.id == overdue.id).first()).status == "dropped"
    still_open = await open_actions_for(board["body"].id, june.starts_at, members_view)
    assert [a.description for a in still_open] == ["Write to the housing associations"]
    actions = [e["action"] for e in await AuditEntry.select(AuditEntry.action)]
    assert actions.count("action.added") == 2 and actions.count("action.updated") == 2


async def test_the_public_sees_approved_minutes_of_public_items_only(
    board, signed_in_client, make_meeting, app
):
    secretary = await signed_in_client(board["secretary"])
    march, june = board["march"], board["june"]
    budget, contract = board["budget"], board["contract"]
    saved = await post_minutes(
        secretary,
        march,
        "save",
        **{
            f"notes-{budget.id}": "The board agreed the budget for 2026 to 2027.",
            f"notes-{contract.id}": "The preferred bidder was Acme Care.",
        },
    )
    assert saved.status_code == 303
    await post_minutes(
        secretary,
        march,
        "add_decision",
        decision_item=str(contract.id),
        decision_text="Award the contract to Acme Care",
    )
    public_url = f"/meetings/{march.id}/minutes"
    async with client_for(app) as anonymous:
        assert (await anonymous.get(public_url)).status_code == 404  # draft

        member = await signed_in_client(board["nurse"])
        draft = await member.get(public_url)
        assert draft.status_code == 200
        assert "Draft" in draft.text and "Acme Care" in draft.text and "Confidential" in draft.text

        earlier = await make_meeting(
            body=board["body"], title="January board", starts_at=MARCH - dt.timedelta(days=60)
        )
        page = (await secretary.get(f"/manage/meetings/{march.id}/minutes")).text
        approval = page.split('id="approval"')[1]
        assert "June board" in approval and "January board" not in approval
        wrong = await post_minutes(secretary, march, "approve", approved_at=str(earlier.id))
        assert wrong.status_code == 400
        assert "Choose the meeting at which the minutes were approved" in wrong.text

        approved = await post_minutes(secretary, march, "approve", approved_at=str(june.id))
        assert approved.status_code == 303
        meeting = await Meeting.objects().where(Meeting.id == march.id).first()
        assert meeting.minutes_state == MinutesState.approved
        assert meeting.minutes_approved_at == june.id

        public = await anonymous.get(public_url)
        assert public.status_code == 200
        assert "The board agreed the budget for 2026 to 2027." in public.text
        assert "Approved at June board" in public.text
        assert "Acme Care" not in public.text and "Contract award" not in public.text
        assert "Draft" not in public.text

    frozen = await post_minutes(
        secretary, march, "save", **{f"notes-{budget.id}": "Rewritten after the event."}
    )
    assert frozen.status_code == 400
    assert "These minutes have been approved and can no longer change" in frozen.text
    entries = [e["action"] for e in await AuditEntry.select(AuditEntry.action)]
    assert "minutes.approved" in entries and "minutes.notes_saved" in entries


async def test_declarations_come_from_those_present(board, signed_in_client):
    secretary = await signed_in_client(board["secretary"])
    march = board["march"]
    ids = await members_by_name(march)
    url = f"/manage/meetings/{march.id}/attendance"
    page = await secretary.get(url)
    statuses = {ids["Amina Begum"]: "present", ids["Dev Patel"]: "apologies"}
    await secretary.post(url, data=attendance_form(page.text, statuses))

    minutes = (await secretary.get(f"/manage/meetings/{march.id}/minutes")).text
    declarers = minutes.split('id="declaration_person"')[1].split("</select>")[0]
    assert "Amina Begum" in declarers and "Dev Patel" not in declarers

    dev = board["people"]["police"]
    refused = await post_minutes(
        secretary,
        march,
        "add_declaration",
        declaration_person=str(dev.id),
        declaration_item=str(board["budget"].id),
        interest="Trustee of a bidder",
    )
    assert refused.status_code == 400 and "Choose who is declaring" in refused.text
    amina = board["people"]["chair"]
    added = await post_minutes(
        secretary,
        march,
        "add_declaration",
        declaration_person=str(amina.id),
        declaration_item=str(board["budget"].id),
        interest="Trustee of a bidder",
    )
    assert added.status_code == 303
    minutes = (await secretary.get(f"/manage/meetings/{march.id}/minutes")).text
    assert "Amina Begum on 1. Budget: Trustee of a bidder" in minutes

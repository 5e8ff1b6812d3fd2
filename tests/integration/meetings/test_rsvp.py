"""A member answers the invitation from their phone's mail app, without signing in: the link
shows one button (a link scanner opening it records nothing), the button records the answer,
and apologies reach the attendance sheet and the draft minutes."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from govhub import clock
from govhub.audit.tables import AuditEntry
from govhub.governance.principal import Principal
from govhub.mail.tables import OutboxMessage
from govhub.meetings.response_tables import MeetingResponse
from govhub.meetings.services import Schedule, schedule
from govhub.meetings.tables import Meeting, MinutesState
from tests.conftest import client_for, csrf_from

LONDON = ZoneInfo("Europe/London")
PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"}


@pytest.fixture
async def board(app, make_body, make_org, make_person, make_membership, make_user):
    body = await make_body(name="Children and Families Board", slug="cfb")
    council = await make_org(name="Tower Hamlets Council", slug="council")
    nhs = await make_org(name="NHS North East London", slug="nhs")
    people = {}
    for key, name, org, role in [
        ("secretary", "Sara Ahmed", council, "secretary"),
        ("amina", "Amina Begum", nhs, "member"),
        ("ben", "Ben Okafor", council, "member"),
        ("deputy", "Dara Khan", nhs, "observer"),
    ]:
        people[key] = await make_person(name=name, email=f"{key}@example.org")
        await make_membership(person=people[key], body=body, organisation=org, role=role)
    users = {key: await make_user(person=people[key]) for key in ("secretary", "amina")}
    secretary = Principal(
        user_id=None,
        person_id=people["secretary"].id,
        name="Sara Ahmed",
        member_of=frozenset({body.id}),
        secretary_of=frozenset({body.id}),
    )
    return body, people, secretary, users


async def scheduled_meeting(body, secretary):
    day = clock.today() + dt.timedelta(weeks=3)
    starts = dt.datetime.combine(day, dt.time(18, 0), tzinfo=LONDON)
    plan = Schedule(
        title="Spring meeting",
        starts_at=starts,
        duration=dt.timedelta(hours=2),
        venue="Town Hall",
        online_link="",
        is_public=True,
        pattern=None,
        count=1,
    )
    [meeting] = await schedule(secretary, body, plan)
    return meeting


async def links_in_invitation(email: str) -> dict[str, str]:
    [message] = await OutboxMessage.objects().where(
        (OutboxMessage.to_address == email) & (OutboxMessage.kind == "meeting.invite")
    )
    # The HTML body offers the same three links, named rather than spelt out.
    for label in ("Attending", "Apologies", "Sending a substitute"):
        assert re.search(
            rf'<a href="[^"]+/rsvp/[^"]+"><strong>{label}</strong></a>', message.html_body
        ), label
    found = dict(
        re.findall(r"^(Attending|Apologies|Sending a substitute): (\S+)$", message.text_body, re.M)
    )
    assert set(found) == {"Attending", "Apologies", "Sending a substitute"}, message.text_body
    return {k: v.removeprefix("http://testserver") for k, v in found.items()}


async def test_apologies_from_the_email_link_reach_attendance_and_draft_minutes(
    app, board, signed_in_client
):
    body, people, secretary, users = board
    meeting = await scheduled_meeting(body, secretary)
    links = await links_in_invitation("amina@example.org")

    async with client_for(app) as phone:
        phone.headers.update(PHONE)
        # A mail client's link scanner (or the member) opens the link: nothing is recorded yet.
        page = await phone.get(links["Apologies"])
        assert page.status_code == 200
        assert "Send my apologies" in page.text and "Amina Begum" in page.text
        assert await MeetingResponse.count() == 0
        done = await phone.post(
            links["Apologies"],
            data={"_csrf": csrf_from(page.text), "comment": "On leave that week"},
        )
    assert done.status_code == 200
    assert "your answer is recorded" in done.text
    [entry] = await AuditEntry.objects().where(AuditEntry.action == "meeting.responded")
    assert entry.actor_name == "Amina Begum" and "apologies" in entry.summary

    secretary_client = await signed_in_client(users["secretary"])
    sheet = await secretary_client.get(f"/manage/meetings/{meeting.id}/attendance")
    seat = await seat_id(meeting, people["amina"])
    assert f'name="status-{seat}" type="radio" value="apologies" checked' in sheet.text
    # The secretary starts the minutes: the draft lists the apologies sent.
    await Meeting.update({Meeting.minutes_state: MinutesState.draft}).where(
        Meeting.id == meeting.id
    )
    minutes = await secretary_client.get(f"/meetings/{meeting.id}/minutes")
    apologies = re.search(r"Apologies</dt>\s*<dd[^>]*>([^<]*)<", minutes.text)
    assert apologies and "Amina Begum (NHS North East London)" in apologies.group(1)
    page = await secretary_client.get(f"/meetings/{meeting.id}")
    assert "On leave that week" in page.text


async def seat_id(meeting, person) -> int:
    from govhub.governance.tables import Membership

    row = (
        await Membership.select(Membership.id)
        .where((Membership.person == person.id) & (Membership.body == meeting.body))
        .first()
    )
    return row["id"]


async def test_a_tampered_or_borrowed_link_is_not_found(app, board, client):
    body, people, secretary, _ = board
    meeting = await scheduled_meeting(body, secretary)
    links = await links_in_invitation("amina@example.org")
    apologies = links["Apologies"]
    person = str(people["amina"].id)
    ben = str(people["ben"].id)
    for tampered in [
        apologies.replace("/apologies?", "/attending?"),  # another answer
        apologies.replace(f"/rsvp/{person}/", f"/rsvp/{ben}/"),  # another member
        apologies.replace(f"/meetings/{meeting.id}/", f"/meetings/{meeting.id + 1}/"),
        apologies.split("?")[0],  # no signature
    ]:
        assert (await client.get(tampered)).status_code == 404, tampered
    assert await MeetingResponse.count() == 0


async def test_a_substitute_from_the_members_organisation_confirmed_by_the_secretary(
    app, board, signed_in_client
):
    body, people, secretary, users = board
    meeting = await scheduled_meeting(body, secretary)
    links = await links_in_invitation("amina@example.org")
    async with client_for(app) as phone:
        page = await phone.get(links["Sending a substitute"])
        # Only people from Amina's organisation are offered (Dara, not Ben of the council).
        assert "Dara Khan" in page.text and "Ben Okafor" not in page.text
        refused = await phone.post(
            links["Sending a substitute"], data={"_csrf": csrf_from(page.text)}
        )
        assert refused.status_code == 400
        assert "Choose who will stand in for you" in refused.text
        done = await phone.post(
            links["Sending a substitute"],
            data={"_csrf": csrf_from(page.text), "substitute": str(people["deputy"].id)},
        )
        assert done.status_code == 200 and "The secretary will confirm" in done.text

    secretary_client = await signed_in_client(users["secretary"])
    page = await secretary_client.get(f"/meetings/{meeting.id}")
    assert "Sending a substitute: Dara Khan" in page.text
    confirmed = await secretary_client.post(
        f"/manage/meetings/{meeting.id}/responses/{people['amina'].id}/confirm",
        data={"_csrf": csrf_from(page.text)},
    )
    assert confirmed.status_code == 303
    sheet = await secretary_client.get(f"/manage/meetings/{meeting.id}/attendance")
    assert 'value="Dara Khan"' in sheet.text  # stands in on the attendance sheet
    seat = await seat_id(meeting, people["amina"])
    assert f'name="status-{seat}" type="radio" value="apologies" checked' in sheet.text


async def test_a_signed_in_member_answers_from_the_meeting_page(app, board, signed_in_client):
    body, _, secretary, users = board
    meeting = await scheduled_meeting(body, secretary)
    member = await signed_in_client(users["amina"])
    page = await member.get(f"/meetings/{meeting.id}")
    assert "You have not answered yet" in page.text
    [attend] = re.findall(r'href="([^"]+/rsvp/[^"]+/attending\?s=[^"]+)"', page.text)
    confirm = await member.get(attend.replace("&amp;", "&"))
    await member.post(attend.replace("&amp;", "&"), data={"_csrf": csrf_from(confirm.text)})
    page = await member.get(f"/meetings/{meeting.id}")
    assert re.search(r"Your answer:\s*<strong>Attending</strong>", page.text)
    [row] = await MeetingResponse.select().where(MeetingResponse.meeting == meeting.id)
    assert row["via"] == "page"


async def test_a_cancelled_meeting_takes_no_answers(app, board):
    from govhub.meetings.services import cancel_meeting

    body, _, secretary, _ = board
    meeting = await scheduled_meeting(body, secretary)
    links = await links_in_invitation("amina@example.org")
    loaded = await Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first()
    await cancel_meeting(secretary, loaded, "Room flooded")
    async with client_for(app) as phone:
        page = await phone.get(links["Attending"])
        assert "This meeting has been cancelled" in page.text
        assert "Yes, I will attend" not in page.text

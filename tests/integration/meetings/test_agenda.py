"""Building, reordering and publishing an agenda; who sees confidential items."""

import datetime as dt

import pytest

from govhub.meetings.tables import AgendaItem, Meeting
from tests.conftest import client_for, csrf_from
from tests.integration.meetings.test_scheduling import agenda_titles


@pytest.fixture
async def setting(
    app, make_body, make_meeting, make_person, make_membership, make_user, signed_in_client
):
    board = await make_body(name="Community Safety Partnership", slug="csp")
    meeting = await make_meeting(body=board, starts_at=dt.datetime(2027, 3, 2, 18, tzinfo=dt.UTC))
    people = {}
    for role in ["secretary", "member"]:
        person = await make_person(name=role.title())
        await make_membership(person=person, body=board, role=role, start_date=dt.date(2024, 1, 1))
        people[role] = await signed_in_client(await make_user(person=person))
    return {
        "meeting": meeting,
        "secretary": people["secretary"],
        "member": people["member"],
        "public": client_for(app),
    }


async def add(client, meeting, **fields):
    url = f"/manage/meetings/{meeting.id}/agenda"
    page = await client.get(url)
    data = {"purpose": "discussion", **fields, "_csrf": csrf_from(page.text)}
    return await client.post(f"{url}/items", data=data)


async def test_standard_items_then_own_items_before_any_other_business(setting):
    secretary, meeting = setting["secretary"], setting["meeting"]
    page = await secretary.get(f"/manage/meetings/{meeting.id}/agenda")
    await secretary.post(
        f"/manage/meetings/{meeting.id}/agenda/standard", data={"_csrf": csrf_from(page.text)}
    )
    await add(
        secretary,
        meeting,
        title="Knife crime strategy",
        presenter="Tom Baker",
        purpose="decision",
        minutes_allotted="20",
    )
    page = (await secretary.get(f"/manage/meetings/{meeting.id}/agenda")).text
    assert agenda_titles(page) == [
        "Apologies for absence",
        "Declarations of interest",
        "Minutes of the last meeting",
        "Matters arising",
        "Knife crime strategy",
        "Any other business",
    ]


async def test_bad_item_input_keeps_what_was_typed(setting):
    response = await add(
        setting["secretary"],
        setting["meeting"],
        title="",
        presenter="Tom Baker",
        purpose="vote",
        minutes_allotted="lots",
    )
    assert response.status_code == 400
    assert "Enter the item&#39;s title" in response.text
    assert "The time must be a whole number of minutes" in response.text
    assert 'value="Tom Baker"' in response.text and 'value="lots"' in response.text


async def test_reordering_with_htmx_swaps_only_the_items(setting):
    secretary, meeting = setting["secretary"], setting["meeting"]
    for title in ["First", "Second", "Third"]:
        await add(secretary, meeting, title=title)
    third = await AgendaItem.objects().where(AgendaItem.title == "Third").first()
    page = await secretary.get(f"/manage/meetings/{meeting.id}/agenda")
    response = await secretary.post(
        f"/manage/meetings/{meeting.id}/agenda/items/{third.id}/move",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(page.text)},
        data={"direction": "up"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="items"')
    assert agenda_titles(response.text) == ["First", "Third", "Second"]
    # And without JavaScript: a plain form post, then a redirect back.
    plain = await secretary.post(
        f"/manage/meetings/{meeting.id}/agenda/items/{third.id}/move",
        data={"direction": "up", "_csrf": csrf_from(page.text)},
    )
    assert plain.status_code == 303
    order = [i.title for i in await AgendaItem.objects().order_by(AgendaItem.position)]
    assert order == ["Third", "First", "Second"]


async def test_publishing_shows_public_items_to_all_and_confidential_to_members(setting):
    secretary, meeting = setting["secretary"], setting["meeting"]
    await add(secretary, meeting, title="Community trigger review")
    refused = await add(
        secretary, meeting, title="Named individuals at risk", is_confidential="yes"
    )
    assert refused.status_code == 400  # a confidential item needs its reason
    assert "Choose why the item is not for publication" in refused.text
    assert 'value="Named individuals at risk"' in refused.text
    await add(
        secretary,
        meeting,
        title="Named individuals at risk",
        is_confidential="yes",
        exempt_reason="2",
    )
    public, member = setting["public"], setting["member"]
    assert "Community trigger review" not in (await public.get(f"/meetings/{meeting.id}")).text

    page = await secretary.get(f"/manage/meetings/{meeting.id}/agenda")
    response = await secretary.post(
        f"/manage/meetings/{meeting.id}/agenda/publish", data={"_csrf": csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert (
        await Meeting.objects().where(Meeting.id == meeting.id).first()
    ).agenda_state == "published"

    seen_by_public = (await public.get(f"/meetings/{meeting.id}")).text
    assert "Community trigger review" in seen_by_public
    assert "Named individuals at risk" not in seen_by_public
    # Its place and number stay, with the reason, as councils publish an exempt item.
    assert "Confidential" not in seen_by_public
    assert "2. Item not for publication" in seen_by_public
    assert "likely to reveal the identity of an individual" in seen_by_public
    seen_by_member = (await member.get(f"/meetings/{meeting.id}")).text
    assert "Named individuals at risk" in seen_by_member


async def test_publishing_an_empty_agenda_is_refused_with_a_reason(setting):
    secretary, meeting = setting["secretary"], setting["meeting"]
    page = await secretary.get(f"/manage/meetings/{meeting.id}/agenda")
    response = await secretary.post(
        f"/manage/meetings/{meeting.id}/agenda/publish", data={"_csrf": csrf_from(page.text)}
    )
    assert response.status_code == 400
    assert "Add at least one item before publishing the agenda" in response.text


async def test_a_member_cannot_edit_the_agenda(setting):
    member, meeting = setting["member"], setting["meeting"]
    assert (await member.get(f"/manage/meetings/{meeting.id}/agenda")).status_code == 404
    response = await add(setting["secretary"], meeting, title="Real item")
    assert response.status_code == 303
    token = csrf_from((await member.get("/account")).text)
    sneaky = await member.post(
        f"/manage/meetings/{meeting.id}/agenda/items",
        data={"_csrf": token, "title": "Sneaky", "purpose": "decision"},
    )
    assert sneaky.status_code == 404
    assert await AgendaItem.count().where(AgendaItem.title == "Sneaky") == 0

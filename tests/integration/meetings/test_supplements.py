"""Item numbers everyone shares, exempt items in their place, and supplementary agendas (issue 12).

A published agenda's numbers never change: an item added later takes the next number or "6a",
a withdrawn one stays listed under its number, and the changes go to members in one notice per
supplement.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest

from govhub.governance.principal import Principal
from govhub.mail.tables import OutboxMessage
from govhub.meetings.supplements import publish_supplement
from govhub.meetings.tables import AgendaItem, AgendaSupplement, Meeting, Paper
from govhub.validation import FormError
from tests.conftest import client_for, csrf_from
from tests.integration.meetings.test_papers import own_var_dir, pdf_bytes, upload

__all__ = ["own_var_dir"]

EXEMPT_TITLE = "QZXSUPPEXEMPT"


@pytest.fixture
async def board(
    app, make_body, make_meeting, make_person, make_membership, make_user, signed_in_client
):
    body = await make_body(name="Community Safety Partnership", slug="csp")
    meeting = await make_meeting(
        body=body,
        title="Community Safety Partnership",
        starts_at=dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=20),
    )
    people = {}
    for role in ["secretary", "member", "chair"]:
        person = await make_person(name=role.title(), email=f"{role}@example.org")
        await make_membership(person=person, body=body, role=role, start_date=dt.date(2024, 1, 1))
        people[role] = person
    return {
        "meeting": meeting,
        "secretary": await signed_in_client(await make_user(person=people["secretary"])),
        "member": await signed_in_client(await make_user(person=people["member"])),
        "public": client_for(app),
    }


def _agenda_url(meeting) -> str:
    return f"/manage/meetings/{meeting.id}/agenda"


async def _post(client, meeting, path: str, **data):
    page = await client.get(_agenda_url(meeting))
    return await client.post(
        f"{_agenda_url(meeting)}{path}", data={**data, "_csrf": csrf_from(page.text)}
    )


async def add(client, meeting, **fields):
    return await _post(client, meeting, "/items", purpose="discussion", **fields)


def numbered(html: str) -> list[tuple[str, str]]:
    """(number, heading) of each item on a meeting page's agenda, in order."""
    agenda = html.split('<ol class="govuk-list govhub-agenda">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h3 class="govuk-heading-m">(\w+)\. ([^<]+?)\s*(?:<strong|</h3>)', agenda)


async def _item(title: str) -> AgendaItem:
    return await AgendaItem.objects().where(AgendaItem.title == title).first()


async def _published_agenda(board) -> None:
    """Standard items, a public item and an exempt one, published: 1-4, 5, 6, 7 (AOB)."""
    secretary, meeting = board["secretary"], board["meeting"]
    assert (await _post(secretary, meeting, "/standard")).status_code == 303
    assert (await add(secretary, meeting, title="Knife crime strategy")).status_code == 303
    response = await add(
        secretary, meeting, title=EXEMPT_TITLE, is_confidential="yes", exempt_reason="3"
    )
    assert response.status_code == 303, response.text
    assert (await _post(secretary, meeting, "/publish")).status_code == 303


async def _notices() -> list[dict]:
    return await OutboxMessage.select(
        OutboxMessage.to_address, OutboxMessage.text_body, OutboxMessage.subject
    ).where(OutboxMessage.kind == "meeting.agenda_supplement")


async def test_public_and_member_agendas_number_every_item_identically(board):
    await _published_agenda(board)
    meeting = board["meeting"]
    public = (await board["public"].get(f"/meetings/{meeting.id}")).text
    member = (await board["member"].get(f"/meetings/{meeting.id}")).text
    public_numbers = [number for number, _ in numbered(public)]
    assert public_numbers == [number for number, _ in numbered(member)]
    assert public_numbers == ["1", "2", "3", "4", "5", "6", "7"]
    # The exempt item keeps its place for the public, with its reason and never its title.
    assert ("6", "Item not for publication") in numbered(public)
    assert "Item 6 is not for publication" in public
    assert "paragraph 3 of Schedule 12A" in public
    assert "financial or business affairs of any particular person" in public
    assert EXEMPT_TITLE not in public
    assert ("6", EXEMPT_TITLE) in numbered(member)
    # The members' pack numbers them the same; the public pack leaves a gap, never renumbers.
    member_pack = (await board["member"].get(f"/meetings/{meeting.id}/pack")).text
    assert f'id="item-6-title">6. {EXEMPT_TITLE}' in member_pack
    public_pack = (await board["public"].get(f"/meetings/{meeting.id}/pack")).text
    assert 'id="item-7-title">7. Any other business' in public_pack
    assert EXEMPT_TITLE not in public_pack


async def test_a_confidential_item_needs_its_reason_and_keeps_what_was_typed(board):
    response = await add(
        board["secretary"],
        board["meeting"],
        title="Contract award",
        presenter="Jo Head",
        is_confidential="yes",
        exempt_reason="9",
    )
    assert response.status_code == 400
    assert '<p id="exempt_reason-error" class="govuk-error-message">' in response.text
    assert "Choose why the item is not for publication" in response.text
    assert 'value="Contract award"' in response.text and 'value="Jo Head"' in response.text
    assert await AgendaItem.count() == 0


async def test_adding_after_publication_keeps_every_number_and_sends_one_notice(board):
    await _published_agenda(board)
    secretary, meeting = board["secretary"], board["meeting"]
    before = numbered((await board["member"].get(f"/meetings/{meeting.id}")).text)
    page = (await secretary.get(_agenda_url(meeting))).text
    assert "After item 6, as item 6a" in page and "At the end, as item 8" in page
    # The usual place: before "Any other business", so after item 6, as 6a.
    assert (await add(secretary, meeting, title="Youth violence update")).status_code == 303
    response = await add(secretary, meeting, title="Late report", after="2")
    assert response.status_code == 303
    response = await add(secretary, meeting, title="Closing note", after="end")
    assert response.status_code == 303

    after = numbered((await board["member"].get(f"/meetings/{meeting.id}")).text)
    assert [n for n, _ in after] == ["1", "2", "2a", "3", "4", "5", "6", "6a", "7", "8"]
    assert [pair for pair in after if pair[0] in {n for n, _ in before}] == before
    assert await _notices() == []  # nothing is sent until the supplement is published

    page = (await secretary.get(_agenda_url(meeting))).text
    assert "Item 6a added: Youth violence update" in page
    response = await _post(secretary, meeting, "/supplement")
    assert response.status_code == 303
    notices = await _notices()
    assert sorted(n["to_address"] for n in notices) == [
        "chair@example.org",
        "member@example.org",
        "secretary@example.org",
    ]
    assert all("Item 2a added: Late report" in n["text_body"] for n in notices)
    assert all("Item 8 added: Closing note" in n["text_body"] for n in notices)

    shown = (await board["public"].get(f"/meetings/{meeting.id}")).text
    assert "Supplementary agenda published on" in shown
    assert "Item 6a added: Youth violence update" in shown
    # Nothing more to publish: the button is gone, and a second press is refused.
    again = await _post(secretary, meeting, "/supplement")
    assert again.status_code == 400
    assert "There are no changes to publish" in again.text
    assert len(await _notices()) == 3


async def test_withdrawing_and_moving_keep_the_numbers(board):
    await _published_agenda(board)
    secretary, meeting = board["secretary"], board["meeting"]
    strategy = await _item("Knife crime strategy")
    response = await _post(secretary, meeting, f"/items/{strategy.id}/remove")
    assert response.status_code == 400
    assert "withdrawn, not removed" in response.text
    assert (await _post(secretary, meeting, f"/items/{strategy.id}/withdraw")).status_code == 303
    aob = await _item("Any other business")
    response = await _post(secretary, meeting, f"/items/{aob.id}/move", direction="up")
    assert response.status_code == 303

    page = (await board["public"].get(f"/meetings/{meeting.id}")).text
    assert numbered(page)[4:] == [
        ("5", "Knife crime strategy"),
        ("7", "Any other business"),
        ("6", "Item not for publication"),
    ]
    assert "Item 5 was withdrawn on" in page
    assert (await _post(secretary, meeting, "/supplement")).status_code == 303
    notices = await _notices()
    assert len(notices) == 3
    body = notices[0]["text_body"]
    assert "Item 5 withdrawn: Knife crime strategy" in body
    assert "Item 7 now taken before item 6: Any other business" in body


async def test_a_supplement_never_names_an_exempt_item_to_the_public_or_by_email(board):
    await _published_agenda(board)
    secretary, meeting = board["secretary"], board["meeting"]
    response = await add(
        secretary, meeting, title=f"{EXEMPT_TITLE} two", is_confidential="yes", exempt_reason="1"
    )
    assert response.status_code == 303
    assert (await _post(secretary, meeting, "/supplement")).status_code == 303
    public = (await board["public"].get(f"/meetings/{meeting.id}")).text
    assert "Item 6a added (not for publication)" in public
    assert EXEMPT_TITLE not in public
    assert all(EXEMPT_TITLE not in n["text_body"] for n in await _notices())
    member = (await board["member"].get(f"/meetings/{meeting.id}")).text
    assert f"Item 6a added: {EXEMPT_TITLE} two" in member


async def test_replacing_a_paper_after_publication_marks_it_revised(board):
    secretary, meeting = board["secretary"], board["meeting"]
    assert (await add(secretary, meeting, title="Budget monitoring")).status_code == 303
    item = await _item("Budget monitoring")
    response = await upload(
        secretary,
        meeting,
        item,
        title="Budget report",
        file=("budget.pdf", pdf_bytes("first"), "application/pdf"),
    )
    assert response.status_code == 303
    assert (await _post(secretary, meeting, "/publish")).status_code == 303
    paper = await Paper.objects().first()
    page = await secretary.get(f"/manage/meetings/{meeting.id}/items/{item.id}/papers")
    response = await secretary.post(
        f"/manage/meetings/{meeting.id}/items/{item.id}/papers/{paper.id}/replace",
        data={"_csrf": csrf_from(page.text)},
        files={"file": ("budget-v2.pdf", pdf_bytes("second"), "application/pdf")},
    )
    assert response.status_code == 303, response.text
    revised = await Paper.objects().where(Paper.id == paper.id).first()
    assert revised.revised_at is not None and revised.original_name == "budget-v2.pdf"
    assert revised.stored_name != paper.stored_name
    shown = (await board["public"].get(f"/meetings/{meeting.id}")).text
    assert "Revised " in shown
    page = (await secretary.get(_agenda_url(meeting))).text
    assert "Paper revised on item 1: Budget report" in page
    # A file that is not a paper is refused next to its field.
    bad = await secretary.post(
        f"/manage/meetings/{meeting.id}/items/{item.id}/papers/{paper.id}/replace",
        data={"_csrf": csrf_from(page)},
        files={"file": ("notes.txt", b"plain text", "text/plain")},
    )
    assert bad.status_code == 400
    assert f'id="paper-{item.id}-replace-{paper.id}-error"' in bad.text


async def test_two_secretaries_publishing_the_supplement_at_once_send_one_notice_each(board):
    await _published_agenda(board)
    meeting = board["meeting"]
    assert (await add(board["secretary"], meeting, title="Late report")).status_code == 303
    load = Meeting.objects(Meeting.body).where(Meeting.id == meeting.id).first
    first, second = await load(), await load()  # two tabs, loaded before either acts
    actor = Principal(is_admin=True, name="Sam Secretary")
    results = await asyncio.gather(
        publish_supplement(actor, first), publish_supplement(actor, second), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], FormError), results
    assert errors[0].errors == {"supplement": "There are no changes to publish"}
    assert await AgendaSupplement.count() == 1
    assert len(await _notices()) == 3


async def test_the_edit_page_keeps_the_reason_and_asks_for_one_when_marking_confidential(board):
    secretary, meeting = board["secretary"], board["meeting"]
    assert (await add(secretary, meeting, title="Contract award")).status_code == 303
    item = await _item("Contract award")
    url = f"{_agenda_url(meeting)}/items/{item.id}"
    page = await secretary.get(url)
    assert page.status_code == 200 and "Change item 1" in page.text
    data = {"title": "Contract award", "purpose": "decision", "is_confidential": "yes"}
    refused = await secretary.post(url, data={**data, "_csrf": csrf_from(page.text)})
    assert refused.status_code == 400
    assert '<p id="exempt_reason-error" class="govuk-error-message">' in refused.text
    saved = await secretary.post(
        url, data={**data, "exempt_reason": "3", "_csrf": csrf_from(page.text)}
    )
    assert saved.status_code == 303
    again = (await secretary.get(url)).text
    assert 'id="exempt_reason-3" name="exempt_reason" type="radio" value="3" checked' in again

"""The minutes editor loses nothing: notes typed on every item are saved whichever button is
pressed, they save themselves as they are typed (htmx), and two people editing the same minutes
are told of each other instead of overwriting each other's notes."""

import datetime as dt
import html
import re

import pyotp
import pytest

from govhub.audit.tables import AuditEntry
from govhub.meetings.tables import Action, AgendaItem, Decision
from tests.conftest import csrf_from

MARCH = dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)
HTMX = {"HX-Request": "true"}


@pytest.fixture
async def board(make_body, make_membership, make_meeting, make_item, make_user):
    """A board's March meeting with two items, its secretary, and an admin who edits too."""
    body = await make_body(name="Safer Streets Board", slug="safer-streets")
    secretary = await make_membership(body=body, role="secretary")
    await make_membership(body=body, role="chair")
    march = await make_meeting(body=body, title="March board", starts_at=MARCH)
    return {
        "body": body,
        "march": march,
        "budget": await make_item(march, title="Budget"),
        "patrols": await make_item(march, title="Night patrols", is_confidential=True),
        "secretary": await make_user(person=secretary.person),
        "admin": await make_user(admin=True, totp_secret=pyotp.random_base32()),
    }


def editor_url(meeting) -> str:
    return f"/manage/meetings/{meeting.id}/minutes"


def autosave_url(meeting, item) -> str:
    return f"{editor_url(meeting)}/items/{item.id}/notes"


def form_of(page: str) -> dict[str, str]:
    """What the browser would send back from the minutes page untouched: the hidden fields
    (CSRF, each item's notes version and fingerprint) and each item's notes as shown."""
    fields = dict(
        re.findall(r'<input type="hidden" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', page)
    )
    for name, text in re.findall(
        r'<textarea [^>]*name="(notes-\d+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        fields[name] = html.unescape(text)
    return fields


def notes_shown(page: str, item) -> str:
    return form_of(page)[f"notes-{item.id}"]


async def stored_notes(item) -> AgendaItem:
    return await AgendaItem.objects().where(AgendaItem.id == item.id).first()


async def test_notes_typed_on_two_items_survive_adding_a_decision(board, signed_in_client):
    secretary = await signed_in_client(board["secretary"])
    march, budget, patrols = board["march"], board["budget"], board["patrols"]
    page = await secretary.get(editor_url(march))
    assert page.status_code == 200
    assert page.text.count(f'action="{editor_url(march)}"') == 1  # one form for the whole page
    assert 'name="action" value="add_decision"' in page.text

    typed = {
        **form_of(page.text),
        f"notes-{budget.id}": "The board agreed the budget.\r\nTwo members abstained.",
        f"notes-{patrols.id}": "Patrols move to Fridays.",
        "decision_item": str(budget.id),
        "decision_text": "Approve the 2026 budget",
        "action": "add_decision",
    }
    added = await secretary.post(editor_url(march), data=typed)
    assert added.status_code == 303
    assert added.headers["location"] == f"{editor_url(march)}#decisions"

    page = await secretary.get(editor_url(march))
    assert notes_shown(page.text, budget) == "The board agreed the budget.\nTwo members abstained."
    assert notes_shown(page.text, patrols) == "Patrols move to Fridays."
    assert "1. Budget: Approve the 2026 budget" in page.text
    assert (
        await stored_notes(budget)
    ).notes == "The board agreed the budget.\nTwo members abstained."
    assert (await stored_notes(patrols)).notes == "Patrols move to Fridays."
    assert [d.text for d in await Decision.objects()] == ["Approve the 2026 budget"]
    assert [(i.notes_version) for i in await AgendaItem.objects().order_by(AgendaItem.id)] == [1, 1]


async def test_a_step_that_fails_or_half_typed_text_elsewhere_loses_nothing(
    board, signed_in_client
):
    secretary = await signed_in_client(board["secretary"])
    march, budget = board["march"], board["budget"]
    page = await secretary.get(editor_url(march))

    # "Add decision" with no decision text: the notes are saved all the same, all is shown again.
    missing = await secretary.post(
        editor_url(march),
        data={
            **form_of(page.text),
            f"notes-{budget.id}": "Budget discussed at length.",
            "decision_item": str(budget.id),
            "action_description": "Cost the new patrols",
            "action": "add_decision",
        },
    )
    assert missing.status_code == 400
    assert "Enter the decision" in missing.text
    assert notes_shown(missing.text, budget) == "Budget discussed at length."
    assert f'<option value="{budget.id}" selected>' in missing.text
    assert "Cost the new patrols</textarea>" in missing.text
    assert (await stored_notes(budget)).notes == "Budget discussed at length."
    assert await Decision.count() == 0

    # The decision added; the action typed but not yet added stays on the page.
    added = await secretary.post(
        editor_url(march),
        data={
            **form_of(missing.text),
            "decision_item": str(budget.id),
            "decision_text": "Keep the reserves",
            "action_description": "Cost the new patrols",
            "action": "add_decision",
        },
    )
    assert added.status_code == 200
    assert "Decision added. What you typed below has not been added yet." in added.text
    assert "Cost the new patrols</textarea>" in added.text
    assert "Keep the reserves</textarea>" not in added.text  # done, so the box is empty again
    assert await Decision.count() == 1 and await Action.count() == 0

    # "Record attendance" saves the notes, then goes to the attendance page.
    page = await secretary.get(editor_url(march))
    moved = await secretary.post(
        editor_url(march),
        data={
            **form_of(page.text),
            f"notes-{budget.id}": "Budget discussed; reserves kept.",
            "action": "attendance",
        },
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/manage/meetings/{march.id}/attendance"
    assert (await stored_notes(budget)).notes == "Budget discussed; reserves kept."


async def test_notes_save_themselves_as_they_are_typed(board, signed_in_client):
    secretary = await signed_in_client(board["secretary"])
    march, budget, patrols = board["march"], board["budget"], board["patrols"]
    page = await secretary.get(editor_url(march))
    textarea = re.search(rf'<textarea [^>]*name="notes-{budget.id}"[^>]*>', page.text).group(0)
    assert f'hx-post="{autosave_url(march, budget)}"' in textarea
    assert 'hx-trigger="keyup changed delay:2s, change"' in textarea
    assert f'id="notes-status-{budget.id}" role="status"' in page.text
    fields = form_of(page.text)

    saved = await secretary.post(
        autosave_url(march, budget),
        data={**fields, f"notes-{budget.id}": "The budget was"},
        headers=HTMX,
    )
    assert saved.status_code == 200
    assert "<html" not in saved.text
    assert re.search(
        r"Saved at \d{1,2}(:\d\d)?(am|pm)|Saved at midday|Saved at midnight", saved.text
    )
    version = f'name="notes_version-{budget.id}" value="1" hx-swap-oob="true"'
    assert version in saved.text
    stored = await stored_notes(budget)
    assert (stored.notes, stored.notes_version) == ("The budget was", 1)
    assert (await stored_notes(patrols)).notes == ""  # only the item being typed in

    # Typing on: the next save carries the version the last one answered with.
    fields.update(form_of(saved.text))
    again = await secretary.post(
        autosave_url(march, budget),
        data={**fields, f"notes-{budget.id}": "The budget was agreed."},
        headers=HTMX,
    )
    assert again.status_code == 200 and "Saved at" in again.text
    assert (await stored_notes(budget)).notes_version == 2
    fields.update(form_of(again.text))

    # Nothing new to save: no content, the status line stays as it is.
    same = await secretary.post(
        autosave_url(march, budget),
        data={**fields, f"notes-{budget.id}": "The budget was agreed."},
        headers=HTMX,
    )
    assert same.status_code == 204
    assert (await stored_notes(budget)).notes_version == 2

    # Then "Add decision" with the form as it now stands: no conflict with its own autosaves.
    added = await secretary.post(
        editor_url(march),
        data={
            **fields,
            f"notes-{budget.id}": "The budget was agreed unanimously.",
            "decision_item": str(budget.id),
            "decision_text": "Approve the budget",
            "action": "add_decision",
        },
    )
    assert added.status_code == 303
    assert (await stored_notes(budget)).notes == "The budget was agreed unanimously."

    too_long = await secretary.post(
        autosave_url(march, budget),
        data={f"notes-{budget.id}": "x" * 20_001, "_csrf": csrf_from(page.text)},
        headers=HTMX,
    )
    assert too_long.status_code == 400
    assert "Not saved: Shorten these notes to 20,000 characters." in too_long.text
    without_htmx = await secretary.post(
        autosave_url(march, budget), data={"_csrf": csrf_from(page.text)}
    )
    assert without_htmx.status_code == 303
    saves = await AuditEntry.count().where(AuditEntry.action == "minutes.notes_saved")
    assert saves == 3


async def test_a_stale_version_gets_409_with_the_typing_kept_and_nothing_overwritten(
    board, signed_in_client
):
    march, budget, patrols = board["march"], board["budget"], board["patrols"]
    secretary = await signed_in_client(board["secretary"])
    admin = await signed_in_client(board["admin"])
    mine = await secretary.get(editor_url(march))  # both open the editor
    theirs = await admin.get(editor_url(march))

    # The admin saves notes on both items first.
    saved = await admin.post(
        editor_url(march),
        data={
            **form_of(theirs.text),
            f"notes-{budget.id}": "Budget: the admin's account.",
            f"notes-{patrols.id}": "Patrols: the admin's account.",
            "action": "save",
        },
    )
    assert saved.status_code == 303

    # The secretary, on the page opened before, types on the budget and adds a decision.
    stale = await secretary.post(
        editor_url(march),
        data={
            **form_of(mine.text),
            f"notes-{budget.id}": "Budget: the secretary's account.",
            "decision_item": str(budget.id),
            "decision_text": "Approve the budget",
            "action": "add_decision",
        },
    )
    assert stale.status_code == 409
    assert (
        "Someone else saved changes to the notes on 1. Budget while you were editing" in stale.text
    )
    assert f'<a href="#notes-{budget.id}">' in stale.text  # the error summary leads to the box
    assert notes_shown(stale.text, budget) == "Budget: the secretary's account."  # kept
    assert "Their version of the notes on 1. Budget" in stale.text
    assert "Budget: the admin&#39;s account." in stale.text
    assert "Approve the budget</textarea>" in stale.text  # the decision typed, not yet added
    assert (await stored_notes(budget)).notes == "Budget: the admin's account."
    assert (await stored_notes(patrols)).notes == "Patrols: the admin's account."
    assert await Decision.count() == 0
    # The untouched item came back with the admin's newer notes, not the secretary's old ones.
    assert notes_shown(stale.text, patrols) == "Patrols: the admin's account."

    # An autosave from the old page is refused in the same way.
    refused = await secretary.post(
        autosave_url(march, budget),
        data={**form_of(mine.text), f"notes-{budget.id}": "Budget: the secretary, typing on."},
        headers=HTMX,
    )
    assert refused.status_code == 409
    assert "Not saved: someone else has saved changes to these notes" in refused.text
    assert "hx-swap-oob" not in refused.text
    assert (await stored_notes(budget)).notes == "Budget: the admin's account."

    # Merged and sent again from the conflict page: it applies, with the decision.
    merged = await secretary.post(
        editor_url(march),
        data={
            **form_of(stale.text),
            f"notes-{budget.id}": "Budget: both accounts, merged.",
            "decision_item": str(budget.id),
            "decision_text": "Approve the budget",
            "action": "add_decision",
        },
    )
    assert merged.status_code == 303
    assert (await stored_notes(budget)).notes == "Budget: both accounts, merged."
    assert (await stored_notes(patrols)).notes == "Patrols: the admin's account."
    assert await Decision.count() == 1


async def test_untouched_notes_from_an_old_page_are_no_conflict(board, signed_in_client):
    march, budget, patrols = board["march"], board["budget"], board["patrols"]
    secretary = await signed_in_client(board["secretary"])
    admin = await signed_in_client(board["admin"])
    mine = await secretary.get(editor_url(march))
    theirs = await admin.get(editor_url(march))
    await admin.post(
        editor_url(march),
        data={**form_of(theirs.text), f"notes-{patrols.id}": "Patrols: the admin's notes."},
    )

    # The secretary writes on the budget only: the patrols box, sent back as it was, is left be.
    saved = await secretary.post(
        editor_url(march),
        data={**form_of(mine.text), f"notes-{budget.id}": "Budget: agreed.", "action": "save"},
    )
    assert saved.status_code == 303
    assert (await stored_notes(budget)).notes == "Budget: agreed."
    assert (await stored_notes(patrols)).notes == "Patrols: the admin's notes."


async def test_only_those_who_record_the_meeting_may_autosave(
    board, signed_in_client, make_membership, make_user
):
    march, budget = board["march"], board["budget"]
    member = await make_membership(body=board["body"], role="member")
    client = await signed_in_client(await make_user(person=member.person))
    page = await client.get("/dashboard")
    response = await client.post(
        autosave_url(march, budget),
        data={f"notes-{budget.id}": "Not mine to write", "_csrf": csrf_from(page.text)},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert (await stored_notes(budget)).notes == ""

"""The minutes editor loses nothing, in a real browser: on the Community Safety Partnership's
meeting of 1 December 2026 (the demo's meeting with an agenda), an admin types notes on two
items and presses "Add decision" with JavaScript off, and the notes are still there; with
JavaScript on, notes typed save themselves and the item's status line says "Saved at ...".
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_admin_journey import create_admin, sign_in_and_turn_on_two_factor
from tests.browser.test_meeting_pages import find_the_meeting_in_the_calendar

PASSWORD = "harbour quill lantern orchard"
STRATEGY = re.compile(r"Knife crime and serious violence: the new strategy$")
SURVEY = re.compile(r"Safer neighbourhoods: residents' survey results$")
AOB = re.compile(r"Any other business$")
STRATEGY_NOTES = "Tom Baker presented the strategy.\nMembers asked for quarterly figures by ward."
SURVEY_NOTES = "Rezaul Hoque reported a 41% response rate."
DECISION = "Adopt the serious violence strategy, with ward figures each quarter"
SAVED_AT = re.compile(r"Saved at (\d{1,2}(:\d\d)?(am|pm)|midday|midnight)")
AOB_NOTES = "The chair thanked the outgoing inspector for five years' service."


async def signed_in_admin(live_server, make_page, email: str) -> tuple[Page, str]:
    """A new admin, signed in with two-factor on, and the meeting's path (/meetings/<id>)."""
    create_admin(live_server, email, PASSWORD, name="Mina Minutes")
    page = await make_page()
    await sign_in_and_turn_on_two_factor(page, email, PASSWORD)
    return page, await find_the_meeting_in_the_calendar(page)


async def choose_item(page: Page, select: str, title: re.Pattern) -> None:
    """Choose the agenda item whose title matches in the <select> ``select`` (its option
    text begins with the item's number, which other tests may have changed)."""
    option = page.locator(f"{select} option").filter(has_text=title)
    await page.locator(select).select_option(await option.get_attribute("value"))


async def test_notes_typed_on_two_items_survive_add_decision_without_javascript(
    live_server, make_page
):
    signed_in, path = await signed_in_admin(live_server, make_page, "minutes.nojs@example.org")
    page = await make_page(javascript_enabled=False)
    await page.context.add_cookies(await signed_in.context.cookies())

    await page.goto(f"/manage{path}/minutes")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Minutes of Community Safety Partnership board"
    )
    strategy = page.get_by_label(STRATEGY)
    survey = page.get_by_label(SURVEY)
    await strategy.fill(STRATEGY_NOTES)
    await survey.fill(SURVEY_NOTES)
    await choose_item(page, "#decision_item", STRATEGY)
    await page.get_by_label("What was decided").fill(DECISION)
    await page.get_by_role("button", name="Add decision").click()

    await expect(page).to_have_url(re.compile(rf"/manage{path}/minutes#decisions$"))
    await expect(page.get_by_text(DECISION)).to_be_visible()
    await expect(strategy).to_have_value(STRATEGY_NOTES)  # nothing typed is lost
    await expect(survey).to_have_value(SURVEY_NOTES)
    await expect(page.get_by_label("What was decided")).to_have_value("")  # added, so cleared
    await assert_accessible(page, "minutes editor after adding a decision (no JavaScript)")

    # The notes were saved, not only shown again: a fresh load has them.
    await page.goto(f"/manage{path}/minutes")
    await expect(strategy).to_have_value(STRATEGY_NOTES)
    await expect(survey).to_have_value(SURVEY_NOTES)


async def test_notes_save_themselves_as_they_are_typed(live_server, make_page):
    page, path = await signed_in_admin(live_server, make_page, "minutes.htmx@example.org")
    await page.goto(f"/manage{path}/minutes")
    await page.wait_for_load_state("load")  # htmx is a deferred script
    aob = page.get_by_label(AOB)
    item_id = (await aob.get_attribute("id")).removeprefix("notes-")
    status = page.locator(f"#notes-status-{item_id}")
    await expect(status).to_have_attribute("role", "status")  # announced, focus left alone
    await expect(status).to_have_text("")

    def autosave(response) -> bool:
        return response.url.endswith(f"/items/{item_id}/notes")

    async with page.expect_response(autosave) as answer:
        await aob.press_sequentially(AOB_NOTES, delay=20)  # saved two seconds after typing stops
    assert (await answer.value).status == 200
    assert (await answer.value).request.headers.get("hx-request") == "true"
    await expect(status).to_have_text(SAVED_AT)
    await expect(aob).to_be_focused()
    await expect(aob).to_have_value(AOB_NOTES)
    await assert_accessible(page, "minutes editor, notes saved as typed (htmx)")

    # Leaving the box saves again only if something changed since: here nothing has.
    async with page.expect_response(autosave) as again:
        await aob.blur()
    assert (await again.value).status == 204
    await expect(status).to_have_text(SAVED_AT)

    await page.reload()
    await expect(page.get_by_label(AOB)).to_have_value(AOB_NOTES)

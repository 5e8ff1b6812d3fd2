"""The meeting pages of the demo partnership, checked with axe-core in a real browser.

An admin (created on the command line, two-factor turned on at first sign-in) finds the
Community Safety Partnership's meeting of 1 December 2026 in the calendar, whose agenda
is published and has a confidential item. On the way, every page and htmx state is
checked against WCAG 2.2 A and AA: the calendar (and filtered by board), the meeting
page, the agenda builder (after a move, and with an error), attendance (after the
quorum panel is swapped), the minutes, the terms of reference and their history, the
action log, the agenda pack, and the meeting page and calendar on a small screen and
for a visitor who is not signed in. The agenda builder's "Move down" is also worked
from the keyboard alone.
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import MOBILE, assert_accessible
from tests.browser.test_admin_journey import (
    create_admin,
    expect_status_logged,
    marker,
    set_marker,
    sign_in_and_turn_on_two_factor,
)

EMAIL = "meetings.admin@example.org"
PASSWORD = "kettle saffron meadow lighthouse"
CSP_SLUG = "community-safety-partnership"
CONFIDENTIAL = "Case review: individuals at high risk"
MEETING_URL = re.compile(r"/meetings/(\d+)$")


async def find_the_meeting_in_the_calendar(page: Page) -> str:
    """The calendar for December 2026, then filtered by board with htmx: the meeting's path."""
    await page.goto("/meetings?month=2026-12")
    results = page.locator("#results")
    await expect(results.get_by_role("heading", name="December 2026")).to_be_visible()
    await assert_accessible(page, "meetings calendar, December 2026")

    await set_marker(page)
    async with page.expect_response(lambda r: f"board={CSP_SLUG}" in r.url) as answer:
        await page.get_by_label("Board or group").select_option(
            label="Community Safety Partnership"
        )
    assert (await answer.value).request.headers.get("hx-request") == "true"
    await expect(page).to_have_url(re.compile(rf"board={CSP_SLUG}"))
    await expect(results.get_by_role("heading", name="December 2026")).to_be_visible()
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#results")).to_have_count(1)
    await assert_accessible(page, "meetings calendar filtered by board (htmx swap)")

    calendar = page.locator(".govhub-calendar")
    first_december = calendar.locator("td:not(.govhub-calendar__other)").filter(
        has=page.locator(
            ".govhub-calendar__day", has_text=re.compile(r"^1\b")
        )  # "1 (today)" on the day itself
    )
    await first_december.get_by_role("link", name=re.compile(r"CSP$")).click()
    await expect(page).to_have_url(MEETING_URL)
    return MEETING_URL.search(page.url).group(0)


async def check_the_meeting_page(page: Page, context: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Community Safety Partnership board"
    )
    await expect(page.get_by_role("heading", name=re.compile(CONFIDENTIAL))).to_be_visible()
    await assert_accessible(page, context)


async def assert_no_sideways_scrolling(page: Page) -> None:
    """WCAG 1.4.10 Reflow: the page itself fits the viewport's width."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways at {viewport}px ({width}px wide)"


async def focus_by_tabbing(page: Page, target, *, limit: int = 60) -> int:
    """Press Tab from the top of the page until ``target`` has focus: how many presses."""
    await page.locator("body").focus()
    handle = await target.element_handle()
    for presses in range(1, limit + 1):
        await page.keyboard.press("Tab")
        if await handle.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"Tab did not reach {target} in {limit} presses")


async def focus_style(locator) -> dict[str, str]:
    return await locator.evaluate(
        """el => {
            const s = getComputedStyle(el);
            return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
                    outlineColor: s.outlineColor, boxShadow: s.boxShadow,
                    background: s.backgroundColor, focusVisible: el.matches(":focus-visible")};
        }"""
    )


async def move_an_item_down_with_the_keyboard(page: Page) -> None:
    """Tab to item 1's "Move down", press Enter: htmx moves it, and focus stays on the button."""
    items = page.locator("#items")
    headings = items.locator(".govhub-agenda__item h3")
    await expect(headings.nth(0)).to_have_text("1. Apologies for absence")
    await expect(headings.nth(1)).to_have_text("2. Declarations of interest")

    move_down = items.get_by_role("button", name="Move down item 1, Apologies for absence")
    await focus_by_tabbing(page, move_down)
    await expect(move_down).to_be_focused()
    style = await focus_style(move_down)
    assert style["focusVisible"], style
    visible_outline = style["outlineStyle"] != "none" and style["outlineWidth"] != "0px"
    visible_outline = visible_outline and style["outlineColor"] not in (
        "transparent",
        "rgba(0, 0, 0, 0)",
    )
    assert visible_outline or style["boxShadow"] != "none", f"no visible focus style: {style}"
    assert style["background"] == "rgb(255, 221, 0)", f"not GOV.UK's yellow focus: {style}"

    await set_marker(page)
    async with page.expect_response(lambda r: r.url.endswith("/move")) as answer:
        await page.keyboard.press("Enter")
    response = await answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    # The demo agenda is published: a move changes the order, never the numbers (it becomes
    # part of the supplementary agenda).
    await expect(headings.nth(0)).to_have_text("2. Declarations of interest")
    await expect(headings.nth(1)).to_have_text("1. Apologies for absence")
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#items")).to_have_count(1)
    # htmx gives focus back to the button with the same id in the swapped-in list.
    await expect(
        items.get_by_role("button", name="Move down item 1, Apologies for absence")
    ).to_be_focused()
    await assert_accessible(page, "agenda builder after an htmx move")

    # Put it back, so the demo agenda is as it was.
    async with page.expect_response(lambda r: r.url.endswith("/move")):
        await items.get_by_role("button", name="Move up item 1, Apologies for absence").click()
    await expect(headings.nth(0)).to_have_text("1. Apologies for absence")


async def add_an_item_without_a_title(page: Page, make_page) -> None:
    async with expect_status_logged(page, make_page, 400):
        async with page.expect_response(lambda r: r.url.endswith("/agenda/items")) as answer:
            await page.get_by_role("button", name="Add item").click()
    assert (await answer.value).status == 400
    await expect(page).to_have_title(re.compile(r"^Error: "))
    # One error summary, for the "Add an item" form, and it has the focus (GOV.UK Frontend
    # moves it there): not one in each item's papers too.
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_have_count(1)
    await expect(summary).to_be_focused()
    await expect(summary.get_by_role("link", name="Enter the item's title")).to_have_attribute(
        "href", "#title"
    )
    await expect(page.locator(".govuk-form-group--error")).to_have_count(1)
    await assert_accessible(page, "agenda builder, adding an item with no title")


async def change_attendance(page: Page, path: str) -> None:
    await page.goto(f"/manage{path}/attendance")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Attendance at Community Safety Partnership board"
    )
    quorum = page.locator("#quorum")
    await expect(quorum.get_by_text("Not quorate")).to_be_visible()
    await assert_accessible(page, "attendance")

    await set_marker(page)
    first = page.locator("#attendance fieldset").first
    async with page.expect_response(lambda r: r.url.endswith("/attendance/quorum")) as answer:
        await first.get_by_label("Present").check()
    response = await answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(quorum.get_by_role("heading", name="Quorum")).to_have_count(1)
    await assert_accessible(page, "attendance after a change (htmx quorum panel)")


async def test_the_meeting_pages_are_accessible(live_server, make_page):
    create_admin(live_server, EMAIL, PASSWORD, "Meg Meetings")
    page = await make_page()
    await sign_in_and_turn_on_two_factor(page, EMAIL, PASSWORD)

    path = await find_the_meeting_in_the_calendar(page)
    await check_the_meeting_page(page, "meeting page, as an admin")

    await page.get_by_role("link", name="Build the agenda").click()
    await expect(page).to_have_url(re.compile(rf"/manage{path}/agenda$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    await assert_accessible(page, "agenda builder")
    await move_an_item_down_with_the_keyboard(page)
    await add_an_item_without_a_title(page, make_page)

    await change_attendance(page, path)

    await page.goto(f"/manage{path}/minutes")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Minutes of Community Safety Partnership board"
    )
    await assert_accessible(page, "minutes")

    await page.goto(f"/bodies/{CSP_SLUG}/terms")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Terms of reference")
    await assert_accessible(page, "terms of reference")
    await page.get_by_role("link", name="Earlier versions and what changed").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Terms of reference: all versions"
    )
    await assert_accessible(page, "terms of reference history")

    await page.goto(f"/bodies/{CSP_SLUG}/actions")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Action log")
    await assert_accessible(page, "action log")

    await page.goto(f"{path}/pack")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Community Safety Partnership board"
    )
    await expect(page.get_by_text(CONFIDENTIAL).first).to_be_visible()
    await assert_accessible(page, "agenda pack (members')")

    await page.set_viewport_size(MOBILE)
    await page.goto(path)
    await check_the_meeting_page(page, "meeting page at 360x740")
    await assert_no_sideways_scrolling(page)
    await page.goto("/meetings?month=2026-12")
    await expect(page.get_by_role("heading", name="December 2026")).to_be_visible()
    await assert_accessible(page, "meetings calendar at 360x740")
    await assert_no_sideways_scrolling(page)  # the calendar scrolls in its own region

    visitor = await make_page()
    await visitor.goto(path)
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Community Safety Partnership board"
    )
    await expect(visitor.get_by_text(CONFIDENTIAL)).to_have_count(0)
    await assert_accessible(visitor, "meeting page, as a visitor")

"""A visitor finds their way around the public pages of the demo partnership, in a real browser.

With JavaScript, htmx swaps part of the page in place; without it, the same links
and forms are ordinary navigations that reach the same content.
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.conftest import assert_accessible

BOARDS = [
    "Health and Wellbeing Board",
    "Community Safety Partnership",
    "Children and Families Partnership",
    "Work and Skills Partnership",
    "Housing and Neighbourhoods Partnership",
    "Equality and Inclusion Board",
]
CSP_URL = "/bodies/community-safety-partnership"


async def set_marker(page: Page) -> None:
    """Mark this document: the mark survives an htmx swap but not a page load."""
    await page.wait_for_load_state("load")  # htmx is a deferred script
    await page.evaluate("window.__marker = 1")


async def marker(page: Page):
    return await page.evaluate("window.__marker")


async def open_csp_from_the_home_page(page: Page) -> None:
    await page.goto("/")
    main = page.get_by_role("main")
    await expect(main.get_by_role("link", name="Partnership Executive Group")).to_be_visible()
    for board in BOARDS:
        await expect(main.get_by_role("link", name=board, exact=True)).to_be_visible()
    await expect(main.get_by_text("6 boards report into the executive group")).to_be_visible()
    await expect(page.get_by_text("Partnership Officers Group")).to_have_count(0)  # not public
    await assert_accessible(page, "home page")

    await page.get_by_role("link", name="Boards and groups").click()
    await expect(page).to_have_url(re.compile(r"/bodies$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Boards and groups")
    await assert_accessible(page, "boards and groups tree")

    await (
        page.get_by_role("main")
        .get_by_role("link", name="Community Safety Partnership", exact=True)
        .click()
    )
    await expect(page).to_have_url(re.compile(rf"{CSP_URL}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Community Safety Partnership")
    members = page.locator("#members")
    await expect(members.get_by_role("cell", name="Tom Baker")).to_be_visible()
    await expect(members.get_by_text("Sarah O'Connor")).to_have_count(0)
    await assert_accessible(page, "a board's page")


async def test_a_visitor_finds_a_board_and_its_former_members_with_htmx(page: Page):
    await open_csp_from_the_home_page(page)
    await set_marker(page)

    async with page.expect_response(lambda r: "show=past" in r.url) as answer:
        await page.get_by_role("link", name="Show former members").click()
    response = await answer.value
    assert response.request.headers.get("hx-request") == "true"

    members = page.locator("#members")
    await expect(members.get_by_role("cell", name="Sarah O'Connor")).to_be_visible()
    await expect(members.get_by_role("cell", name="Tom Baker")).to_be_visible()
    await expect(page).to_have_url(re.compile(rf"{CSP_URL}\?show=past$"))
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#members")).to_have_count(1)  # swapped, not nested
    await expect(page.get_by_role("heading", level=1)).to_have_count(1)
    await assert_accessible(page, "a board's page with former members (htmx swap)")

    await page.get_by_role("link", name="Hide former members").click()
    await expect(members.get_by_text("Sarah O'Connor")).to_have_count(0)
    await expect(page).to_have_url(re.compile(rf"{CSP_URL}$"))
    assert await marker(page) == 1


async def test_without_javascript_former_members_are_a_plain_link(make_page):
    page = await make_page(javascript_enabled=False)
    await open_csp_from_the_home_page(page)

    await page.get_by_role("link", name="Show former members").click()
    await expect(page).to_have_url(re.compile(rf"{CSP_URL}\?show=past#members$"))
    members = page.locator("#members")
    await expect(members.get_by_role("cell", name="Sarah O'Connor")).to_be_visible()
    await expect(members.get_by_role("cell", name="Tom Baker")).to_be_visible()
    await assert_accessible(page, "a board's page with former members (no JavaScript)")


async def test_the_governance_tree_fits_a_320px_screen(make_page):
    page = await make_page(viewport={"width": 320, "height": 640})
    await page.goto("/bodies")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Boards and groups")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"/bodies scrolls sideways on a 320px screen ({width}px wide)"
    await assert_accessible(page, "boards and groups tree at 320px")


async def test_choosing_a_sector_filters_organisations_with_htmx(page: Page):
    await page.goto("/organisations")
    results = page.locator("#results")
    await expect(results).to_contain_text(re.compile(r"\d+ organisations"))
    await assert_accessible(page, "organisations")
    await set_marker(page)

    async with page.expect_response(lambda r: "sector=faith" in r.url) as answer:
        await page.get_by_label("Sector").select_option(label="Faith")
    response = await answer.value
    assert response.request.headers.get("hx-request") == "true"

    await expect(results).to_contain_text("3 organisations in this sector")
    await expect(results.get_by_role("link", name="Tower Hamlets Interfaith Forum")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/organisations\?sector=faith$"))
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#results")).to_have_count(1)
    await assert_accessible(page, "organisations filtered by sector (htmx swap)")

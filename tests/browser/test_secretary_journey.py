"""A board secretary's journey: Siobhan Brennan, the Community Safety Partnership's secretary
in the demo data, is invited, signs in, schedules an extra meeting (after a first try with a
date that does not exist, which keeps what she typed), builds its agenda (the standard items
by htmx, an item of her own, a move by htmx) and publishes it. The admin then finds the
members' emailed invitations in the outbox.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.async_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_admin_journey import (
    create_admin,
    expect_status_logged,
    marker,
    set_marker,
    sign_in_and_turn_on_two_factor,
)
from tests.browser.test_member_journey import choose_a_password_and_sign_in, invite

ADMIN_EMAIL = "secretary.journey.admin@example.org"
ADMIN_PASSWORD = "quarry violet anchor meadow"
SIOBHAN = "Siobhan Brennan"
SIOBHAN_EMAIL = "siobhan.brennan@tower-hamlets-council.example"
SIOBHAN_PASSWORD = "copper beacon thistle river"
TITLE = "Extraordinary meeting: youth violence summit"


async def test_a_secretary_schedules_a_meeting_and_publishes_its_agenda(live_server, make_page):
    create_admin(live_server, ADMIN_EMAIL, ADMIN_PASSWORD, name="Sam Admin")
    admin = await make_page()
    await sign_in_and_turn_on_two_factor(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    link = await invite(admin, SIOBHAN, SIOBHAN_EMAIL)

    page = await make_page()
    await choose_a_password_and_sign_in(page, link, SIOBHAN_EMAIL, SIOBHAN_PASSWORD)

    await page.goto("/manage/bodies/community-safety-partnership/meetings/new")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a meeting")
    await assert_accessible(page, "schedule a meeting")
    await page.get_by_label("Title").fill(TITLE)
    await page.get_by_label("Date").fill("2027-02-31")  # the browser's date field refuses it...
    await page.get_by_label("Start time").fill("25:00")  # ...but this goes through
    await page.get_by_label("Length in minutes").fill("90")
    await page.get_by_label("Venue").fill("Committee Room 1, Town Hall, 160 Whitechapel Road")
    async with expect_status_logged(page, make_page, 400):
        await page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text(re.compile("time", re.IGNORECASE))
    await expect(page.get_by_label("Title")).to_have_value(TITLE)  # nothing typed is lost
    await expect(page.get_by_label("Venue")).to_have_value(re.compile("Committee Room 1"))
    await assert_accessible(page, "schedule a meeting, with errors")

    day = dt.date.today() + dt.timedelta(weeks=3)
    await page.get_by_label("Date").fill(day.isoformat())
    await page.get_by_label("Start time").fill("18:00")
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/manage/meetings/\d+/agenda"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    await assert_accessible(page, "a new meeting's empty agenda")

    await set_marker(page)
    await page.get_by_role("button", name="Add the standard items").click()
    items = page.locator("#items .govhub-agenda__item h3")
    await expect(items.nth(0)).to_have_text("1. Apologies for absence")
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await assert_accessible(page, "agenda with the standard items (htmx swap)")

    new_item = page.locator("form[action$='/agenda/items']")
    await new_item.get_by_label("Title", exact=True).fill("Summit plan and partners' commitments")
    await new_item.get_by_label("Presenter (optional)").fill("Tom Baker, Chair")
    await new_item.get_by_role("button", name="Add item").click()
    mine = items.filter(has_text="Summit plan and partners' commitments")
    # Placed before "Any other business", which stays last.
    await expect(mine).to_have_text("5. Summit plan and partners' commitments")
    await expect(items.last).to_have_text(re.compile(r"Any other business$"))

    await set_marker(page)
    await page.get_by_role(
        "button", name="Move up item 5, Summit plan and partners' commitments"
    ).click()
    await expect(mine).to_have_text("4. Summit plan and partners' commitments")
    assert await marker(page) == 1, "the move reloaded the page instead of an htmx swap"
    await expect(
        page.get_by_role("button", name="Move up item 4, Summit plan and partners' commitments")
    ).to_be_focused()

    await page.get_by_role("button", name="Publish the agenda").click()
    await expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(page.get_by_text("Summit plan and partners' commitments")).to_be_visible()
    await assert_accessible(page, "the meeting page with its published agenda")

    # Every member was sent the invitation with the agenda (kept in the outbox: no SMTP here).
    await admin.goto("/admin/outbox")
    invitations = admin.get_by_role("row").filter(has_text="Agenda published: Community Safety")
    await expect(invitations.first).to_be_visible()
    assert await invitations.count() >= 6  # the board's current members
    await invitations.first.get_by_role("link").click()
    await expect(admin.get_by_text("REQUEST (invite.ics attached)")).to_be_visible()
    await assert_accessible(admin, "an invitation in the outbox")

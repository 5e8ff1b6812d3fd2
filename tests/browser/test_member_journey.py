"""A board member's journey: invited by an admin, Mark Turner (a member of the Community Safety
Partnership in the demo data) chooses a password, finds his board's meeting in the calendar
(filtered with htmx), downloads its agenda pack and its calendar invitation, and copies his
personal calendar feed's address from his account page, which a calendar app can then read.
"""

from __future__ import annotations

import re

import httpx
import icalendar
from playwright.async_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_admin_journey import create_admin, sign_in, sign_in_and_turn_on_two_factor
from tests.browser.test_meeting_pages import find_the_meeting_in_the_calendar

ADMIN_EMAIL = "member.journey.admin@example.org"
ADMIN_PASSWORD = "lantern orchard pebble harbour"
MARK = "Mark Turner"
MARK_EMAIL = "mark.turner@london-fire-brigade.example"
MARK_PASSWORD = "ember ladder compass willow"


async def invite(admin: Page, name: str, email: str) -> str:
    """The admin invites a demo person to sign in; the link is read from the outbox (no SMTP
    here, so the outbox is the mailbox)."""
    await admin.goto("/admin/people?q=" + name.replace(" ", "+"))
    await admin.locator("#results").get_by_role("link", name=f"Change {name}").click()
    await admin.get_by_role("button", name="Invite to sign in").click()
    await expect(admin.get_by_role("alert")).to_contain_text(f"We have emailed {email}")
    await admin.goto("/admin/outbox")
    row = (
        admin.get_by_role("row")
        .filter(has_text=email)
        .filter(has_text="You can now sign in to govhub")
    )
    await row.first.get_by_role("link", name="You can now sign in to govhub").click()
    text = await admin.locator("pre.govhub-email").inner_text()
    found = re.search(r"/password-reset/[\w-]+", text)
    assert found, f"no sign-in link in the invitation:\n{text}"
    return found.group(0)


async def choose_a_password_and_sign_in(page: Page, link: str, email: str, password: str):
    await page.goto(link)
    await page.get_by_label("New password", exact=True).fill(password)
    await page.get_by_label("Confirm new password").fill(password)
    await page.get_by_role("button", name="Save new password").click()
    await expect(page).to_have_url(re.compile(r"/sign-in\?done=password-reset$"))
    await sign_in(page, email, password)
    await expect(page).to_have_url(re.compile(r"/dashboard$"))
    await assert_accessible(page, "a member's dashboard")


async def download_the_pack_and_the_invite(mark: Page) -> None:
    meeting_path = await find_the_meeting_in_the_calendar(mark)
    await assert_accessible(mark, "the meeting page, as a member")
    pack = mark.get_by_role("link", name=re.compile(r"Download the agenda pack \(PDF\)"))
    await expect(pack).to_contain_text("including confidential items")  # he is a member
    href = await pack.get_attribute("href")
    for _ in range(120):  # the pack is built by a job: "being prepared" (202) until then
        response = await mark.request.get(href)
        if response.status != 202:
            break
        await mark.wait_for_timeout(250)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (await response.body()).startswith(b"%PDF-")

    async with mark.expect_download() as started:
        await mark.get_by_role("link", name="Add this meeting to your calendar (.ics)").click()
    download = await started.value
    assert download.suggested_filename == "community-safety-partnership-2026-12-01.ics"
    with open(await download.path(), "rb") as file:
        [event] = icalendar.Calendar.from_ical(file.read()).walk("VEVENT")
    assert str(event["URL"]).endswith(meeting_path)


async def copy_the_feed_address(mark: Page, base_url: str) -> str:
    await mark.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    await mark.goto("/account")
    await expect(mark.get_by_role("heading", name="Your calendar feed")).to_be_visible()
    await assert_accessible(mark, "account, with the calendar feed")
    await mark.get_by_role("button", name="Copy address").click()
    await expect(mark.get_by_role("status")).to_have_text("Address copied")
    copied = await mark.evaluate("navigator.clipboard.readText()")
    assert copied == await mark.get_by_label("Calendar feed address").input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/calendar/[\w-]{{43}}\.ics", copied)
    return copied


async def test_a_member_gets_the_papers_and_the_calendar(live_server, make_page) -> None:
    create_admin(live_server, ADMIN_EMAIL, ADMIN_PASSWORD, name="Morag Admin")
    admin = await make_page()
    await sign_in_and_turn_on_two_factor(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    link = await invite(admin, MARK, MARK_EMAIL)

    mark = await make_page()
    await choose_a_password_and_sign_in(mark, link, MARK_EMAIL, MARK_PASSWORD)
    await download_the_pack_and_the_invite(mark)
    feed = await copy_the_feed_address(mark, live_server.url)

    # A calendar app subscribes: no cookies, just the address.
    answer = httpx.get(feed, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    ]
    assert any("Community Safety Partnership" in s for s in summaries)
    again = httpx.get(feed, headers={"if-none-match": answer.headers["etag"]}, timeout=30)
    assert again.status_code == 304

"""The congress in a real browser: a resident registers on a 360x740 phone (with JavaScript,
without it, and with the keyboard alone), in English and in Bengali, is asked to check their
email, then changes and cancels from the manage link in that email; registering an address
again gives the same page and emails the registrant their link; an organiser watches the
numbers and works the check-in desk.

axe-core checks every page and every htmx state the journeys reach.

Every POST to the registration form counts against its limit per client (30 in 10 minutes,
and every browser test comes from 127.0.0.1): this module sends 8 and no other browser test
registers, so the suite stays far below it. Add to the count when you add a registration.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import subprocess
import sys

from playwright.async_api import Page, expect

from tests.browser.conftest import REPO_ROOT, assert_accessible
from tests.browser.test_admin_journey import (
    create_admin,
    expect_status_logged,
    sign_in_and_turn_on_two_factor,
)

_people = itertools.count(1)


def someone() -> tuple[str, str]:
    n = next(_people)
    return f"Resident Number{n}", f"resident{n}.browser@example.org"


# The server can be slow while other suites share the machine: htmx answers get longer.
SWAP = 15_000
MANAGE_LINK = r"/congress/manage/[^\s/?]+"
# What the form used to answer an address already registered (telling anyone who typed it).
ALREADY_REGISTERED_BANNER = "This email address is already registered"


async def expect_check_your_email(page: Page, context: str) -> None:
    """The answer to every registration: registered, already registered, or not. It never
    shows the manage page (nor whether the address was known)."""
    await expect(page).to_have_url(re.compile(r"/congress/[\w-]+/check-your-email$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    await assert_no_sideways_scrolling(page)
    await assert_accessible(page, context)


async def open_the_link_in_the_email(page: Page, live_server, email: str, subject: str) -> str:
    """The resident opens the manage link in the newest email to ``email``, which is about
    ``subject``; returns the link."""
    mail = live_server.newest_email_to(email)
    assert mail.subject.startswith(subject), mail.subject
    link = mail.link(MANAGE_LINK)
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    return link


async def assert_no_sideways_scrolling(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


async def open_the_congress(page: Page) -> str:
    await page.goto("/congress")
    await assert_accessible(page, "the congress list")
    await page.get_by_role("main").get_by_role("link", name=re.compile("Congress 20")).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Congress 20")
    await assert_no_sideways_scrolling(page)
    await assert_accessible(page, "the congress page and its registration form")
    return page.url


async def test_a_resident_registers_on_a_phone_with_inline_checks(live_server, make_page):
    page = await make_page(viewport="mobile")
    await open_the_congress(page)
    name, email = someone()
    await page.get_by_label("Full name").fill(name)
    email_box = page.get_by_label("Email address")
    await email_box.fill("not an email")
    await email_box.blur()
    # htmx checks the field as the resident leaves it, and keeps what was typed.
    await expect(page.locator("#email-error")).to_contain_text("correct format", timeout=SWAP)
    await expect(page.get_by_label("Email address")).to_have_value("not an email")
    await assert_accessible(page, "registration form, email checked inline")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Email address").blur()
    await expect(page.locator("#email-error")).to_have_count(0, timeout=SWAP)

    await page.get_by_label("As a resident").check()
    workshops = page.get_by_role("group", name="Sessions and workshops")
    await workshops.get_by_label("Workshop 1: Homes and neighbourhoods").check()
    await workshops.get_by_label("Workshop 2: Mental health and wellbeing").check()
    await expect(page.locator("#sessions-error")).to_contain_text(
        "are at the same time", timeout=SWAP
    )
    await assert_accessible(page, "registration form, two sessions at the same time")
    await workshops.get_by_label("Workshop 2: Mental health and wellbeing").uncheck()
    await expect(page.locator("#sessions-error")).to_have_count(0, timeout=SWAP)
    await workshops.get_by_label("Workshop 4: Children and young people").check()

    await page.get_by_label("British Sign Language (BSL) interpreter").check()
    await page.get_by_label("Another language").check()
    await page.get_by_label("Which language?").fill("Tigrinya")  # revealed by the box
    await page.get_by_label("Halal").check()
    await page.get_by_label("I have read how my information will be used").check()
    await assert_no_sideways_scrolling(page)
    await page.get_by_role("button", name="Register").click()
    await expect_check_your_email(page, "registration sent: check your email")

    # From the manage link in the confirmation email: change sessions, then cancel.
    await open_the_link_in_the_email(page, live_server, email, "You have a place at")
    await expect(page.get_by_text(email, exact=True)).to_be_visible()
    await expect(page.get_by_text("British Sign Language (BSL) interpreter")).to_be_visible()
    await expect(page.get_by_label("Workshop 4: Children and young people")).to_be_checked()
    await assert_no_sideways_scrolling(page)
    await assert_accessible(page, "the manage page, from the confirmation email")
    await page.get_by_label("Workshop 4: Children and young people").uncheck()
    await page.get_by_label("Workshop 5: A fair, inclusive and anti-racist borough").check()
    await page.get_by_role("button", name="Save my sessions").click()
    await expect(page.get_by_text("Your sessions have been changed")).to_be_visible()
    await assert_accessible(page, "manage page, sessions changed")
    await page.get_by_role("link", name="Cancel my registration").click()
    await assert_accessible(page, "cancel confirmation")
    await page.get_by_role("button", name="Yes, cancel my registration").click()
    await expect(page.get_by_text("Your registration has been cancelled")).to_be_visible()
    await expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    await assert_accessible(page, "manage page, cancelled")


async def test_the_whole_form_works_without_javascript(live_server, make_page):
    page = await make_page(viewport="mobile", javascript_enabled=False)
    await open_the_congress(page)
    name, email = someone()
    await page.get_by_label("Full name").fill(name)
    await page.get_by_label("Email address").fill(email)
    # No consent, a bad postcode: the server answers with the error summary.
    await page.get_by_label("Postcode (optional)").fill("XYZ")
    await page.get_by_label("Large print").check()
    async with expect_status_logged(page, make_page, 400):
        await page.get_by_role("button", name="Register").click()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text("There is a problem")
    await expect(
        summary.get_by_role("link", name=re.compile("Select how you are coming"))
    ).to_be_visible()
    await expect(summary.get_by_role("link", name=re.compile("Tick the box"))).to_be_visible()
    await expect(page.get_by_label("Full name")).to_have_value(name)
    await expect(page.get_by_label("Postcode (optional)")).to_have_value("XYZ")
    await expect(page.get_by_label("Large print")).to_be_checked()
    await assert_accessible(page, "registration form with errors, no JavaScript")

    # Without JavaScript the "which organisation" question is simply shown.
    await page.get_by_label("For a partner organisation").check()
    await page.get_by_label("Your organisation").select_option(
        label="Tower Hamlets Council for Voluntary Service"
    )
    await page.get_by_label("Postcode (optional)").fill("e14ns")
    await page.get_by_label("I have read how my information will be used").check()
    await page.get_by_role("button", name="Register").click()
    await expect_check_your_email(page, "registration sent, no JavaScript")
    mail = live_server.newest_email_to(email)
    assert mail.subject.startswith("You have a place at"), mail.subject
    link = mail.link(MANAGE_LINK)

    # The same email again: the same page, and still one registration. (Whether a second
    # email goes out depends on the five-minute window for mail to one address, so this
    # looks at the link: each registration has its own, so a second registration would
    # have sent a different one.)
    await open_the_congress(page)
    await page.get_by_label("Full name").fill(name)
    await page.get_by_label("Email address").fill(email.upper())
    await page.get_by_label("As a resident").check()
    await page.get_by_label("I have read how my information will be used").check()
    await page.get_by_role("button", name="Register").click()
    await expect_check_your_email(page, "the same address again, no JavaScript")
    await expect(page.get_by_text(ALREADY_REGISTERED_BANNER)).to_have_count(0)
    assert live_server.newest_email_to(email).link(MANAGE_LINK) == link
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    await expect(page.get_by_text(name, exact=True)).to_be_visible()
    await assert_accessible(page, "the manage page, no JavaScript")


def register_earlier(live_server, edition_slug: str, name: str, email: str) -> None:
    """A registration made before this test (not through the form, so no email to the address
    counts in the current window): straight in the live server's database."""
    code = (
        "from govhub import queue\n"
        "from govhub.cli import _run\n"
        "from govhub.congress import editions, registrations\n"
        "from govhub.congress.forms import RegistrationForm\n"
        "from govhub.worker import WorkerSettings\n"
        "async def work():\n"
        "    queue.set_queue(queue.InlineJobs(WorkerSettings))\n"
        f"    edition = await editions.edition_by_slug({edition_slug!r})\n"
        "    await registrations.register(edition, RegistrationForm(\n"
        f"        name={name!r}, email={email!r}, phone='', attending_as='resident',\n"
        "        organisation_id=None, organisation_name='', attending_other='',\n"
        "        postcode='', sessions=[], needs=[], interpreting_other='',\n"
        "        access_details='', newsletter=False))\n"
        "_run(work)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=live_server.env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"could not register {email}:\n{result.stderr}"


async def test_registering_an_address_again_emails_its_registrant_their_link(
    live_server, make_page
):
    page = await make_page(viewport="mobile")
    url = await open_the_congress(page)
    name, email = someone()
    register_earlier(live_server, url.rstrip("/").rsplit("/", 1)[-1], name, email)

    # Someone (perhaps the resident, who forgot) registers the address again.
    await page.get_by_label("Full name").fill("Somebody Else")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("As a resident").check()
    await page.get_by_label("I have read how my information will be used").check()
    await page.get_by_role("button", name="Register").click()
    await expect_check_your_email(page, "an address already registered: check your email")
    await expect(page.get_by_text(ALREADY_REGISTERED_BANNER)).to_have_count(0)

    # The registrant, not whoever typed the address, is sent their link.
    mail = live_server.newest_email_to(email)
    assert f"Dear {name}," in mail.text
    await open_the_link_in_the_email(page, live_server, email, "You are already registered for")
    await expect(page.get_by_text(name, exact=True)).to_be_visible()
    await expect(page.get_by_text("Somebody Else")).to_have_count(0)
    await assert_accessible(page, "the manage page, from the already-registered email")


async def focus_is_visible(locator) -> bool:
    return await locator.evaluate(
        """el => {
            const shows = s => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
                || s.boxShadow !== "none";
            if (el !== document.activeElement) return false;
            // GOV.UK's checkboxes and radios hide the input and draw its focus ring on the
            // label's box (::before): that is what a keyboard user sees.
            const label = el.matches(".govuk-checkboxes__input, .govuk-radios__input")
                ? el.nextElementSibling : null;
            if (label && shows(getComputedStyle(label, "::before"))) return true;
            return shows(getComputedStyle(el));
        }"""
    )


async def htmx_quiet(page: Page) -> None:
    """Wait (up to 15 s) until no htmx request, swap or settle is under way. (A polled
    evaluate: the page's CSP forbids the string evaluation wait_for_function uses.)"""
    busy = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    for _ in range(300):
        if not await page.evaluate(busy):
            return
        await asyncio.sleep(0.05)


async def tab_to(page: Page, target, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has focus, checking every stop on the way shows it."""
    handle = await target.element_handle()
    for _ in range(limit):
        # A field's check may still be answering (its group is swapped in, focus kept by id):
        # a keyboard user's next Tab lands after it, so wait for htmx to be quiet.
        await htmx_quiet(page)
        await page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert await focus_is_visible(focused), (
            f"no visible focus on {await focused.evaluate('e => e.outerHTML.slice(0, 120)')}"
        )
        if await handle.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab did not reach {target}")


async def test_a_resident_registers_with_the_keyboard_alone(live_server, make_page):
    page = await make_page(viewport="mobile")
    await open_the_congress(page)
    await page.locator("body").focus()
    name, email = someone()
    await tab_to(page, page.get_by_label("Full name"))
    await page.keyboard.type(name)
    await tab_to(page, page.get_by_label("Email address"))
    await page.keyboard.type(email)
    await tab_to(page, page.get_by_label("As a resident"))
    await page.keyboard.press("Space")
    await expect(page.get_by_label("As a resident")).to_be_checked()
    await tab_to(page, page.get_by_label("Workshop 3: Work, skills and the cost of living"))
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_label("Step-free access (no stairs)"))
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_label("I have read how my information will be used"))
    await page.keyboard.press("Space")
    await assert_accessible(page, "registration form filled in with the keyboard")
    await tab_to(page, page.get_by_role("button", name="Register"))
    await page.keyboard.press("Enter")
    await expect_check_your_email(page, "registration sent with the keyboard")
    await open_the_link_in_the_email(page, live_server, email, "You have a place at")
    await expect(page.get_by_text("Step-free access (no stairs)")).to_be_visible()


async def test_the_registration_page_in_bengali(live_server, make_page):
    page = await make_page(viewport="mobile")
    url = await open_the_congress(page)
    await (
        page.get_by_role("navigation", name="Choose a language")
        .get_by_role("link", name="বাংলা")
        .click()
    )
    await expect(page).to_have_url(url)
    await expect(page.locator("html")).to_have_attribute("lang", "bn")
    await expect(page.get_by_role("heading", name="অনুষ্ঠানসূচি")).to_be_visible()  # Programme
    await expect(page.get_by_role("button", name="নিবন্ধন করুন")).to_be_visible()  # Register
    font = await page.locator("main p").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith('"Noto Sans Bengali"'), font
    await assert_no_sideways_scrolling(page)
    await assert_accessible(page, "the congress page in Bengali")

    name, email = someone()
    await page.get_by_label("পুরো নাম").fill(name)
    await page.get_by_label("ইমেইল ঠিকানা").fill(email)
    await page.get_by_label("একজন বাসিন্দা হিসেবে").check()
    await page.get_by_label("বাংলা", exact=True).check()  # Bengali interpreting
    await page.get_by_label("আমার তথ্য কীভাবে ব্যবহার করা হবে তা আমি পড়েছি").check()
    await page.get_by_role("button", name="নিবন্ধন করুন").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("আপনার ইমেইল দেখুন")
    await assert_no_sideways_scrolling(page)
    await assert_accessible(page, "registration sent: check your email, in Bengali")
    # The email is in the language the resident registered in.
    mail = live_server.newest_email_to(email)
    assert "আপনার আসন নিশ্চিত হয়েছে" in mail.subject, mail.subject  # You have a place
    assert mail.link(MANAGE_LINK)
    # Back to English with the switcher.
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


async def test_an_organiser_watches_the_numbers_and_checks_people_in(live_server, make_page):
    email, password = "organiser@example.org", "tulip harbour copper meadow"
    create_admin(live_server, email=email, password=password, name="Olu Organiser")
    resident = await make_page(viewport="mobile")
    await open_the_congress(resident)
    name, address = someone()
    await resident.get_by_label("Full name").fill(name)
    await resident.get_by_label("Email address").fill(address)
    await resident.get_by_label("As a resident").check()
    await resident.get_by_label("Bengali", exact=True).check()
    await resident.get_by_label("I have read how my information will be used").check()
    await resident.get_by_role("button", name="Register").click()
    await expect(resident.get_by_role("heading", level=1)).to_have_text("Check your email")

    page = await make_page()
    await sign_in_and_turn_on_two_factor(page, email, password)
    await page.goto("/congress/organise")
    await assert_accessible(page, "congresses to organise")
    await page.get_by_role("link", name=re.compile("^Dashboard")).click()
    await expect(page.locator("#needs-summary")).to_contain_text("need Bengali interpreting")
    await assert_accessible(page, "the organiser's dashboard")
    # The counts are polled by htmx: wait for one refresh and check the page again.
    async with page.expect_response(
        lambda r: "/congress/organise/" in r.url and r.request.headers.get("hx-request") == "true",
        timeout=15_000,
    ):
        pass
    await assert_accessible(page, "the organiser's dashboard after a live refresh")

    await page.get_by_role("link", name="Check-in desk").click()
    await assert_accessible(page, "the check-in desk")
    await page.get_by_label("Find a person by name or reference").fill(name)
    await expect(page.locator("#results tbody tr")).to_have_count(1, timeout=SWAP)
    await assert_accessible(page, "the check-in desk, searched")
    await page.get_by_role("button", name=re.compile(rf"^Mark arrived\s+for {name}$")).click()
    await expect(page.locator("#results .govuk-tag", has_text="Arrived")).to_be_visible(
        timeout=SWAP
    )
    await assert_accessible(page, "the check-in desk, marked arrived")
    await page.get_by_label("Name", exact=True).fill("Walk In Visitor")
    await page.get_by_role("button", name="Add and mark arrived").click()
    await expect(page.get_by_text("added as a walk-in and marked arrived")).to_be_visible()
    await assert_accessible(page, "the check-in desk, walk-in added")

"""An admin adds a board, a person and a membership; a secretary of A is refused on B.

One journey in a real browser, each step building on the last: the admin is created
on the command line, turns on two-factor at first sign-in, adds the Digital
Inclusion Board, records Nadia Rahman and seats her on it as secretary (and
changes another member's role in place with htmx), then invites her to sign in.
In a browser of her own, Nadia follows the emailed link from the outbox, chooses
a password and manages her board; another board's members page, and the admin
pages, are "Page not found" to her, exactly like a board that does not exist.
"""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import asynccontextmanager

import pyotp
from playwright.async_api import Page, expect

from tests.browser.conftest import REPO_ROOT, assert_accessible

ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "correct horse battery staple"
NADIA_EMAIL = "nadia.rahman@example.org"
NADIA_PASSWORD = "plum orchard lantern violet"
BOARD = "Digital Inclusion Board"
BOARD_SLUG = "digital-inclusion-board"
MANAGE_URL = f"/manage/bodies/{BOARD_SLUG}"
PURPOSE = "Gets every resident online: devices, data and the skills to use them."
THCVS = "Tower Hamlets Council for Voluntary Service"
CALL_TO_ACTION = "1. A fair, inclusive and anti-racist borough"


async def set_marker(page: Page) -> None:
    """Mark this document: the mark survives an htmx swap but not a page load."""
    await page.wait_for_load_state("load")  # htmx is a deferred script
    await page.evaluate("window.__marker = 1")


async def marker(page: Page):
    return await page.evaluate("window.__marker")


@asynccontextmanager
async def expect_status_logged(page: Page, make_page, status: int):
    """A page meant to answer ``status``: Chromium logs "Failed to load resource: the server
    responded with a status of <status>" as a console error. Wait for it, then forget it."""
    logged = f"status of {status}"
    async with page.expect_console_message(lambda m: logged in m.text):
        yield
    make_page.errors[:] = [
        e for e in make_page.errors if not ("Failed to load resource" in e and logged in e)
    ]


async def expect_not_found(page: Page, make_page, url: str) -> str:
    """Visit ``url``: a 404 "Page not found". Returns the main text to compare pages by."""
    async with expect_status_logged(page, make_page, 404):
        response = await page.goto(url)
    assert response is not None and response.status == 404, f"{url}: {response and response.status}"
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    await assert_accessible(page, f"the 404 page for {url}")
    return await page.get_by_role("main").inner_text()


def create_admin(
    live_server, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, name: str = "Ada Admin"
) -> None:
    """`govhub createadmin --password-stdin` (LiveServer.govhub cannot pass standard input)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "govhub.cli",
            "createadmin",
            "--email",
            email,
            "--name",
            name,
            "--password-stdin",
        ],
        input=password + "\n",
        env=live_server.env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"createadmin failed:\n{result.stdout}\n{result.stderr}"
    assert f"{email} is an admin" in result.stdout


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.goto("/sign-in")
    await assert_accessible(page, "sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


def nav(page: Page):
    return page.get_by_role("navigation", name="Menu")


async def sign_in_and_turn_on_two_factor(
    page: Page, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD
) -> None:
    await sign_in(page, email, password)
    await expect(page).to_have_url(re.compile(r"/account/two-factor\?required=1$"))
    await expect(page.get_by_text("Partnership admins must use two-factor")).to_be_visible()
    await expect(nav(page).get_by_role("link", name="Admin")).to_have_count(0)  # not yet
    await assert_accessible(page, "two-factor setup")

    key = (await page.locator("code.govhub-code").inner_text()).strip()
    await page.get_by_label("Security code").fill(pyotp.TOTP(key).now())
    await page.get_by_role("button", name="Turn on two-factor authentication").click()
    await expect(page).to_have_url(re.compile(r"/account\?done=two-factor-on$"))
    await expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    await expect(nav(page).get_by_role("link", name="Admin")).to_be_visible()
    await assert_accessible(page, "account, two-factor just turned on")


async def add_the_board(page: Page, make_page) -> None:
    await nav(page).get_by_role("link", name="Admin").click()
    await assert_accessible(page, "admin home")
    # "Boards and groups" is also the public list's name in the menu: the one in the page.
    await page.get_by_role("main").get_by_role("link", name="Boards and groups").click()
    await assert_accessible(page, "admin boards and groups")
    await page.get_by_role("link", name="Add a board or group").click()
    await expect(page).to_have_url(re.compile(r"/admin/bodies/new$"))
    await expect(page.get_by_label("Public: anyone can see this body")).to_be_checked()
    await assert_accessible(page, "new body form")

    # First without a name: the form comes back with the problem and what was typed.
    await page.get_by_label("Kind of body").select_option(label="Thematic board")
    await page.get_by_label("Reports into").select_option(label="Partnership Executive Group")
    await page.get_by_label("Purpose").fill(PURPOSE)
    await page.get_by_label(CALL_TO_ACTION).check()
    async with expect_status_logged(page, make_page, 400):
        async with page.expect_response(lambda r: r.url.endswith("/admin/bodies/new")) as answer:
            await page.get_by_role("button", name="Save").click()
    assert (await answer.value).status == 400

    await expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    await expect(summary.get_by_role("link", name="Enter the body's name")).to_have_attribute(
        "href", "#name"
    )
    name = page.get_by_label("Name", exact=True)
    await expect(name).to_have_attribute("aria-describedby", "name-error")
    await expect(page.locator("#name-error")).to_contain_text("Enter the body's name")
    await expect(page.locator(".govuk-form-group--error")).to_have_count(1)
    await expect(page.get_by_label("Purpose")).to_have_value(PURPOSE)
    await expect(page.get_by_label("Kind of body")).to_have_value("thematic_board")
    await expect(page.get_by_label("Reports into").locator("option:checked")).to_have_text(
        "Partnership Executive Group"
    )
    await expect(page.get_by_label(CALL_TO_ACTION)).to_be_checked()
    await expect(page.get_by_label("Public: anyone can see this body")).to_be_checked()
    await assert_accessible(page, "new body form with an error")
    await summary.get_by_role("link", name="Enter the body's name").click()
    await expect(name).to_be_focused()  # GOV.UK Frontend's error summary moves focus

    await name.fill(BOARD)
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(rf"{MANAGE_URL}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Members of {BOARD}")
    await expect(page.get_by_text("Nobody sits on this body at present.")).to_be_visible()
    await assert_accessible(page, "memberships of a new body")


async def add_nadia(page: Page) -> None:
    await page.goto("/admin/people/new")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    await assert_accessible(page, "new person form")
    await page.get_by_label("Full name").fill("Nadia Rahman")
    await page.get_by_label("Email address").fill(NADIA_EMAIL)
    await page.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/admin/people$"))
    await expect(
        page.locator("#results").get_by_role("cell", name="Nadia Rahman", exact=True)
    ).to_be_visible()


async def add_member(page: Page, email: str, organisation: str, role: str | None, name=None):
    form = page.locator(f"form[action='{MANAGE_URL}/memberships']")
    await form.get_by_label("Email address").fill(email)
    if name:
        await form.get_by_label("Full name (for someone new)").fill(name)
    await form.get_by_label("Organisation they represent").select_option(label=organisation)
    if role:
        # Not get_by_label("Role"): it also finds each member's own "Role for <name>" list.
        await form.locator("select[name=role]").select_option(label=role)
    await expect(form.get_by_label("Start date")).to_have_value(re.compile(r"^\d{4}-\d\d-\d\d$"))
    await form.get_by_role("button", name="Add member").click()
    await expect(page).to_have_url(re.compile(rf"{MANAGE_URL}$"))


async def seat_nadia_and_change_a_role_with_htmx(page: Page) -> None:
    await page.goto(MANAGE_URL)
    current = page.locator("#current")
    await expect(current.get_by_role("heading", name="Current and future members")).to_be_visible()

    await add_member(page, NADIA_EMAIL, THCVS, "Secretary")
    await expect(
        current.get_by_role("heading", name=f"Nadia Rahman: Secretary, {THCVS}")
    ).to_be_visible()

    # Someone not yet recorded, as a plain member (the form's default role).
    await add_member(
        page, "omar.siddiqui@example.org", "Healthwatch Tower Hamlets", None, name="Omar Siddiqui"
    )
    omar = current.locator(".govhub-membership", has_text="Omar Siddiqui")
    await expect(omar.get_by_role("heading")).to_have_text(
        "Omar Siddiqui: Member, Healthwatch Tower Hamlets"
    )

    # Change Omar's role in his own row: htmx swaps the section, the page stays.
    await set_marker(page)
    await omar.locator("select[name=role]").select_option(label="Vice-chair")
    async with page.expect_response(lambda r: r.url.endswith("/role")) as answer:
        await omar.get_by_role("button", name="Change role").click()
    response = await answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    await expect(
        current.get_by_role("heading", name="Omar Siddiqui: Vice-chair, Healthwatch Tower Hamlets")
    ).to_be_visible()
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#current")).to_have_count(1)  # swapped, not nested
    await expect(page.get_by_role("heading", level=1)).to_have_count(1)
    await expect(page).to_have_url(re.compile(rf"{MANAGE_URL}$"))
    # The button keeps the focus: htmx finds its id again in the swapped-in section.
    await expect(omar.get_by_role("button", name="Change role")).to_be_focused()
    await assert_accessible(page, "memberships after an htmx role change")
    # Vice-chair ranks above secretary: the swapped list is in order.
    await expect(current.locator(".govhub-membership h3")).to_have_text(
        [
            "Omar Siddiqui: Vice-chair, Healthwatch Tower Hamlets",
            f"Nadia Rahman: Secretary, {THCVS}",
        ]
    )
    # The swapped-in forms still work (fresh CSRF token, htmx attributes processed).
    await set_marker(page)
    omar = current.locator(".govhub-membership", has_text="Omar Siddiqui")
    await omar.locator("select[name=role]").select_option(label="Member")
    async with page.expect_response(lambda r: r.url.endswith("/role")) as answer:
        await omar.get_by_role("button", name="Change role").click()
    assert (await answer.value).status == 200
    await expect(
        current.get_by_role("heading", name="Omar Siddiqui: Member, Healthwatch Tower Hamlets")
    ).to_be_visible()
    assert await marker(page) == 1

    # The public page lists them.
    await page.get_by_role("link", name="See the public page").click()
    await expect(page).to_have_url(re.compile(rf"/bodies/{BOARD_SLUG}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(BOARD)
    members = page.locator("#members")
    nadia_row = members.get_by_role("row").filter(has_text="Nadia Rahman")
    await expect(nadia_row.get_by_role("cell", name="Secretary")).to_be_visible()
    await expect(members.get_by_role("cell", name="Omar Siddiqui", exact=True)).to_be_visible()
    await expect(members.get_by_role("link", name=THCVS)).to_be_visible()
    await assert_accessible(page, "the new board's public page")


async def invite_nadia_and_read_her_link(page: Page) -> str:
    await page.goto("/admin/people")
    results = page.locator("#results")
    await expect(results).to_contain_text(re.compile(r"\d+ people"))
    await assert_accessible(page, "people")
    await set_marker(page)

    async with page.expect_response(lambda r: "q=Nadia" in r.url) as answer:
        await page.get_by_label("Search by name or email").fill("Nadia")
    response = await answer.value
    assert response.request.headers.get("hx-request") == "true"
    await expect(results).to_contain_text("1 person")
    await expect(results.get_by_role("cell", name="Nadia Rahman", exact=True)).to_be_visible()
    await expect(results.get_by_role("cell", name="Omar Siddiqui", exact=True)).to_have_count(0)
    await expect(page).to_have_url(re.compile(r"/admin/people\?q=Nadia$"))
    assert await marker(page) == 1, "the page was reloaded instead of swapped by htmx"
    await expect(page.locator("#results")).to_have_count(1)
    await assert_accessible(page, "people, searched (htmx swap)")

    await results.get_by_role("link", name="Change Nadia Rahman").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Change Nadia Rahman")
    await expect(page.get_by_text("Nadia Rahman cannot sign in yet.")).to_be_visible()
    await assert_accessible(page, "change a person")
    await page.get_by_role("button", name="Invite to sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        f"We have emailed {NADIA_EMAIL} a link to choose a password"
    )
    await expect(page.get_by_text("has been invited but has not chosen a password")).to_be_visible()
    await expect(page.get_by_role("button", name="Send a new sign-in link")).to_be_visible()
    await assert_accessible(page, "change a person, just invited")

    await page.goto("/admin/outbox")
    newest = page.get_by_role("row").nth(1)  # newest first, under the header row
    await expect(newest).to_contain_text(NADIA_EMAIL)
    await assert_accessible(page, "outbox")
    await newest.get_by_role("link", name="You can now sign in to govhub").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("You can now sign in to govhub")
    await assert_accessible(page, "an email in the outbox")
    text = await page.locator("pre.govhub-email").inner_text()
    assert "Dear Nadia Rahman" in text
    found = re.search(r"(https?://\S+)?(/password-reset/[\w-]+)", text)
    assert found, f"no sign-in link in the invitation:\n{text}"
    return found.group(2)


async def visit_the_password_reset_pages(page: Page) -> None:
    """The "forgot your password" form and its answer (for an address with no account)."""
    await page.goto("/password-reset")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    await assert_accessible(page, "password reset request")
    await page.get_by_label("Email address").fill("nobody@example.org")
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    await assert_accessible(page, "password reset link sent")


def hide_the_board(live_server) -> None:
    """Make the board private again, straight in the database, when the journey failed.

    The live server and its database last the whole session: a seventh public board
    under the executive group would change what the public-page tests count.
    """
    code = (
        "from govhub.cli import _run\n"
        "from govhub.governance.tables import Body\n"
        "_run(lambda: Body.update({Body.is_public: False})"
        f".where(Body.slug == {BOARD_SLUG!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=live_server.env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"could not hide the board:\n{result.stderr}"


async def make_the_board_private(admin: Page, nadia: Page, make_page) -> None:
    """The admin unticks Public: the board disappears for visitors but not for its members."""
    await admin.goto("/admin/bodies")
    await admin.get_by_role("link", name=f"Change {BOARD}").click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text(f"Change {BOARD}")
    await expect(admin.get_by_label("Purpose")).to_have_value(PURPOSE)
    await expect(admin.get_by_label(CALL_TO_ACTION)).to_be_checked()
    await expect(admin.get_by_label("Reports into").locator("option:checked")).to_have_text(
        "Partnership Executive Group"
    )
    await assert_accessible(admin, "change a body")
    await admin.get_by_label("Public: anyone can see this body").uncheck()
    await admin.get_by_role("button", name="Save").click()
    await expect(admin).to_have_url(re.compile(rf"{MANAGE_URL}$"))

    visitor = await make_page()
    await expect_not_found(visitor, make_page, f"/bodies/{BOARD_SLUG}")
    await visitor.goto("/")
    await expect(visitor.get_by_text("6 boards report into the executive group")).to_be_visible()

    response = await nadia.goto(f"/bodies/{BOARD_SLUG}")
    assert response is not None and response.status == 200
    await expect(nadia.locator("#members").get_by_role("cell", name="Nadia Rahman")).to_be_visible()


async def test_an_admin_sets_up_a_board_and_its_secretary_manages_only_that_board(
    live_server, make_page
):
    try:
        await journey(live_server, make_page)  # which ends with the board private again
    except BaseException:
        hide_the_board(live_server)
        raise


async def journey(live_server, make_page) -> None:
    create_admin(live_server)
    admin = await make_page()
    await sign_in_and_turn_on_two_factor(admin)
    await add_the_board(admin, make_page)
    await add_nadia(admin)
    await seat_nadia_and_change_a_role_with_htmx(admin)
    link = await invite_nadia_and_read_her_link(admin)

    # Nadia, in a browser of her own.
    nadia = await make_page()
    await visit_the_password_reset_pages(nadia)
    await nadia.goto(link)
    await expect(nadia.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    await assert_accessible(nadia, "choose a new password")
    await nadia.get_by_label("New password", exact=True).fill(NADIA_PASSWORD)
    await nadia.get_by_label("Confirm new password").fill(NADIA_PASSWORD)
    await nadia.get_by_role("button", name="Save new password").click()
    await expect(nadia).to_have_url(re.compile(r"/sign-in\?done=password-reset$"))
    await assert_accessible(nadia, "sign-in after a password reset")

    await sign_in(nadia, NADIA_EMAIL, NADIA_PASSWORD)
    await expect(nadia).to_have_url(re.compile(r"/dashboard$"))
    await expect(nadia.get_by_role("heading", level=1)).to_have_text("Your boards")
    await expect(nadia.get_by_role("heading", name="Boards you are secretary of")).to_be_visible()
    running = nadia.get_by_role("main").get_by_role("list").first
    await expect(running.get_by_role("link", name=BOARD, exact=True)).to_be_visible()
    await expect(running.get_by_role("link", name=f"manage members of {BOARD}")).to_be_visible()
    await expect(nav(nadia).get_by_role("link", name="Admin")).to_have_count(0)
    await assert_accessible(nadia, "a secretary's dashboard")

    await running.get_by_role("link", name=f"manage members of {BOARD}").click()
    await expect(nadia).to_have_url(re.compile(rf"{MANAGE_URL}$"))
    response = await nadia.goto(MANAGE_URL)
    assert response is not None and response.status == 200
    await expect(nadia.get_by_role("heading", level=1)).to_have_text(f"Members of {BOARD}")
    await expect(nadia.locator("#current")).to_contain_text("Nadia Rahman: Secretary")
    await assert_accessible(nadia, "memberships, as the board's secretary")

    # Board B: exactly what a board that does not exist looks like.
    other_board = await expect_not_found(
        nadia, make_page, "/manage/bodies/community-safety-partnership"
    )
    no_board = await expect_not_found(nadia, make_page, "/manage/bodies/no-such-board")
    assert other_board == no_board
    assert "Tom Baker" not in other_board
    await expect_not_found(nadia, make_page, "/admin")
    await expect_not_found(nadia, make_page, "/admin/people")

    # The invitation link worked once: now it says so, and offers a new one.
    async with expect_status_logged(nadia, make_page, 410):
        used = await nadia.goto(link)
    assert used is not None and used.status == 410
    await expect(nadia.get_by_role("main")).to_contain_text("new link")

    await make_the_board_private(admin, nadia, make_page)

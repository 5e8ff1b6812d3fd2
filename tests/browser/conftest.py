"""Real-browser tests: the system Chromium, driven by Playwright, against a live govhub.

``live_server`` runs ``govhub serve`` in a subprocess on its own SQLite database
(migrated and loaded with the demo partnership); it has no SMTP, so its outbox is the
mailbox: ``live_server.newest_email_to(address)`` reads the latest email to an address
(signed-in journeys read it on /admin/outbox instead). ``browser`` is one headless
Chromium for the whole session, and ``make_page`` opens a fresh context and page
per call. Every page's console errors and uncaught exceptions fail the test at
teardown, and a screenshot of each page lands in ``test-artifacts/screenshots/``.
``await assert_accessible(page, "what this is")`` runs axe-core's WCAG 2.2 A and AA
rules on the page as it stands, and fails the test on any violation.

We use Playwright's async API, on pytest-asyncio's session loop like the rest of
the suite. (The sync API does not mix with it: once a sync browser is open, the
next async fixture fails with "Runner.run() cannot be called from a running
event loop".)

Chromium is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it when it is
missing). Never ``playwright install``: no browser is downloaded. Without
Chromium these tests skip, or fail when ``CI=true``.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 740}
VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a `browser` test and needs no in-process database."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_db)


# The live server.


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    env: dict[str, str]  # the server's environment: run other `govhub` commands with it
    var_dir: Path
    log: Path  # the server's stdout and stderr

    def govhub(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a `govhub` command against the live server's database."""
        return _govhub(self.env, *args, check=check)

    def newest_email_to(self, address: str) -> Email:
        """The latest email the server wrote to its outbox for ``address`` (any case)."""
        database = self.env["GOVHUB_DATABASE_URL"].removeprefix("sqlite:///")
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
            row = db.execute(
                "SELECT subject, text_body FROM outbox_message WHERE lower(to_address) = ?"
                " ORDER BY id DESC LIMIT 1",
                (address.lower(),),
            ).fetchone()
        assert row is not None, f"no email to {address} in the live server's outbox"
        return Email(subject=row[0], text=row[1])


@dataclass(frozen=True)
class Email:
    subject: str
    text: str  # the plain-text body

    def link(self, pattern: str) -> str:
        """The path of the first link in the body matching ``pattern`` (a regex for a path)."""
        found = re.search(rf"(?:https?://[^/\s]+)?({pattern})", self.text)
        assert found, f"no link like {pattern} in the email {self.subject!r}:\n{self.text}"
        return found.group(1)


def _govhub(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "govhub.cli", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"`govhub {' '.join(args)}` exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`govhub serve` on a free loopback port, on a fresh SQLite database with the demo data."""
    var_dir = tmp_path_factory.mktemp("browser")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # tests/conftest.py sets GOVHUB_* for the in-process tests (and CI may set the
    # PostgreSQL/Redis ones): drop them all and say explicitly what this server gets.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHUB_")}
    env.update(
        GOVHUB_ENV="development",
        GOVHUB_DATABASE_URL=f"sqlite:///{var_dir / 'browser.sqlite3'}",
        GOVHUB_VAR_DIR=str(var_dir),
        GOVHUB_SECRET_KEY="browser-tests-secret-key-not-for-production",
        GOVHUB_REDIS_URL="",
        GOVHUB_SMTP_URL="",
        GOVHUB_BASE_URL=url,
        PICCOLO_CONF="govhub.piccolo_conf",
        PYTHONUNBUFFERED="1",
    )
    _govhub(env, "migrate")
    _govhub(env, "seed-demo")

    log = var_dir / "server.log"
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "govhub.cli", *serve],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(server, url, log, timeout=30)
        yield LiveServer(url=url, env=env, var_dir=var_dir, log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_healthy(server: subprocess.Popen, url: str, log: Path, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(
                    f"`govhub serve` exited with {server.returncode} before it answered "
                    f"/healthz:\n{log.read_text(errors='replace')}",
                    pytrace=False,
                )
            try:
                response = client.get(f"{url}/healthz")
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text}"
            except httpx.HTTPError as error:
                last = repr(error)
            time.sleep(0.1)
    pytest.fail(
        f"`govhub serve` did not answer 200 on {url}/healthz within {timeout:.0f}s "
        f"(last: {last}):\n{log.read_text(errors='replace')}",
        pytrace=False,
    )


# The browser.


@pytest.fixture(scope="session")
async def browser():
    """One headless system Chromium for the whole session."""
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium fonts-noto-core; .ci/run does this)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


# Pages opened with javascript_enabled=False: assert_accessible checks a copy of them.
WITHOUT_JAVASCRIPT: weakref.WeakSet = weakref.WeakSet()


@dataclass
class PageFactory:
    """``await make_page(viewport="mobile", javascript_enabled=False)``: a new context and page.

    ``viewport`` is "desktop" (1280x900, the default), "mobile" (360x740) or a
    ``{"width": ..., "height": ...}`` dict. Relative URLs go to the live server.

    ``errors`` collects every page's console errors and uncaught exceptions; any
    left at teardown fail the test. Clear it when a test provokes one on purpose:
    Chromium logs "Failed to load resource: ... 404" for a page that is meant to be
    a 404, for instance.
    """

    browser: object
    base_url: str
    errors: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)
    contexts: list = field(default_factory=list)

    async def __call__(self, *, viewport: str | dict = "desktop", javascript_enabled: bool = True):
        if isinstance(viewport, str):
            viewport = VIEWPORTS[viewport]
        context = await self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            java_script_enabled=javascript_enabled,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = await context.new_page()
        if not javascript_enabled:
            WITHOUT_JAVASCRIPT.add(page)
        label = f"page {len(self.pages) + 1}" + ("" if javascript_enabled else " (no JS)")

        def on_console(message) -> None:
            if message.type == "error":
                where = message.location.get("url") or page.url
                self.errors.append(f"{label}: console error at {where}: {message.text}")

        def on_pageerror(error) -> None:
            self.errors.append(f"{label}: uncaught exception on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        self.pages.append(page)
        return page


@pytest.fixture
async def make_page(browser, live_server, request) -> AsyncIterator[PageFactory]:
    factory = PageFactory(browser=browser, base_url=live_server.url)
    yield factory
    try:
        await _screenshot_pages(factory.pages, request.node.name)
    finally:
        for context in factory.contexts:
            await context.close()
    if factory.errors:
        pytest.fail(
            "the browser reported errors:\n" + "\n".join(f"  {e}" for e in factory.errors),
            pytrace=False,
        )


async def _screenshot_pages(pages: list, test_name: str) -> None:
    """The last page as <test>.png, any earlier ones as <test>-<n>.png."""
    if not pages:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
    for n, page in enumerate(pages, start=1):
        name = f"{stem}.png" if n == len(pages) else f"{stem}-{n}.png"
        if page.is_closed():
            continue
        try:
            await page.screenshot(path=SCREENSHOTS / name, full_page=True, timeout=10_000)
        except Exception as error:  # a screenshot must not hide the test's own failure
            print(f"could not save screenshot {name}: {error}", file=sys.stderr)


@pytest.fixture
async def page(make_page):
    """A fresh desktop page (1280x900) with JavaScript on."""
    return await make_page()


# Accessibility: axe-core in the page.

# WCAG 2.0, 2.1 and 2.2, levels A and AA: axe's "best-practice" rules are not run.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
AXE_TARGETS_SHOWN = 3
SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)


async def assert_accessible(page, context: str) -> None:
    """Run axe-core on the page as it is now (after any htmx swap); fail on any violation.

    ``context`` names the page and its state in the failure message, which lists each
    rule broken with its impact, what it asks for and the first few elements at fault.

    axe-core comes bundled in axe-playwright-python, so nothing is fetched. It goes in
    with ``page.evaluate``, which runs over the DevTools protocol: our CSP
    (``script-src 'self'``) does not apply to it as it would to an injected <script>.
    """
    from playwright.async_api import expect

    await page.wait_for_load_state("load")
    # Not in the middle of an htmx swap: check the page once it has settled.
    await expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    if page in WITHOUT_JAVASCRIPT:
        violations = await _axe_on_a_copy(page)
    else:
        violations = await _axe(page)
    if violations:
        pytest.fail(_describe(violations, f"{context} ({page.url})"), pytrace=False)


async def _axe(page) -> list[dict]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page, options=AXE_OPTIONS)
    return results.response["violations"]


async def _axe_on_a_copy(page) -> list[dict]:
    """axe on a page without JavaScript, where it cannot run (the page's timers never fire).

    A second page, with JavaScript, is given this page's document, less its <script>s
    (none of which ran here), for the same URL: styles and images load from the server
    as before, so axe sees what the visitor without JavaScript sees.
    """
    html = SCRIPT_TAG.sub("", await page.content())
    url = page.url.split("#")[0]
    context = await page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = await context.new_page()

        async def serve(route) -> None:
            await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        await copy.route(lambda address: address == url, serve)
        await copy.goto(page.url)
        return await _axe(copy)
    finally:
        await context.close()


def _describe(violations: list[dict], where: str) -> str:
    lines = [f"{where}: {len(violations)} WCAG 2.2 A/AA violation(s) found by axe-core"]
    for violation in violations:
        nodes = violation["nodes"]
        targets = [" ".join(map(str, node["target"])) for node in nodes[:AXE_TARGETS_SHOWN]]
        if len(nodes) > AXE_TARGETS_SHOWN:
            targets.append(f"and {len(nodes) - AXE_TARGETS_SHOWN} more")
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    at: {'; '.join(targets)}")
        summary = nodes[0].get("failureSummary", "") if nodes else ""
        lines.extend(f"    {line.strip()}" for line in summary.splitlines() if line.strip())
        lines.append(f"    see {violation['helpUrl']}")
    return "\n".join(lines)

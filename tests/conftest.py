"""Test set-up: a migrated database per run, emptied after every test, and the app in-process.

By default the suite runs on a fresh SQLite file with the embedded queue. Give it
``GOVHUB_DATABASE_URL`` (a PostgreSQL database whose name contains "test" or "ci")
and ``GOVHUB_REDIS_URL`` to run the same tests on PostgreSQL and real Redis.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

# The environment must be set before govhub (and so Piccolo) is imported. Each test process
# (pytest-xdist's workers too) has its own folder and SQLite file: defaults that a parent
# process set (xdist's controller, whose environment its workers inherit) are replaced here.
_TMP = Path(tempfile.mkdtemp(prefix=f"govhub-tests-{os.environ.get('PYTEST_XDIST_WORKER', '')}"))
_DEFAULTS = {
    "GOVHUB_VAR_DIR": str(_TMP),
    "GOVHUB_DATABASE_URL": f"sqlite:///{_TMP / 'test.sqlite3'}",
    "GOVHUB_SECRET_KEY": "test-secret-key-not-for-production",
    "GOVHUB_BASE_URL": "http://testserver",
}
_inherited = set(filter(None, os.environ.get("GOVHUB_TESTS_DEFAULTED", "").split(",")))
_defaulted = [name for name in _DEFAULTS if name not in os.environ or name in _inherited]
for _name in _defaulted:
    os.environ[_name] = _DEFAULTS[_name]
os.environ["GOVHUB_TESTS_DEFAULTED"] = ",".join(_defaulted)
os.environ["PICCOLO_CONF"] = "govhub.piccolo_conf"

_db_name = urlsplit(os.environ["GOVHUB_DATABASE_URL"]).path.rsplit("/", 1)[-1]
if os.environ["GOVHUB_DATABASE_URL"].startswith("postgres") and not (
    "test" in _db_name or "ci" in _db_name
):
    raise SystemExit(f"refusing to run tests on database {_db_name!r}: every test empties it")

import asyncio  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402
from piccolo.engine import engine_finder  # noqa: E402

from govhub import data_version, db  # noqa: E402
from govhub.app import create_app  # noqa: E402
from govhub.governance.tables import (  # noqa: E402
    Body,
    Membership,
    Organisation,
    Person,
)
from govhub.piccolo_app import TABLES  # noqa: E402
from govhub.settings import get_settings  # noqa: E402

ON_POSTGRES = os.environ["GOVHUB_DATABASE_URL"].startswith("postgres")
WITH_REDIS = bool(os.environ.get("GOVHUB_REDIS_URL"))


def _missing_pdf_libraries() -> list[str]:
    """Debian packages WeasyPrint needs (for agenda packs) that this machine lacks."""
    from ctypes.util import find_library

    needed = {
        "libpango-1.0-0": "pango-1.0",
        "libpangoft2-1.0-0": "pangoft2-1.0",
        "libharfbuzz-subset0": "harfbuzz-subset",
    }
    return [package for package, library in needed.items() if not find_library(library)]


MISSING_FOR_PDF = _missing_pdf_libraries()
PDF_SKIP = (
    f"PDF tests left out: {', '.join(MISSING_FOR_PDF)} missing "
    f"(sudo apt-get install {' '.join(MISSING_FOR_PDF)}; `make test` installs them as root)"
)


def pytest_configure(config) -> None:
    if MISSING_FOR_PDF and os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true, and WeasyPrint's libraries are missing: {PDF_SKIP}")


def pytest_report_header(config) -> list[str]:
    return [
        f"govhub database: {'PostgreSQL' if ON_POSTGRES else 'SQLite'} ({_db_name}); "
        f"queue: {'Redis' if WITH_REDIS else 'embedded'}"
    ]


def pytest_collection_modifyitems(config, items) -> None:
    if MISSING_FOR_PDF:  # left out, and said once (below), rather than skipped one by one
        pdf = [item for item in items if "pdf" in item.keywords]
        if pdf:
            config.hook.pytest_deselected(items=pdf)
            items[:] = [item for item in items if "pdf" not in item.keywords]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if MISSING_FOR_PDF:  # (in pytest-xdist's controller too, which collects nothing itself)
        terminalreporter.write_line(PDF_SKIP)


@pytest.fixture(scope="session")
def settings():
    return get_settings()


@pytest.fixture(scope="session")
async def engine(settings):
    engine = engine_finder()
    result = await run_forwards(app_name="govhub", migration_id="all", fake=False)
    assert result.success, result.message
    await data_version.install(engine)  # as `govhub migrate` does
    await db.open_engine(engine)
    yield engine
    await db.close_engine(engine)


@pytest.fixture(autouse=True)
async def clean_database(request) -> AsyncIterator[None]:
    """Every test starts from empty tables (tests that need no database skip this)."""
    if "no_db" in request.keywords:
        yield
        return
    engine = request.getfixturevalue("engine")
    yield
    names = [table._meta.tablename for table in reversed(TABLES)]
    if db.is_sqlite(engine):
        for name in names:
            await engine.run_ddl(f"DELETE FROM {name}")
    else:
        await engine.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[None]:
    """Run the app's ASGI lifespan in a task of its own, as a server would.

    (``app.lifespan()`` enters an anyio cancel scope that pytest-asyncio would
    exit from a different task.)
    """
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put)
    )
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


@pytest.fixture
async def app(engine, settings):
    # Jobs run inline: each at once, as it is enqueued (govhub.queue.InlineJobs), so a test
    # sees a job's outcome without waiting. Tests of the worker itself start one with
    # make_app(worker=True); on real Redis (GOVHUB_REDIS_URL) that worker goes through it.
    from govhub import queue

    app = create_app(settings, engine=engine, inline_jobs=True)
    async with running(app):
        inline = queue.current_queue()
        yield app
        failures = list(getattr(inline, "failures", []))
    assert not failures, f"jobs failed while the test ran: {failures}"


@pytest.fixture
async def make_app(engine, settings):
    """Start an app with other settings or another engine; stopped after the test.

    Its jobs run inline, or on a worker in this process with ``worker=True``."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(*, engine=engine, worker=False, **changes):
            app = create_app(
                settings.model_copy(update=changes),
                engine=engine,
                run_embedded_worker=worker,
                inline_jobs=not worker,
            )
            await stack.enter_async_context(running(app))
            return app

        yield make


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as client:
        yield client


# Factories: each makes one row with sensible defaults; pass overrides by name.

_seq = itertools.count(1)


@pytest.fixture
def make_org(engine):
    async def make(**overrides) -> Organisation:
        n = next(_seq)
        values = {"name": f"Organisation {n}", "slug": f"org-{n}", "sector": "voluntary"}
        org = Organisation(**{**values, **overrides})
        await org.save()
        return org

    return make


@pytest.fixture
def make_person(engine):
    async def make(**overrides) -> Person:
        n = next(_seq)
        person = Person(**{"name": f"Person {n}", "email": f"person{n}@example.org", **overrides})
        await person.save()
        return person

    return make


@pytest.fixture
def make_body(engine):
    async def make(**overrides) -> Body:
        n = next(_seq)
        values = {"name": f"Board {n}", "slug": f"board-{n}", "kind": "thematic_board"}
        body = Body(**{**values, **overrides})
        await body.save()
        return body

    return make


@pytest.fixture
def make_membership(engine, make_person, make_body, make_org):
    import datetime as dt

    async def make(**overrides) -> Membership:
        person = overrides.pop("person", None) or await make_person()
        body = overrides.pop("body", None) or await make_body()
        org = overrides.pop("organisation", None) or await make_org()
        values = {"role": "member", "start_date": dt.date(2024, 4, 1)}
        membership = Membership(
            person=person, body=body, organisation=org, **{**values, **overrides}
        )
        await membership.save()
        return membership

    return make


# Accounts: make users, sign them in through the real forms.

PASSWORD = "correct horse battery staple"


def csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def make_user(engine, make_person):
    from govhub.accounts.secrets import hash_password
    from govhub.accounts.tables import User

    hashed = hash_password(PASSWORD)

    async def make(*, person=None, admin=False, totp_secret="", **overrides) -> User:
        person = person or await make_person()
        user = User(
            person=person.id,
            email=person.email,
            password_hash=hashed,
            is_admin=admin,
            totp_secret=totp_secret,
            totp_enabled=bool(totp_secret),
            **overrides,
        )
        await user.save()
        return user

    return make


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD, code=None):
    """Sign in through the forms, as a browser would; returns the last response."""
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in", data={"email": email, "password": password, "_csrf": csrf_from(page.text)}
    )
    if (
        code is not None
        and response.status_code == 303
        and "/sign-in/code" in response.headers["location"]
    ):
        page = await client.get(response.headers["location"])
        response = await client.post(
            "/sign-in/code", data={"code": code, "_csrf": csrf_from(page.text)}
        )
    return response


@pytest.fixture
def signed_in_client(app):
    """A new client for ``app``, signed in as ``user`` (with their TOTP code when they have one)."""
    import pyotp

    clients = []

    async def make(user, password: str = PASSWORD) -> httpx.AsyncClient:
        client = client_for(app)
        clients.append(client)
        code = pyotp.TOTP(user.totp_secret).now() if user.totp_enabled else None
        response = await sign_in(client, user.email, password, code=code)
        assert response.status_code == 303, response.text
        return client

    yield make
    # httpx clients over ASGITransport hold nothing open; dropping them is enough.


def plant_session_cookie(client: httpx.AsyncClient, value: str) -> None:
    """Put a session cookie in a client's jar exactly where the server's own would go."""
    client.cookies.set("govhub_session", value, domain="testserver.local", path="/")


def sent_to_sign_in(response: httpx.Response) -> bool:
    return response.status_code in (302, 303) and response.headers["location"].startswith(
        "/sign-in"
    )


# Meetings: factories for a meeting and its agenda items.


@pytest.fixture
def make_meeting(engine, make_body):
    import datetime as dt
    import uuid

    from govhub.meetings.tables import Meeting

    async def make(**overrides) -> Meeting:
        body = overrides.pop("body", None) or await make_body()
        starts = overrides.pop("starts_at", None) or dt.datetime(2026, 3, 3, 18, 0, tzinfo=dt.UTC)
        values = {
            "title": f"{body.name} meeting",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "uid": f"{uuid.uuid4()}@govhub",
            "venue": "Town Hall, 160 Whitechapel Road",
        }
        meeting = Meeting(body=body.id, **{**values, **overrides})
        await meeting.save()
        return meeting

    return make


@pytest.fixture
def make_item(engine):
    from govhub.meetings.tables import AgendaItem

    async def make(meeting, **overrides) -> AgendaItem:
        position = overrides.pop("position", None)
        if position is None:
            position = await AgendaItem.count().where(AgendaItem.meeting == meeting.id) + 1
        values = {"title": f"Item {position}", "purpose": "discussion", "number": str(position)}
        if overrides.get("is_confidential"):
            values["exempt_reason"] = 3
        item = AgendaItem(meeting=meeting.id, position=position, **{**values, **overrides})
        await item.save()
        return item

    return make


# Mail: a real SMTP server on loopback that keeps what it receives.


class SMTPSink:
    """What an aiosmtpd server on loopback received, parsed; ``delay`` slows each delivery."""

    def __init__(self) -> None:
        self.messages: list = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def received(self, count: int) -> list:
        """The messages, which must be exactly ``count`` (jobs run inline: no waiting)."""
        assert len(self.messages) == count, f"expected {count} messages, got {len(self.messages)}"
        return self.messages

    async def wait_for(self, count: int, timeout: float = 60) -> list:
        """Wait until at least ``count`` messages have arrived (fails after ``timeout`` s);
        for tests that run a real worker."""
        for _ in range(int(timeout * 20)):
            if len(self.messages) >= count:
                return self.messages
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")


@pytest.fixture
def smtp_sink(settings, monkeypatch):
    """Mail goes over SMTP to a real server on loopback for this test."""
    import socket

    from aiosmtpd.controller import Controller

    sink = SMTPSink()
    # A free port, asked of the system; another test process may take it in between: try again.
    for attempt in range(20):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 19:
                raise
    monkeypatch.setattr(settings, "smtp_url", f"smtp://127.0.0.1:{port}")
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def redis_server():
    """A Redis of this test's own (tests/redis_server.py): ``.stop()``, ``.start()``, ``.url``."""
    from tests.redis_server import running_redis

    with running_redis() as server:
        yield server

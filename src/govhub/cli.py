"""The ``govhub`` command: migrate, seed-demo, serve, worker, status, inbound."""

from __future__ import annotations

import asyncio
import contextlib
import sys

import click

from govhub.logs import configure_logging
from govhub.settings import get_settings

__all__ = ["main"]


@click.group()
def main() -> None:
    """govhub: governance and congress platform for a local partnership."""
    configure_logging()


def _run(work) -> object:
    """Run one coroutine function with the database open, and close it after."""
    from piccolo.engine import engine_finder

    from govhub import db

    async def wrapped():
        engine = engine_finder()
        try:
            return await work()
        finally:
            await db.close_engine(engine)

    return asyncio.run(wrapped())


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    get_settings().var_dir.mkdir(parents=True, exist_ok=True)
    result = await run_forwards(app_name="govhub", migration_id="all", fake=False)
    if not result.success:
        raise click.ClickException(f"migrations failed: {result.message}")
    # After the migrations, so tables they add get their trigger (see govhub.data_version).
    from piccolo.engine import engine_finder

    from govhub import data_version

    await data_version.install(engine_finder())


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run any time)."""
    _run(_migrate)
    click.echo("Database is up to date.")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load the demo partnership (safe to run again: it adds what is missing, changes nothing)."""
    from govhub.demo import seed_demo as load

    counts = _run(load)
    click.echo(
        "Demo data loaded: "
        + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
    )


@main.command()
@click.option("--email", required=True, help="The admin's email address; also their sign-in.")
@click.option("--name", required=True, help="The admin's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def createadmin(email: str, name: str, password_stdin: bool) -> None:
    """Create a partnership admin (or make an existing account one)."""
    from govhub.accounts.services import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        _run(lambda: create_user(name=name, email=email, password=password, is_admin=True))
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{email} is an admin. They must set up two-factor authentication at first sign-in.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Web processes; more than one needs GOVHUB_REDIS_URL.",
)
@click.option("--reload", is_flag=True, help="Restart when code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Run the web app (and, with no Redis configured, the worker inside it)."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.embedded_queue:
        raise click.UsageError(
            "several web processes need GOVHUB_REDIS_URL: the embedded "
            "queue lives inside one process"
        )
    settings.resolved_secret_key()  # fail now, not on the first request, when it is missing
    if settings.embedded_queue:
        click.echo("No GOVHUB_REDIS_URL: jobs and reminders run inside this process.")
    uvicorn.run(
        "govhub.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        # X-Forwarded-* only from the proxies named in GOVHUB_TRUSTED_PROXIES (none by default;
        # uvicorn's own default would trust 127.0.0.1, so any local process could claim any
        # address and dodge the per-client limits).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        log_level="info",
    )


@main.command()
def worker() -> None:
    """Run the background worker on Redis (GOVHUB_REDIS_URL); it outlives lost connections."""
    from govhub.worker import worker_process

    settings = get_settings()
    if settings.embedded_queue:
        raise click.UsageError(
            "GOVHUB_REDIS_URL is not set. Without Redis, `govhub serve` "
            "runs the worker itself; set it to run a separate worker."
        )
    asyncio.run(_work(worker_process(settings)))


async def _work(process) -> None:
    """Run the worker process until SIGINT or SIGTERM (it never ends on a lost connection)."""
    import signal

    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, process.stop.set)
    await process.run()


async def _health():
    from piccolo.engine import engine_finder

    from govhub import db, queue
    from govhub.health import LocalWorker, check_health

    settings = get_settings()
    engine = engine_finder()
    with contextlib.suppress(Exception):  # a database that is down is what the report says
        await db.open_engine(engine)
    # The embedded queue lives inside the web process: nothing to ask from here.
    pool = None if settings.embedded_queue else await queue.connect_queue(settings)
    try:
        return await check_health(settings, engine, pool, LocalWorker())
    finally:
        if pool is not None:
            await pool.aclose()
        await db.close_engine(engine)


@main.command()
def status() -> None:
    """Print the health report /healthz gives; exit 1 when govhub is not healthy."""
    from dataclasses import asdict

    report = asyncio.run(_health())
    for name, value in asdict(report).items():
        shown = "-" if value is None or value == "" else value
        if name.endswith("_age") and value is not None:
            shown = f"{value:.0f} s"
        click.echo(f"{name.replace('_', ' ')}: {shown}")
    if not report.healthy:
        sys.exit(1)


EX_TEMPFAIL = 75
"""The exit status that tells a mail server to keep a message and try again later."""


@main.command()
@click.option(
    "--recipient",
    multiple=True,
    help="The envelope recipient, as the mail server gives it (Postfix: ${recipient}); "
    "without it, the message's Delivered-To, To and Cc headers say.",
)
@click.option(
    "--lmtp",
    metavar="HOST:PORT",
    help="Take LMTP deliveries on HOST:PORT instead of reading standard input.",
)
def inbound(recipient: tuple[str, ...], lmtp: str | None) -> None:
    """Record calendar replies (Accept, Decline, Tentative) from one message on standard input.

    For a mail server's pipe (Postfix, Exim). A reply that does not match its invitation is
    logged and ignored, with exit status 0: the mail server must not bounce it. Only a failure
    of govhub's own (the database away) exits 75, so the mail server tries again.
    """
    import logging

    from govhub.meetings.replies import MAX_MESSAGE_BYTES, read_message

    if lmtp:
        _serve_lmtp(lmtp)
        return
    raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
    if len(raw) > MAX_MESSAGE_BYTES:
        logging.getLogger("govhub.inbound").warning("message ignored: over %s bytes", len(raw))
        return
    try:
        _run(lambda: read_message(raw, recipient))
    except Exception:
        logging.getLogger("govhub.inbound").exception("calendar reply not read; try again")
        sys.exit(EX_TEMPFAIL)


def _serve_lmtp(address: str) -> None:
    from govhub.meetings.reply_lmtp import start_lmtp

    host, _, port = address.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter("give HOST:PORT, e.g. 127.0.0.1:8025", param_hint="--lmtp")

    async def serve() -> None:
        server = await start_lmtp(host.strip("[]") or "127.0.0.1", int(port))
        click.echo(f"Taking LMTP deliveries on {address}.")
        async with server:
            await server.serve_forever()

    _run(serve)


if __name__ == "__main__":
    sys.exit(main())

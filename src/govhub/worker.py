"""The worker's composition root: every job, cron entry and reminder writer, listed here.

Nothing registers itself by being imported: a job missing from :data:`JOBS` or a sweep missing
from :data:`CRON_JOBS` does not run, and ``tests/integration/platform/test_composition.py``
checks that every worker built (``govhub worker``'s, the embedded one, the tests' inline one)
has all of them. ``govhub worker`` runs them on Redis; with no Redis configured the web process
runs the same ones itself (``govhub.app`` hands :class:`WorkerSettings` to
:func:`govhub.queue.start_worker`).
"""

from __future__ import annotations

import os
import socket

from arq import cron, func
from arq.connections import RedisSettings
from arq.worker import Worker

from govhub import db, queue
from govhub.accounts.ratelimit import sweep_expired
from govhub.calendar.reminders import Writer, queue_due_reminders
from govhub.congress import reminders as congress_reminders
from govhub.congress.privacy import erase_expired_registrations
from govhub.mail import smtp
from govhub.mail.jobs import MAX_ATTEMPTS, send_outbox_message
from govhub.mail.services import requeue_stranded_mail
from govhub.meetings import forecast, invitations
from govhub.meetings.invitations import queue_due_invites
from govhub.meetings.packs_build import build_meeting_packs
from govhub.settings import Settings
from govhub.system import heartbeat, record_failed_job
from govhub.worker_process import WorkerProcess

__all__ = [
    "CRON_JOBS",
    "JOBS",
    "REMINDER_WRITERS",
    "WorkerSettings",
    "build_worker",
    "sweep_reminders",
    "worker_process",
]

REMINDER_WRITERS: dict[str, Writer] = {
    invitations.MEETING_REMINDER: invitations.write_meeting_reminder,
    invitations.AGENDA_DEADLINE_REMINDER: invitations.write_agenda_reminder,
    congress_reminders.KIND: congress_reminders.write_congress_reminder,
    forecast.QUORUM_WARNING: forecast.write_quorum_warning,
}
"""Who writes the email of each kind of reminder row when it falls due (a kind missing here
is logged and its reminders dropped)."""


async def sweep_reminders(ctx: dict | None = None) -> int:
    """arq cron job: every reminder that has fallen due, written by its kind's writer."""
    return await queue_due_reminders(REMINDER_WRITERS)


JOBS = [
    heartbeat,
    # arq must not give up on a send before the job itself does (it counts its own tries).
    func(send_outbox_message, max_tries=MAX_ATTEMPTS + 2, keep_result=0),
    # No result kept: a pack whose build was cut short is queued again when next asked for.
    func(build_meeting_packs, keep_result=0),
]
"""Jobs enqueued by name (:func:`govhub.queue.enqueue`)."""

CRON_JOBS = [
    cron(heartbeat, second=0, run_at_startup=True, unique=False),
    cron(sweep_expired, minute={0, 15, 30, 45}, second=30),
    cron(requeue_stranded_mail, second=20, run_at_startup=True, unique=False),
    # Rebuilt from the database each time: a flushed Redis loses no reminder.
    cron(sweep_reminders, second=40, run_at_startup=True, unique=False),
    cron(queue_due_invites, minute=5, second=50, run_at_startup=True, unique=False),
    # Personal data of past congresses (GOVHUB_CONGRESS_RETENTION_DAYS), nightly.
    cron(erase_expired_registrations, hour=3, minute=15, second=0),
]
"""The schedule: sweeps that rebuild from the database whatever is due."""


async def _startup(ctx: dict) -> None:
    from piccolo.engine import engine_finder

    ctx.setdefault("worker_name", f"{socket.gethostname()}:{os.getpid()}")
    engine = engine_finder()
    await db.open_engine(engine)
    ctx["engine"] = engine
    # Jobs that write mail enqueue its sending job: on this worker's own Redis pool (the web
    # process sets its queue in the app's lifespan; `govhub worker` has none without this).
    if queue.current_queue() is None:
        queue.set_queue(ctx["redis"])


async def _shutdown(ctx: dict) -> None:
    await smtp.close_all()
    if engine := ctx.get("engine"):
        await db.close_engine(engine)


class WorkerSettings:
    """arq's worker settings; :func:`govhub.queue.build_worker` makes the worker from them."""

    functions = JOBS
    cron_jobs = CRON_JOBS
    max_jobs = 20
    quiet_jobs = frozenset({"heartbeat", "cron:heartbeat"})
    """Logged at DEBUG (once a minute, to say the worker is alive)."""
    on_startup = _startup
    on_shutdown = _shutdown
    on_job_failed = record_failed_job
    """Jobs that failed for good are kept for admins (``/admin/failures``)."""


def build_worker(redis_settings: RedisSettings) -> Worker:
    """An arq worker for every job here, on the Redis of ``redis_settings``."""
    return queue.build_worker(WorkerSettings, redis_settings=redis_settings)


def worker_process(settings: Settings) -> WorkerProcess:
    """``govhub worker``: this worker in a process that reconnects when Redis or the database
    is lost and writes a heartbeat of its own (see :mod:`govhub.worker_process`)."""
    return WorkerProcess(
        WorkerSettings,
        RedisSettings.from_dsn(settings.redis_url),
        heartbeat_every=settings.worker_heartbeat_every,
        reconnect_max=settings.worker_reconnect_max,
    )

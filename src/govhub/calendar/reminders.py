"""Reminders: rows with a due time, swept by an arq cron job.

Each area says who is reminded of what by calling :func:`replace_reminders` whenever the
answer changes (a meeting scheduled or moved, a member added, a registration made) and
:func:`drop_reminders` when nothing should be sent any more. It also offers, for each kind of
reminder it plans, a :data:`Writer`: the function that writes the email when a reminder falls
due. The sweep, :func:`queue_due_reminders`, is given every writer by the worker
(``govhub.worker.REMINDER_WRITERS``): nothing registers itself by being imported. A writer reads
the thing afresh, so a reminder always tells the current time and place, and returns None when
there is nothing to remind anyone of (a meeting cancelled since).

Because the rows are the truth, a Redis that was flushed or restarted loses nothing: the next
sweep finds every reminder still pending, and the outbox sweep every email not yet sent.

A reminder knows its moment: each kind goes out at :data:`REMINDER_HOUR` local time on its day
(:func:`on_the_day`), and one whose moment passed more than :data:`LATE_WINDOW` ago (an outage, a
sweep held up) or whose event has begun is recorded as ``skipped``, never sent late.

A reminder whose writer fails (a subject too long for its column, a bug) fails alone: the sweep
records the error on its row and goes on with the others; the row is tried again after a
growing wait and parked as ``failed`` after :data:`MAX_ATTEMPTS` tries, where admins see it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from govhub import clock
from govhub.calendar.tables import Reminder, ReminderState
from govhub.mail.services import dispatch
from govhub.mail.tables import OutboxMessage

__all__ = [
    "LATE_WINDOW",
    "MAX_ATTEMPTS",
    "REMINDER_HOUR",
    "SWEEP_BATCH",
    "Due",
    "Writer",
    "drop_reminders",
    "on_the_day",
    "queue_due_reminders",
    "replace_reminders",
    "retry_delay",
    "retry_parked_reminder",
]

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500

REMINDER_HOUR = dt.time(9, 0)
"""The local time every day-before reminder goes out: one hour for each kind, whatever time
its event starts."""

LATE_WINDOW = dt.timedelta(hours=6)
"""A reminder whose moment passed longer ago than this is skipped, not sent late."""

MAX_ATTEMPTS = 5
"""Tries at writing one reminder's email before it is parked as failed."""

Writer = Callable[[Reminder], Awaitable[OutboxMessage | None]]
"""Writes the email for one due reminder into the outbox (None: nothing to send any more)."""


@dataclass(frozen=True)
class Due:
    """One reminder to plan: when, to whom, and its label ("7 days before")."""

    due_at: dt.datetime  # aware
    recipient: str
    recipient_name: str = ""
    label: str = ""
    locale: str = "en"
    event_at: dt.datetime | None = None  # aware; after it begins the reminder is never sent


def on_the_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The moment a reminder on ``day`` goes out: :data:`REMINDER_HOUR` there, in ``zone``."""
    return dt.datetime.combine(day, REMINDER_HOUR, tzinfo=zone)


async def replace_reminders(kind: str, target_id: int, due: Iterable[Due]) -> int:
    """Make ``due`` the pending reminders of one thing; call inside the change's transaction.

    Reminders already sent stay as they are; times already past are not planned.
    """
    now = clock.now()
    await Reminder.delete().where(
        (Reminder.kind == kind)
        & (Reminder.target_id == target_id)
        & (Reminder.state == ReminderState.pending)
    )
    rows = [
        Reminder(
            kind=kind,
            target_id=target_id,
            recipient=d.recipient,
            recipient_name=d.recipient_name,
            label=d.label,
            locale=d.locale,
            due_at=d.due_at,
            event_at=d.event_at,
        )
        for d in due
        if d.due_at > now
    ]
    if rows:
        await Reminder.insert(*rows)
    return len(rows)


async def drop_reminders(kind: str, target_id: int, recipient: str | None = None) -> None:
    """Nothing pending for this thing (or this one person) is to be sent any more."""
    where = (
        (Reminder.kind == kind)
        & (Reminder.target_id == target_id)
        & (Reminder.state == ReminderState.pending)
    )
    if recipient is not None:
        where &= Reminder.recipient == recipient
    await Reminder.update({Reminder.state: ReminderState.dropped}).where(where)


async def _queue_one(reminder: Reminder, writers: Mapping[str, Writer]) -> OutboxMessage | None:
    writer = writers.get(reminder.kind)
    async with Reminder._meta.db.transaction():
        # Claim it, so a second sweep running at the same moment cannot send it too.
        claimed = (
            await Reminder.update({Reminder.state: ReminderState.queued})
            .where((Reminder.id == reminder.id) & (Reminder.state == ReminderState.pending))
            .returning(Reminder.id)
        )
        if not claimed:
            return None
        message = await writer(reminder) if writer else None
        if message is None:
            if writer is None:
                logger.error("no writer for reminders of kind %r", reminder.kind)
            await Reminder.update({Reminder.state: ReminderState.dropped}).where(
                Reminder.id == reminder.id
            )
            return None
        await Reminder.update({Reminder.message: message.id}).where(Reminder.id == reminder.id)
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: 1, 2, 4, 8 minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), dt.timedelta(hours=1))


async def _record_failure(reminder: Reminder, error: Exception) -> None:
    """This reminder's try failed: count it, keep the error, wait before the next, or park it."""
    attempts = reminder.attempts + 1
    parked = attempts >= MAX_ATTEMPTS
    await Reminder.update(
        {
            Reminder.attempts: attempts,
            Reminder.last_error: f"{type(error).__name__}: {error}"[:2000],
            Reminder.retry_at: clock.now() + retry_delay(attempts),
            Reminder.state: ReminderState.failed if parked else ReminderState.pending,
        }
    ).where((Reminder.id == reminder.id) & (Reminder.state == ReminderState.pending))
    logger.log(
        logging.ERROR if parked else logging.WARNING,
        "reminder %s (%s) failed, try %s of %s%s: %s",
        reminder.id,
        reminder.kind,
        attempts,
        MAX_ATTEMPTS,
        ", parked" if parked else "",
        error,
        exc_info=error if parked else None,
    )


def _too_late(reminder: Reminder, now: dt.datetime) -> str:
    """Why ``reminder`` must not be sent now ("" if it may)."""
    if reminder.event_at is not None and now >= reminder.event_at:
        return f"skipped: its event began at {reminder.event_at.isoformat()}"
    if now - reminder.due_at > LATE_WINDOW:
        return f"skipped: due at {reminder.due_at.isoformat()}, found at {now.isoformat()}"
    return ""


async def _skip_late(due: list[Reminder], now: dt.datetime) -> list[Reminder]:
    """Record as skipped the reminders whose moment has gone; the others, to send."""
    timely = []
    for reminder in due:
        if not (reason := _too_late(reminder, now)):
            timely.append(reminder)
            continue
        await Reminder.update(
            {Reminder.state: ReminderState.skipped, Reminder.last_error: reason}
        ).where((Reminder.id == reminder.id) & (Reminder.state == ReminderState.pending))
        logger.info("reminder %s (%s) %s", reminder.id, reminder.kind, reason)
    return timely


def _latest_only(due: list[Reminder]) -> list[Reminder]:
    """A sweep that was held up may find a person's "in 7 days" and "tomorrow" due together:
    only the latest of them is sent, and the stale one is dropped by :func:`_drop_stale`."""
    latest: dict[tuple, Reminder] = {}
    for reminder in due:  # in due order
        latest[(reminder.kind, reminder.target_id, reminder.recipient)] = reminder
    return sorted(latest.values(), key=lambda r: (r.due_at, r.id))


async def _drop_stale(due: list[Reminder], sent: list[Reminder]) -> None:
    stale = {r.id for r in due} - {r.id for r in sent}
    if stale:
        await Reminder.update({Reminder.state: ReminderState.dropped}).where(
            Reminder.id.is_in(sorted(stale)) & (Reminder.state == ReminderState.pending)
        )


async def queue_due_reminders(writers: Mapping[str, Writer]) -> int:
    """Write every reminder that has fallen due into the outbox, each by the writer for its
    kind in ``writers``, and queue its sending job. Run by the worker's cron job."""
    queued = 0
    while True:
        now = clock.now()
        due = (
            await Reminder.objects()
            .where(
                (Reminder.state == ReminderState.pending)
                & (Reminder.due_at <= now)
                & (Reminder.retry_at.is_null() | (Reminder.retry_at <= now))
            )
            .order_by(Reminder.due_at)
            .order_by(Reminder.id)
            .limit(SWEEP_BATCH)
        )
        timely = await _skip_late(due, now)
        chosen = _latest_only(timely)
        await _drop_stale(timely, chosen)
        for reminder in chosen:
            try:
                message = await _queue_one(reminder, writers)
            except Exception as error:  # this reminder's alone: the others still go
                await _record_failure(reminder, error)
                continue
            if message is not None:
                # After commit. Lost here (a crash, Redis gone)? The outbox sweep resends it.
                await dispatch(message)  # a queue that is away fails nothing
                queued += 1
        if len(due) < SWEEP_BATCH:
            return queued


async def retry_parked_reminder(reminder_id: int) -> Reminder | None:
    """An admin asked: a parked reminder is tried again at the next sweep, with fresh tries.
    None if there is no such reminder or it was not parked."""
    rows = (
        await Reminder.update(
            {
                Reminder.state: ReminderState.pending,
                Reminder.attempts: 0,
                Reminder.retry_at: None,
                Reminder.last_error: "",
            }
        )
        .where((Reminder.id == reminder_id) & (Reminder.state == ReminderState.failed))
        .returning(*Reminder.all_columns())
    )
    return Reminder(**rows[0], _ignore_missing=True) if rows else None

"""Putting messages in the outbox, and handing them to the worker after commit.

Every email is an outbox row first (written in the transaction that made the change), then a job.
If the job is lost (Redis flushed or restarted, a worker killed), :func:`requeue_stranded_mail`
finds the row again, so nothing the database holds is ever dropped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from govhub import clock
from govhub.i18n import DEFAULT_LOCALE
from govhub.mail.rendering import render_email
from govhub.mail.tables import MailState, OutboxMessage
from govhub.queue import hand_over
from govhub.settings import get_settings

__all__ = [
    "SEND_LEASE",
    "STRANDED_AFTER",
    "CalendarPart",
    "dispatch",
    "dispatch_all",
    "queue_mail",
    "requeue_stranded_mail",
    "resend",
]

STRANDED_AFTER = dt.timedelta(minutes=2)
"""How long past its due time a queued row waits before the sweep gives it a new job."""

SEND_LEASE = dt.timedelta(minutes=2)
"""How long a send may take (the SMTP timeout is 30 s) before it is taken to have been cut off."""


@dataclass(frozen=True)
class CalendarPart:
    """An iTIP calendar to send with a message, made by :func:`govhub.calendar.ics.build_calendar`
    with the same ``method``."""

    ics: bytes
    method: Literal["REQUEST", "CANCEL", "PUBLISH"]


def new_message_id() -> str:
    domain = urlsplit(get_settings().base_url).hostname or "govhub.invalid"
    return f"<{uuid.uuid4()}@{domain}>"


def _fit(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, with an ellipsis when it was longer (a subject
    made from a long title must not overflow its column: PostgreSQL refuses it)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


async def queue_mail(
    *,
    to: str,
    template: str,
    context: dict,
    kind: str,
    calendar: CalendarPart | None = None,
    locale: str = DEFAULT_LOCALE,
) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` (and ``.html`` if there is one) in ``locale``
    into an outbox row.

    Call inside the transaction that made the change; call :func:`dispatch` after it commits.
    """
    settings = get_settings()
    rendered = render_email(template, {**context, "base_url": settings.base_url}, locale)
    message = OutboxMessage(
        message_id=new_message_id(),
        to_address=to,
        subject=_fit(rendered.subject, OutboxMessage.subject.length),
        text_body=rendered.text,
        html_body=rendered.html,
        calendar_method=calendar.method if calendar else "",
        calendar_body=calendar.ics.decode() if calendar else "",
        kind=kind,
    )
    await message.save()
    return message


async def dispatch(message: OutboxMessage) -> None:
    """Queue the send job, after the row's transaction has committed. A queue that is away
    fails nothing: the row stays queued and :func:`requeue_stranded_mail` gives it a job later.

    The job id is the row's Message-ID (unique for ever) and its count of jobs: a second
    dispatch of the same row is a no-op, and the sweep's new job for an overdue row is not.
    """
    job_id = f"mail:{message.message_id}:{message.dispatches}"
    await hand_over("send_outbox_message", message.id, _job_id=job_id)


async def dispatch_all(messages: Iterable[OutboxMessage]) -> None:
    for message in messages:
        await dispatch(message)


async def _redispatch(where, *, cut_off: bool) -> list[OutboxMessage]:
    changes = {
        OutboxMessage.state: MailState.queued,
        OutboxMessage.dispatches: OutboxMessage.dispatches + 1,
        OutboxMessage.due_at: clock.now(),
    }
    if cut_off:
        changes[OutboxMessage.possible_duplicates] = OutboxMessage.possible_duplicates + 1
    return (
        await OutboxMessage.update(changes)
        .where(where)
        .returning(OutboxMessage.id, OutboxMessage.message_id, OutboxMessage.dispatches)
    )


async def requeue_stranded_mail(ctx: dict | None = None) -> int:
    """arq cron job: give every unsent row whose job is overdue a new job.

    A send that began more than :data:`SEND_LEASE` ago and never finished (its worker was
    killed) is begun again and counted as a possible duplicate; a queued row whose job should
    have run :data:`STRANDED_AFTER` ago (Redis flushed or restarted, a worker killed before it
    started) gets a new job. Jobs that turn out to be spare find nothing to claim.
    """
    now = clock.now()
    # Each statement picks its rows and changes them at once, so a send that begins while the
    # sweep runs is never taken for one cut off.
    rows = await _redispatch(
        (OutboxMessage.state == MailState.sending) & (OutboxMessage.claimed_at < now - SEND_LEASE),
        cut_off=True,
    )
    rows += await _redispatch(
        (OutboxMessage.state == MailState.queued) & (OutboxMessage.due_at < now - STRANDED_AFTER),
        cut_off=False,
    )
    for row in rows:
        await dispatch(OutboxMessage(**row))
    return len(rows)


async def resend(message_id: int) -> OutboxMessage | None:
    """Put a failed message back in the queue (an admin asked); None if it had not failed."""
    rows = (
        await OutboxMessage.update(
            {
                OutboxMessage.state: MailState.queued,
                OutboxMessage.attempts: 0,
                OutboxMessage.last_error: "",
                OutboxMessage.dispatches: OutboxMessage.dispatches + 1,
                OutboxMessage.due_at: clock.now(),
            }
        )
        .where((OutboxMessage.id == message_id) & (OutboxMessage.state == MailState.failed))
        .returning(OutboxMessage.id)
    )
    if not rows:
        return None
    message = await OutboxMessage.objects().where(OutboxMessage.id == message_id).first()
    await dispatch(message)
    return message

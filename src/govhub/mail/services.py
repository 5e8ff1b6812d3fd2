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

from arq.constants import result_key_prefix

from govhub import clock
from govhub.i18n import DEFAULT_LOCALE
from govhub.mail.rendering import render_email
from govhub.mail.tables import MailState, OutboxMessage
from govhub.queue import enqueue, get_queue
from govhub.settings import get_settings

__all__ = [
    "STRANDED_AFTER",
    "CalendarPart",
    "dispatch",
    "dispatch_all",
    "queue_mail",
    "requeue_stranded_mail",
    "resend",
]

STRANDED_AFTER = dt.timedelta(minutes=2)
"""A queued or sending row this old may have lost its job; the sweep queues it again (a job
still in Redis under the same id makes that a no-op)."""


@dataclass(frozen=True)
class CalendarPart:
    """An iTIP calendar to send with a message, made by :func:`govhub.calendar.ics.build_calendar`
    with the same ``method``."""

    ics: bytes
    method: Literal["REQUEST", "CANCEL", "PUBLISH"]


def new_message_id() -> str:
    domain = urlsplit(get_settings().base_url).hostname or "govhub.invalid"
    return f"<{uuid.uuid4()}@{domain}>"


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
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        calendar_method=calendar.method if calendar else "",
        calendar_body=calendar.ics.decode() if calendar else "",
        kind=kind,
    )
    await message.save()
    return message


async def dispatch(message: OutboxMessage) -> None:
    """Queue the send job. The job id is the message's own Message-ID, unique for ever, so a
    second dispatch of the same row is a no-op while a reused row id can never collide."""
    await enqueue("send_outbox_message", message.id, _job_id=f"mail:{message.message_id}")


async def dispatch_all(messages: Iterable[OutboxMessage]) -> None:
    for message in messages:
        await dispatch(message)


async def requeue_stranded_mail(ctx: dict | None = None) -> int:
    """arq cron job: queue again every unsent row old enough to have lost its job."""
    cutoff = clock.now() - STRANDED_AFTER
    rows = await OutboxMessage.objects().where(
        OutboxMessage.state.is_in([MailState.queued, MailState.sending])
        & (OutboxMessage.created_at < cutoff)
    )
    for row in rows:
        await dispatch(row)
    return len(rows)


async def resend(message_id: int) -> OutboxMessage | None:
    """Put a failed message back in the queue (an admin asked); None if it had not failed."""
    claimed = (
        await OutboxMessage.update(
            {
                OutboxMessage.state: MailState.queued,
                OutboxMessage.attempts: 0,
                OutboxMessage.last_error: "",
            }
        )
        .where((OutboxMessage.id == message_id) & (OutboxMessage.state == MailState.failed))
        .returning(OutboxMessage.id)
    )
    if not claimed:
        return None
    message = await OutboxMessage.objects().where(OutboxMessage.id == message_id).first()
    # arq keeps the finished job's result under its id for a while and would refuse the same id.
    await get_queue().delete(result_key_prefix + f"mail:{message.message_id}")
    await dispatch(message)
    return message

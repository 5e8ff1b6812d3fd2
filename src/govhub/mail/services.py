"""Rendering a message into the outbox, and handing it to the worker after commit."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from govhub.mail.tables import OutboxMessage
from govhub.queue import enqueue
from govhub.settings import get_settings

__all__ = ["dispatch", "queue_mail"]


async def queue_mail(*, to: str, template: str, context: dict, kind: str) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` (first line ``Subject: ...``) into an outbox row.

    Call inside the transaction that made the change; call :func:`dispatch` after it commits.
    """
    from govhub.mail.rendering import render_email

    settings = get_settings()
    subject, text = render_email(template, {**context, "base_url": settings.base_url})
    domain = urlsplit(settings.base_url).hostname or "govhub.invalid"
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4()}@{domain}>",
        to_address=to,
        subject=subject,
        text_body=text,
        kind=kind,
    )
    await message.save()
    return message


async def dispatch(message: OutboxMessage) -> None:
    """Queue the send job. The job id is the message's own Message-ID, unique for ever, so a
    second dispatch of the same row is a no-op while a reused row id can never collide."""
    await enqueue("send_outbox_message", message.id, _job_id=f"mail:{message.message_id}")

"""``govhub inbound --lmtp HOST:PORT``: calendar replies delivered over LMTP (RFC 2033), for a
mail server that delivers to a socket rather than piping to a program. Each message is read
as ``govhub inbound`` reads standard input (:func:`govhub.meetings.replies.read_message`)."""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.lmtp import LMTP

from govhub.meetings.replies import MAX_MESSAGE_BYTES, read_message

__all__ = ["ReplyHandler", "start_lmtp"]

logger = logging.getLogger(__name__)


class ReplyHandler:
    """aiosmtpd handler: one status line per recipient, as LMTP wants. A message is accepted
    whatever it holds (ignored replies are logged); only a failure of govhub's own (the
    database away) answers 451, so the mail server keeps the message and tries again."""

    async def handle_DATA(self, server, session, envelope) -> str:
        recipients = list(envelope.rcpt_tos)
        try:
            await read_message(envelope.original_content or envelope.content, recipients)
        except Exception:
            logger.exception("calendar reply not read: the mail server will try again")
            return "\r\n".join("451 4.3.0 Try again later" for _ in recipients)
        return "\r\n".join("250 2.0.0 OK" for _ in recipients)


async def start_lmtp(host: str, port: int) -> asyncio.AbstractServer:
    """Serve LMTP on ``host:port`` in the running event loop (where the database is)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: LMTP(ReplyHandler(), data_size_limit=MAX_MESSAGE_BYTES, decode_data=False),
        host,
        port,
    )

"""What outbox routes need, loaded before the handler runs: 404 when absent."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.errors import NotFound
from govhub.mail.tables import OutboxMessage

__all__ = ["MESSAGE", "Message"]


async def provide_message(message_id: FromPath[int]) -> OutboxMessage:
    message = await OutboxMessage.objects().where(OutboxMessage.id == message_id).first()
    if message is None:
        raise NotFound()
    return message


Message = NamedDependency[OutboxMessage]
MESSAGE = {"message": Provide(provide_message)}
"""On a route with ``{message_id:int}``: the handler takes ``message: Message``."""

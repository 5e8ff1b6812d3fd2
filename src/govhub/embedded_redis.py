"""The embedded Redis: fakeredis through its public connection class, for the queue that runs
inside the web process when no ``GOVHUB_REDIS_URL`` is set (see :mod:`govhub.queue`)."""

from __future__ import annotations

from typing import Any

import fakeredis
from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from redis.asyncio.client import Pipeline

__all__ = ["EmbeddedRedis"]


class _EmbeddedPipeline(Pipeline):
    """A pipeline that answers ``INFO`` itself: fakeredis implements no INFO, and arq's worker
    asks for it once, to log the server's version as it starts (``arq.connections.log_redis_info``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._info_answers: dict[int, dict[str, str]] = {}

    def info(self, section: Any = None, *args: Any, **kwargs: Any) -> _EmbeddedPipeline:
        self._info_answers[len(self) + len(self._info_answers)] = {"redis_version": "embedded"}
        return self

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        answers, self._info_answers = self._info_answers, {}
        total = len(self) + len(answers)
        replies = iter(await super().execute(raise_on_error))
        return [answers[i] if i in answers else next(replies) for i in range(total)]


class EmbeddedRedis(ArqRedis):
    """An arq pool whose Redis lives in this process's memory (fakeredis)."""

    def __init__(self) -> None:
        super().__init__(
            connection_pool=ConnectionPool(
                connection_class=fakeredis.FakeAsyncRedisConnection, server=fakeredis.FakeServer()
            )
        )

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        return _EmbeddedPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )

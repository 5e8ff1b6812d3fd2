"""A worker's SMTP connections, kept open from one message to the next.

Connecting (TCP, greeting, EHLO, STARTTLS, login) and saying QUIT for every message cost more
than sending it: one worker managed about 60 invites a second. Here each process keeps up to
:data:`CONNECTIONS` connections per mail server and hands one to each send; one that has sat idle
is checked with NOOP first, and one that fails in any way is closed, never reused (the job's own
retry then decides what happens to the message).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

__all__ = ["CONNECTIONS", "close_all", "send"]

CONNECTIONS = 4
"""Open connections per mail server and process, at most; more sends wait their turn."""

CHECK_AFTER = 5.0
"""Seconds idle after which a connection is checked with NOOP before use."""


class _Connections:
    def __init__(self, url: str) -> None:
        self.url = url
        self.slots = asyncio.Semaphore(CONNECTIONS)
        self.idle: list[tuple[aiosmtplib.SMTP, float]] = []

    def _new(self) -> aiosmtplib.SMTP:
        url = urlsplit(self.url)
        return aiosmtplib.SMTP(
            hostname=url.hostname or "localhost",
            port=url.port or (465 if url.scheme == "smtps" else 25),
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            use_tls=url.scheme == "smtps",
            start_tls=None if url.scheme == "smtps" else (True if url.port == 587 else None),
            timeout=30,
        )

    async def _usable(self, smtp: aiosmtplib.SMTP, since: float) -> bool:
        if not smtp.is_connected:
            return False
        if time.monotonic() - since < CHECK_AFTER:
            return True
        try:
            await smtp.noop()
        except (aiosmtplib.SMTPException, OSError):
            _close(smtp)
            return False
        return True

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        async with self.slots:
            smtp = None
            while self.idle and smtp is None:
                candidate, since = self.idle.pop()
                if await self._usable(candidate, since):
                    smtp = candidate
            if smtp is None:
                smtp = self._new()
                await smtp.connect()
            try:
                yield smtp
            except BaseException:
                _close(smtp)
                raise
            self.idle.append((smtp, time.monotonic()))

    async def close(self) -> None:
        idle, self.idle = self.idle, []
        for smtp, _ in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                _close(smtp)


def _close(smtp: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        smtp.close()


_pools: dict[tuple[str, int], _Connections] = {}


def _pool(url: str) -> _Connections:
    key = (url, id(asyncio.get_running_loop()))
    if key not in _pools:
        _pools[key] = _Connections(url)
    return _pools[key]


async def send(message: EmailMessage, smtp_url: str) -> None:
    """Send ``message`` over a kept connection to ``smtp_url`` (a new one when none is free)."""
    async with _pool(smtp_url).connection() as smtp:
        await smtp.send_message(message)


async def close_all() -> None:
    """Say QUIT on this event loop's kept connections (at worker and web process shutdown)."""
    loop = id(asyncio.get_running_loop())
    for key in [key for key in _pools if key[1] == loop]:
        await _pools.pop(key).close()

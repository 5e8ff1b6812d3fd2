"""Repeated form submissions answered once: a double click, a browser's or a proxy's retry.

Every form carries a one-time key (``_once``, from :func:`csrf_field` in
templates/components/forms.html). For a POST that carries one, this middleware claims the key
for the sender (see :mod:`govhub.submissions`) before the handler runs:

- a repeat of a submission that has finished gets the first answer (its status, ``Location``,
  htmx's headers, its content) and the handler does not run;
- a repeat that arrives while the first is still running waits for it, for a while, then
  answers 409 with a plain message;
- an answer that changed nothing (4xx: a form error, or 5xx) frees the key for the corrected
  form, and so does one that sets a cookie (a sign-in: no session token is ever kept).

The sender is the CSRF identity (the session, or before sign-in the random cookie), so one
person's key never replays another's answer (and a public page served from the page cache,
which gives every visitor the same keys for a minute, is no way in). A POST without a key
(API clients, tests that post by hand) runs as it always did. Sits inside
:class:`~govhub.web.security.SecurityMiddleware`, which has checked the CSRF token; the form is
parsed once and reaches the handler as it was.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import re
import secrets
import time
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from govhub import submissions
from govhub.i18n import N_, gettext
from govhub.submissions import Answer, Ticket
from govhub.web.security import CSRF_FIELD

__all__ = ["ONCE_FIELD", "IdempotencyMiddleware", "new_form_key"]

logger = logging.getLogger(__name__)

ONCE_FIELD = "_once"
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NOT_FINGERPRINTED = frozenset({CSRF_FIELD, ONCE_FIELD})
FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")

WAIT_SECONDS = 15.0
"""How long a repeat waits for the first submission to finish before answering 409."""
POLL_SECONDS = 0.05
MAX_KEPT_BODY = 256 * 1024
SWEEP_EVERY = 600.0
"""Seconds between two sweeps of expired keys by one process."""

KEPT_HEADERS = frozenset({"content-type", "content-language", "location"})
STILL_RUNNING = N_(
    "This form is still being sent. Wait a moment, then reload the page to see whether it "
    "went through."
)
ALREADY_SENT = N_("This form has already been sent. Reload the page to see the result.")


def new_form_key() -> str:
    """A fresh one-time key for a form (the template global ``form_once``)."""
    return secrets.token_urlsafe(16)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key == name:
            return value
    return b""


async def fingerprint(scope: Scope, form) -> str:
    """What makes two POSTs the same submission: the address and every value sent, files too
    (by content: a browser's retry of an upload has a new multipart boundary)."""
    digest = hashlib.sha256()
    parts: list = [scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")]
    for name, value in form.multi_items():
        if name in NOT_FINGERPRINTED:
            continue  # the sender's identity is the claim's scope; the key is its name
        if isinstance(value, UploadFile):
            content = hashlib.sha256()
            while chunk := await value.read(1 << 16):
                content.update(chunk)
            await value.seek(0)
            parts.append([name, value.filename, value.content_type, content.hexdigest()])
        else:
            parts.append([name, str(value)])
    digest.update(json.dumps(parts).encode())
    return digest.hexdigest()


async def _close_uploads(form) -> None:
    for _, value in form.multi_items():
        if isinstance(value, UploadFile):
            await value.close()


def _plain(status: int, text: str) -> tuple[Message, Message]:
    body = (text + "\n").encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


async def _replay(send: Send, answer: Answer) -> None:
    if answer.body is None:
        start, body = _plain(answer.status, gettext(ALREADY_SENT))
        await send(start)
        await send(body)
        return
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


class _Recorder:
    """Passes the response on as it goes and keeps what a repeat would need of it."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.gzipped = self.sets_cookie = self.complete = False
        self.chunks: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for raw_name, raw_value in message.get("headers", []):
                name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
                if name == "set-cookie":
                    self.sets_cookie = True
                elif name == "content-encoding":
                    self.gzipped = value == "gzip"
                elif name in KEPT_HEADERS or name.startswith("hx-"):
                    self.headers.append((name, value))
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self.size += len(chunk)
            if self.size <= MAX_KEPT_BODY:
                self.chunks.append(chunk)
            self.complete = not message.get("more_body", False)
        await self.send(message)

    def answer(self) -> Answer | None:
        """The answer to keep, or None when it changed nothing or cannot be replayed."""
        if not (200 <= self.status < 400) or self.sets_cookie or not self.complete:
            return None
        body = b"".join(self.chunks) if self.size <= MAX_KEPT_BODY else None
        if body is not None and self.gzipped:
            body = gzip.decompress(body)
            body = body if len(body) <= MAX_KEPT_BODY else None
        return Answer(self.status, self.headers, body)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.next_sweep = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keyed = await self._keyed_form(scope, receive)
        if keyed is None:
            await self.app(scope, receive, send)
            return
        key, form = keyed
        identity: str = scope["state"]["csrf_token"]
        submission = await fingerprint(scope, form)
        try:
            await self._sweep()
            outcome = await self._claim(identity, key, submission)
        except Exception:  # the database is down: run the form as if it had no key
            logger.warning("form key not claimed: the form runs unguarded", exc_info=True)
            await self.app(scope, receive, send)
            return
        if isinstance(outcome, Ticket):
            await self._run(outcome, scope, receive, send)
            return
        await _close_uploads(form)  # no handler will
        if outcome is None:
            start, body = _plain(409, gettext(STILL_RUNNING))
            await send(start)
            await send(body)
        else:
            await _replay(send, outcome)

    async def _keyed_form(self, scope: Scope, receive: Receive) -> tuple[str, Any] | None:
        """A form POST that passed the CSRF check and carries a one-time key: the key and form.

        (The form is parsed once: Litestar keeps it in the scope for the handler.)"""
        if scope["type"] != "http" or scope["method"] != "POST":
            return None
        if not _header(scope, b"content-type").startswith(FORM_TYPES):
            return None
        if not scope.get("state", {}).get("csrf_token"):
            return None
        try:
            form = await Request(scope, receive).form()
        except HTTPException:
            raise  # e.g. 413: the handler would say the same
        except Exception:
            return None  # malformed: the handler answers it as it always did
        key = form.get(ONCE_FIELD)
        return (key, form) if isinstance(key, str) and KEY_SHAPE.fullmatch(key) else None

    async def _claim(self, identity: str, key: str, submission: str) -> Ticket | Answer | None:
        """Claim the key, waiting while the first submission with it is still running."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            outcome = await submissions.claim(identity, key, submission)
            if outcome is not None or time.monotonic() >= deadline:
                return outcome
            await asyncio.sleep(POLL_SECONDS)

    async def _run(self, ticket: Ticket, scope: Scope, receive: Receive, send: Send) -> None:
        recorder = _Recorder(send)
        answer = None
        try:
            await self.app(scope, receive, recorder)
            answer = recorder.answer()
        finally:
            # Shielded: a client that hangs up must not leave the key claimed until it is stale.
            settle = submissions.finish(ticket, answer) if answer else submissions.release(ticket)
            try:
                await asyncio.shield(settle)
            except Exception:  # the key stays claimed until it is stale; the answer stands
                logger.warning("form key not settled", exc_info=True)

    async def _sweep(self) -> None:
        if time.monotonic() < self.next_sweep:
            return
        self.next_sweep = time.monotonic() + SWEEP_EVERY
        await submissions.forget_expired()

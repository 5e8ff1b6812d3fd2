"""Sending outbox rows over SMTP, retrying temporary failures with backoff."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import sqlite3
import unicodedata
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import aiosmtplib
from arq.worker import Retry

from govhub import clock
from govhub.mail import smtp
from govhub.mail.tables import MailState, OutboxMessage
from govhub.settings import get_settings

__all__ = ["send_outbox_message"]

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


_EW_LIMIT = 75  # RFC 2047: an encoded word is at most 75 characters
_EW_WRAPPER = len("=?utf-8?b??=")


def _encoded_len(text: str) -> int:
    return _EW_WRAPPER + 4 * ((len(text.encode()) + 2) // 3)


def _pieces(text: str) -> list[str]:
    """Whole words with the white space after them, and a word too long for one encoded word
    cut between characters, never before a combining mark (a vowel sign or virama stays with
    its consonant, so no client shows a broken letter)."""
    pieces = []
    for word in re.findall(r"\s*\S+\s*|\s+", text):
        while _encoded_len(word) > _EW_LIMIT:
            cut = len(word) - 1
            while cut > 1 and (
                _encoded_len(word[:cut]) > _EW_LIMIT
                or unicodedata.category(word[cut]).startswith("M")
            ):
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    return pieces


def encoded_words(text: str, first_line_room: int = _EW_LIMIT) -> list[str]:
    """``text`` as RFC 2047 base64 encoded words, each holding whole words and the spaces after
    them: the white space between encoded words is folding, which readers drop, so no space of
    the text is ever outside one (the defect of some Pythons' own folding, which lost them)."""
    words: list[str] = []
    chunk = ""
    room = min(first_line_room, _EW_LIMIT)
    for piece in _pieces(text):
        if chunk and _encoded_len(chunk + piece) > room:
            words.append(chunk)
            chunk, room = "", _EW_LIMIT
        chunk += piece
    if chunk:
        words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words]


class _EncodedHeader(str):
    """A header whose text is kept as given (``str``) and written as our own encoded words.

    The email package's documented header protocol: a value with a ``name`` is stored as it is
    and written by its ``fold``.
    """

    name: str
    _words: list[str]

    def __new__(cls, name: str, text: str, words: list[str]) -> _EncodedHeader:
        header = super().__new__(cls, text)
        header.name, header._words = name, words
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {(policy.linesep + ' ').join(self._words)}{policy.linesep}"


def _subject(text: str) -> str:
    if text.isascii():
        return text
    room = 78 - len("Subject: ")
    return _EncodedHeader("Subject", text, encoded_words(text, room))


def _sender(value: str) -> str:
    name, address = parseaddr(value)
    if name.isascii() or not address:
        return formataddr((name, address)) if address else value
    words = [*encoded_words(name, 78 - len("From: ")), f"<{address}>"]
    return _EncodedHeader("From", value, words)


def build_message(row: OutboxMessage, sender: str) -> EmailMessage:
    """The email for an outbox row: text, HTML and, for an invite, the iTIP calendar part.

    An invite is ``multipart/mixed``: ``multipart/alternative`` (text/plain, text/html,
    ``text/calendar; method=...``) and the same calendar attached as ``invite.ics``, the shape
    calendar clients (Outlook, Gmail, Apple Mail) offer to add or update. The calendar is given as
    bytes with base64, so its CRLF line endings arrive intact.
    """
    message = EmailMessage()
    message["From"] = _sender(sender)
    message["To"] = row.to_address
    message["Subject"] = _subject(row.subject)
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    if row.calendar_body:
        ics = row.calendar_body.encode()
        method = row.calendar_method or "PUBLISH"
        message.add_alternative(
            ics, maintype="text", subtype="calendar", params={"method": method, "charset": "utf-8"}
        )
        filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
        message.add_attachment(ics, maintype="application", subtype="ics", filename=filename)
    return message


async def _deliver(message: EmailMessage, smtp_url: str) -> None:
    await smtp.send(message, smtp_url)  # over a connection kept open between messages


def _temporary(exc: Exception) -> bool:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 400 <= exc.code < 500
    return isinstance(
        exc,
        (
            aiosmtplib.SMTPConnectError,
            aiosmtplib.SMTPServerDisconnected,
            aiosmtplib.SMTPTimeoutError,
            OSError,
        ),
    )


async def _claim(message_id: int) -> list[dict]:
    return await (
        OutboxMessage.update(
            {
                OutboxMessage.state: MailState.sending,
                OutboxMessage.attempts: OutboxMessage.attempts + 1,
                OutboxMessage.claimed_at: clock.now(),
            }
        )
        .where((OutboxMessage.id == message_id) & (OutboxMessage.state == MailState.queued))
        .returning(*OutboxMessage.all_columns())
    )


async def send_outbox_message(ctx: dict, message_id: int) -> str:
    """arq job: send one outbox row. Running it again for a sent row does nothing."""
    settings = get_settings()
    # Only a queued row is claimed: two jobs for one row (a retry and the sweep's) send once.
    try:
        claimed = await _claim(message_id)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # SQLite busy past its timeout (a burst of writers): nothing was claimed, try later.
        raise Retry(defer=dt.timedelta(seconds=2)) from exc
    if not claimed:
        return "nothing to do"
    row = OutboxMessage(**claimed[0], _ignore_missing=True)
    if not settings.smtp_url:
        await OutboxMessage.update({OutboxMessage.state: MailState.kept}).where(
            OutboxMessage.id == message_id
        )
        return "kept"
    try:
        await _deliver(build_message(row, settings.mail_from), settings.smtp_url)
    except Exception as exc:
        retry = _temporary(exc) and row.attempts < MAX_ATTEMPTS
        backoff = dt.timedelta(seconds=5 * 2**row.attempts)
        # A refusal (a 4xx or 5xx reply) delivered nothing; a connection lost or timed out
        # may have been lost after the server took the message, so its retry is counted.
        maybe_delivered = int(not isinstance(exc, aiosmtplib.SMTPResponseException))
        await OutboxMessage.update(
            {
                OutboxMessage.state: MailState.queued if retry else MailState.failed,
                OutboxMessage.last_error: f"{type(exc).__name__}: {exc}"[:2000],
                OutboxMessage.due_at: clock.now() + backoff,
                OutboxMessage.possible_duplicates: OutboxMessage.possible_duplicates
                + (maybe_delivered if retry else 0),
            }
        ).where(OutboxMessage.id == message_id)
        if retry:
            raise Retry(defer=backoff) from exc
        logger.warning("mail %s failed for good: %s", message_id, exc)
        return "failed"
    await OutboxMessage.update(
        {
            OutboxMessage.state: MailState.sent,
            OutboxMessage.sent_at: dt.datetime.now(dt.UTC),
            OutboxMessage.last_error: "",
        }
    ).where(OutboxMessage.id == message_id)
    return "sent"

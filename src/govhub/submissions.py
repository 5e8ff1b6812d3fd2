"""Form submissions already answered, so a repeated POST gets the first answer and changes nothing.

Every form carries a one-time key. The first POST with it claims the key (one row per sender and
key, held by a unique index) before anything runs; when it has changed something its answer is
kept here, and a repeat (a double click, a browser's or a proxy's retry) is given that answer.
A form error frees the key, so the corrected form goes through with the same key.

A key names one submission: the same form with the same values. Sent again with other values
(an autosave, a form that stays on the page and is used again) it is a new submission, which
takes the key over.

Answers are sealed (AES-GCM) with a key derived from the sender's identity, a value the database
never holds: a live link in an answer (a congress manage link) is no secret for whoever reads
this table. Rows are forgotten a day after their claim.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

__all__ = [
    "KEPT_FOR",
    "STALE_AFTER",
    "Answer",
    "Submission",
    "Ticket",
    "claim",
    "finish",
    "forget_expired",
    "release",
    "sweep_expired",
]

KEPT_FOR = dt.timedelta(days=1)
"""How long a key is remembered after its claim."""

STALE_AFTER = dt.timedelta(minutes=2)
"""A claim still running after this was abandoned (its process died): a repeat may take it over."""

RUNNING, DONE = "running", "done"


class Submission(Table):
    """One one-time key of one sender: claimed while its request runs, then its answer."""

    scope = Varchar(length=64, required=True)  # a hash of the sender's identity
    key = Varchar(length=64, required=True)
    fingerprint = Varchar(length=64, required=True)  # method, address and form values
    state = Varchar(length=10, default=RUNNING)
    generation = Integer(default=0)  # raised on each take-over: a stale claim cannot finish
    answer = Text(default="")  # sealed, see _seal
    claimed_at = Timestamptz()


@dataclass(frozen=True)
class Answer:
    """A response as the sender first got it."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes | None  # None: too large to keep


@dataclass(frozen=True)
class Ticket:
    """This request holds the key: it runs, then finishes (keeps its answer) or releases it."""

    id: int
    generation: int
    identity: str
    key: str
    fingerprint: str


def _scope(identity: str) -> str:
    return hashlib.sha256(b"govhub submission scope\0" + identity.encode()).hexdigest()


def _cipher(identity: str) -> AESGCM:
    key = hmac.new(identity.encode(), b"govhub submission answer", hashlib.sha256).digest()
    return AESGCM(key)


def _context(key: str, fingerprint: str) -> bytes:
    return f"{key}\0{fingerprint}".encode()


def _seal(ticket: Ticket, answer: Answer) -> str:
    plain = json.dumps(
        {
            "status": answer.status,
            "headers": answer.headers,
            "body": None if answer.body is None else base64.b64encode(answer.body).decode(),
        }
    ).encode()
    nonce = os.urandom(12)
    sealed = _cipher(ticket.identity).encrypt(
        nonce, plain, _context(ticket.key, ticket.fingerprint)
    )
    return base64.b64encode(nonce + sealed).decode()


def _open(identity: str, key: str, fingerprint: str, text: str) -> Answer | None:
    try:
        raw = base64.b64decode(text)
        plain = _cipher(identity).decrypt(raw[:12], raw[12:], _context(key, fingerprint))
    except (ValueError, InvalidTag):
        return None
    data = json.loads(plain)
    body = None if data["body"] is None else base64.b64decode(data["body"])
    return Answer(data["status"], [tuple(pair) for pair in data["headers"]], body)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def claim(identity: str, key: str, fingerprint: str) -> Ticket | Answer | None:
    """Claim ``key`` for this submission.

    A :class:`Ticket`: this is the first (run it). An :class:`Answer`: the first one's answer.
    None: the first one is still running (ask again in a moment).
    """
    scope = _scope(identity)
    for _ in range(5):  # another request may insert, delete or take over the row in between
        # Read first: a repeat that only waits never asks for SQLite's write lock.
        row = (
            await Submission.select()
            .where((Submission.scope == scope) & (Submission.key == key))
            .first()
        )
        if row is None:
            if ticket := await _insert(scope, identity, key, fingerprint):
                return ticket
            continue
        now = _now()
        same = row["fingerprint"] == fingerprint and now - row["claimed_at"] < KEPT_FOR
        if same and row["state"] == DONE:
            answer = _open(identity, key, fingerprint, row["answer"])
            if answer is not None:
                return answer
        elif same and row["state"] == RUNNING and now - row["claimed_at"] < STALE_AFTER:
            return None  # still running
        if ticket := await _take_over(row, identity, key, fingerprint):
            return ticket
    return None


async def _insert(scope: str, identity: str, key: str, fingerprint: str) -> Ticket | None:
    inserted = (
        await Submission.insert(
            Submission(scope=scope, key=key, fingerprint=fingerprint, claimed_at=_now())
        )
        .on_conflict(action="DO NOTHING")
        .returning(Submission.id)
    )
    return Ticket(inserted[0]["id"], 0, identity, key, fingerprint) if inserted else None


async def _take_over(row: dict, identity: str, key: str, fingerprint: str) -> Ticket | None:
    """The row is another submission's, expired or abandoned: claim it, unless someone did."""
    generation = row["generation"] + 1
    updated = (
        await Submission.update(
            {
                Submission.fingerprint: fingerprint,
                Submission.state: RUNNING,
                Submission.generation: generation,
                Submission.answer: "",
                Submission.claimed_at: _now(),
            }
        )
        .where((Submission.id == row["id"]) & (Submission.generation == row["generation"]))
        .returning(Submission.id)
    )
    return Ticket(row["id"], generation, identity, key, fingerprint) if updated else None


def _held(ticket: Ticket):
    return (
        (Submission.id == ticket.id)
        & (Submission.generation == ticket.generation)
        & (Submission.state == RUNNING)
    )


async def finish(ticket: Ticket, answer: Answer) -> None:
    """Keep the answer for repeats (unless another submission took the key over meanwhile)."""
    await Submission.update(
        {Submission.state: DONE, Submission.answer: _seal(ticket, answer)}
    ).where(_held(ticket))


async def release(ticket: Ticket) -> None:
    """Forget the claim: nothing was changed, so the key may be used again."""
    await Submission.delete().where(_held(ticket))


async def forget_expired(now: dt.datetime | None = None) -> int:
    """Delete the keys claimed more than :data:`KEPT_FOR` ago; how many."""
    cutoff = (now or _now()) - KEPT_FOR
    deleted = (
        await Submission.delete().where(Submission.claimed_at < cutoff).returning(Submission.id)
    )
    return len(deleted)


async def sweep_expired(ctx: dict | None = None) -> int:
    """arq cron job: :func:`forget_expired`."""
    return await forget_expired()

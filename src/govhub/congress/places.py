"""Places: taking, giving back and handing on places in a congress and its sessions.

Every change to who holds a place runs inside :func:`holding_places`: one transaction that
holds a lock for the edition, so two people can never both take the last place.

- In this process, an :class:`asyncio.Lock` per edition queues callers first come, first
  served, so they wait their turn in order instead of polling the database.
- In the database, the lock that holds across processes: on SQLite an immediate transaction
  (``BEGIN IMMEDIATE`` takes the single write lock before the first read); on PostgreSQL
  ``SELECT ... FOR UPDATE`` on the edition's row and then the sessions' rows, in id order.

:data:`LOCKING` exists for one test, the control run that shows the lock is what stops
overbooking: ``"database"`` drops the in-process queue, ``"off"`` drops the transaction too.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from typing import Literal

from piccolo.engine.sqlite import SQLiteTransaction, TransactionType

from govhub import db
from govhub.congress.tables import (
    BookingStatus,
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)

__all__ = [
    "LOCKING",
    "allocate_sessions",
    "confirmed_count",
    "free_session_places",
    "holding_places",
    "next_arrival",
    "promote_next_waiting",
    "session_places_taken",
]

LOCKING: Literal["full", "database", "off"] = "full"

_queues: dict[int, asyncio.Lock] = {}


def _queue(edition_id: int) -> asyncio.Lock:
    # One asyncio.Lock per edition and event loop is enough: editions are few.
    lock = _queues.get(edition_id)
    if lock is None or getattr(lock, "_loop", None) not in (None, asyncio.get_running_loop()):
        lock = _queues[edition_id] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def holding_places(edition_id: int, session_ids: Iterable[int] = ()) -> AsyncIterator[None]:
    """A transaction holding the edition's places lock (see the module's docstring)."""
    if LOCKING == "off":
        yield
        return
    if LOCKING == "full":
        async with _queue(edition_id):
            async with _locked_transaction(edition_id, sorted(set(session_ids))):
                yield
    else:
        async with _locked_transaction(edition_id, sorted(set(session_ids))):
            yield


@contextlib.asynccontextmanager
async def _locked_transaction(edition_id: int, session_ids: list[int]) -> AsyncIterator[None]:
    engine = Edition._meta.db
    if db.is_sqlite(engine):
        transaction = await _begin_immediate(engine)
        try:
            yield
        except BaseException as error:
            await transaction.__aexit__(type(error), error, error.__traceback__)
            raise
        await transaction.__aexit__(None, None, None)
        return
    async with engine.transaction(allow_nested=False):
        await Edition.raw("SELECT id FROM congress_edition WHERE id = {} FOR UPDATE", edition_id)
        if session_ids:
            await CongressSession.raw(
                "SELECT id FROM congress_session WHERE id = ANY({}) ORDER BY id FOR UPDATE",
                session_ids,
            )
        yield


SQLITE_WAIT = 300.0
"""Seconds a request keeps asking SQLite for the write lock (each ask waits up to the busy
timeout) before it gives up: a queue of hundreds from several processes can take that long."""


async def _begin_immediate(engine) -> SQLiteTransaction:
    """``BEGIN IMMEDIATE``, asked again while others hold the write lock past the busy timeout.
    Nothing has been read or written yet, so asking again is safe."""
    deadline = time.monotonic() + SQLITE_WAIT
    while True:
        transaction = engine.transaction(
            transaction_type=TransactionType.immediate, allow_nested=False
        )
        try:
            return await transaction.__aenter__()
        except sqlite3.OperationalError as error:
            if connection := getattr(transaction, "connection", None):
                await connection.close()
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise


async def next_arrival(edition_id: int) -> int:
    """The next number in the edition's queue (read under the lock, so never shared)."""
    row = (
        await Registration.select(Registration.arrival)
        .where(Registration.edition == edition_id)
        .order_by(Registration.arrival, ascending=False)
        .first()
    )
    return (row["arrival"] if row else 0) + 1


async def _next_booking_arrival(session_id: int) -> int:
    row = (
        await SessionBooking.select(SessionBooking.arrival)
        .where(SessionBooking.session == session_id)
        .order_by(SessionBooking.arrival, ascending=False)
        .first()
    )
    return (row["arrival"] if row else 0) + 1


async def confirmed_count(edition_id: int) -> int:
    """How many people have a place in the congress."""
    return await Registration.count().where(
        (Registration.edition == edition_id) & (Registration.status == RegistrationStatus.confirmed)
    )


async def session_places_taken(session_id: int) -> int:
    """How many people have a place in the session."""
    return await SessionBooking.count().where(
        (SessionBooking.session == session_id) & (SessionBooking.status == BookingStatus.confirmed)
    )


async def allocate_sessions(
    registration: Registration, sessions: Iterable[CongressSession]
) -> list[SessionBooking]:
    """Book the registration into ``sessions``: a place while one is free, else the session's
    waiting list; only ``pending`` while the registration itself is waiting for a place."""
    made = []
    for session in sessions:
        if registration.status == RegistrationStatus.confirmed:
            free = await session_places_taken(session.id) < session.capacity
            status = BookingStatus.confirmed if free else BookingStatus.waiting
        else:
            status = BookingStatus.pending
        booking = SessionBooking(
            registration=registration.id,
            session=session.id,
            status=status,
            arrival=await _next_booking_arrival(session.id),
        )
        await booking.save()
        made.append(booking)
    return made


async def free_session_places(session_ids: Iterable[int]) -> set[int]:
    """Fill the sessions' free places from their waiting lists, first come first served.

    Returns the ids of registrations that gained a place (their invites must be updated).
    """
    promoted: set[int] = set()
    for session_id in sorted(set(session_ids)):
        session = await CongressSession.objects().where(CongressSession.id == session_id).first()
        if session is None:
            continue
        free = session.capacity - await session_places_taken(session_id)
        if free <= 0:
            continue
        waiting = (
            await SessionBooking.objects()
            .where(
                (SessionBooking.session == session_id)
                & (SessionBooking.status == BookingStatus.waiting)
            )
            .order_by(SessionBooking.arrival)
            .limit(free)
        )
        for booking in waiting:
            await SessionBooking.update({SessionBooking.status: BookingStatus.confirmed}).where(
                SessionBooking.id == booking.id
            )
            promoted.add(booking.registration)
    return promoted


async def promote_next_waiting(edition: Edition) -> Registration | None:
    """Give a free congress place to the first person waiting, and book their sessions."""
    if await confirmed_count(edition.id) >= edition.capacity:
        return None
    registration = (
        await Registration.objects()
        .where(
            (Registration.edition == edition.id)
            & (Registration.status == RegistrationStatus.waiting)
        )
        .order_by(Registration.arrival)
        .first()
    )
    if registration is None:
        return None
    registration.status = RegistrationStatus.confirmed
    registration.confirmed_at = dt.datetime.now(dt.UTC)
    await registration.save([Registration.status, Registration.confirmed_at])
    pending = await SessionBooking.objects(SessionBooking.session).where(
        (SessionBooking.registration == registration.id)
        & (SessionBooking.status == BookingStatus.pending)
    )
    for booking in sorted(pending, key=lambda b: b.session.starts_at):
        session = booking.session
        free = await session_places_taken(session.id) < session.capacity
        await SessionBooking.update(
            {
                SessionBooking.status: BookingStatus.confirmed if free else BookingStatus.waiting,
                SessionBooking.arrival: await _next_booking_arrival(session.id),
            }
        ).where(SessionBooking.id == booking.id)
    return registration

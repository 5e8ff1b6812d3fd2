"""Reading editions and their programme, and how many places each has left."""

from __future__ import annotations

from dataclasses import dataclass

from govhub import clock
from govhub.congress.rules import change_state, registration_state
from govhub.congress.tables import (
    BookingStatus,
    CongressCallToAction,
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)

__all__ = [
    "Counts",
    "calls_to_action",
    "changes_open",
    "counts",
    "edition_by_slug",
    "edition_of",
    "editions",
    "programme",
    "registration_open",
]


async def editions() -> tuple[list[Edition], list[Edition]]:
    """(upcoming, past), the next one first and the latest past one first."""
    rows = await Edition.objects().order_by(Edition.starts_at)
    now = clock.now()
    return [e for e in rows if e.ends_at >= now], [e for e in reversed(rows) if e.ends_at < now]


async def edition_by_slug(slug: str) -> Edition | None:
    """The edition at ``slug`` (every edition is public), or None."""
    return await Edition.objects().where(Edition.slug == slug[:40]).first()


async def edition_of(registration: Registration) -> Edition:
    """The edition a registration is for."""
    return await Edition.objects().where(Edition.id == registration.edition).first()


async def programme(edition: Edition) -> list[CongressSession]:
    """The edition's sessions, in the order of the day."""
    return (
        await CongressSession.objects()
        .where(CongressSession.edition == edition.id)
        .order_by(CongressSession.starts_at)
        .order_by(CongressSession.position)
        .order_by(CongressSession.id)
    )


async def calls_to_action(edition: Edition) -> list[dict]:
    return (
        await CongressCallToAction.select(
            CongressCallToAction.call_to_action.number.as_alias("number"),
            CongressCallToAction.call_to_action.title.as_alias("title"),
        )
        .where(CongressCallToAction.edition == edition.id)
        .order_by(CongressCallToAction.call_to_action.number)
    )


def registration_open(edition: Edition) -> str:
    """``"not_open"``, ``"open"`` or ``"closed"`` now."""
    return registration_state(
        clock.now(), edition.registration_opens_at, edition.registration_closes_at
    )


def changes_open(edition: Edition) -> str:
    """Whether a registrant may change sessions or cancel now: ``"open"``, ``"closed"`` or
    ``"over"`` (the rule itself is checked again under the places lock when they do)."""
    return change_state(clock.now(), edition.registration_closes_at, edition.ends_at)


@dataclass
class Counts:
    capacity: int
    confirmed: int
    waiting: int
    arrived: int
    sessions: dict[int, dict[str, int]]  # session id -> {"confirmed", "waiting", "capacity"}

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    def session_left(self, session_id: int) -> int:
        row = self.sessions.get(session_id, {})
        return max(row.get("capacity", 0) - row.get("confirmed", 0), 0)


async def counts(edition: Edition, sessions: list[CongressSession] | None = None) -> Counts:
    sessions = sessions if sessions is not None else await programme(edition)
    regs = await Registration.select(Registration.status, Registration.arrived_at).where(
        Registration.edition == edition.id
    )
    bookings = await SessionBooking.select(SessionBooking.session, SessionBooking.status).where(
        SessionBooking.session.is_in([s.id for s in sessions] or [0])
    )
    per_session = {s.id: {"confirmed": 0, "waiting": 0, "capacity": s.capacity} for s in sessions}
    for booking in bookings:
        if booking["status"] in (BookingStatus.confirmed, BookingStatus.waiting):
            per_session[booking["session"]][booking["status"]] += 1
    return Counts(
        capacity=edition.capacity,
        confirmed=sum(r["status"] == RegistrationStatus.confirmed for r in regs),
        waiting=sum(r["status"] == RegistrationStatus.waiting for r in regs),
        arrived=sum(1 for r in regs if r["arrived_at"] and r["status"] == "confirmed"),
        sessions=per_session,
    )

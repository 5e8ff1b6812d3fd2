"""How is a congress's programme of sessions planned?

Organisers add sessions (parallel ones are allowed) inside the congress's hours, change them
and take them out while nobody has booked them. Each change runs under the places lock
(:mod:`govhub.congress.places`): a session's places never drop below the places given, more
places go to the first people waiting, and a session that moves sends an updated invite to
everyone with a place who booked it. Reading the programme is in :mod:`govhub.congress.editions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.edition_setup import at_local, local, local_hhmm, parse_capacity
from govhub.congress.notices import queue_update
from govhub.congress.registrations import hand_on_places
from govhub.congress.tables import (
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.governance.principal import Principal
from govhub.mail.services import dispatch_all
from govhub.mail.tables import OutboxMessage
from govhub.validation import FormError, parse_time, require

__all__ = [
    "SESSION_FIELDS",
    "SessionPlan",
    "parse_session",
    "remove_session",
    "save_session",
    "session_in_programme",
    "session_values",
]

SESSION_FIELDS = ("title", "description", "starts", "ends", "room", "capacity")


def session_values(session: CongressSession) -> dict[str, str]:
    """A session as its form shows it (local times)."""
    return {
        "title": session.title,
        "description": session.description,
        "starts": local_hhmm(session.starts_at),
        "ends": local_hhmm(session.ends_at),
        "room": session.room,
        "capacity": str(session.capacity),
    }


async def session_in_programme(edition: Edition, session_id: int) -> CongressSession | None:
    """The session ``session_id`` if it is in ``edition``'s programme."""
    return (
        await CongressSession.objects()
        .where((CongressSession.id == session_id) & (CongressSession.edition == edition.id))
        .first()
    )


@dataclass
class SessionPlan:
    """A session form, read and checked."""

    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    capacity: int


def parse_session(edition: Edition, values: dict[str, str]) -> SessionPlan:
    """Read the session form; raise FormError with a message next to each field."""
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter the session's title")
    description = values.get("description", "").strip()
    if len(description) > 4000:
        errors["description"] = "Shorten the description to 4,000 characters or fewer"
    day = local(edition.starts_at).date()
    starts_at = at_local(day, parse_time(values.get("starts", ""), errors, "starts", "start time"))
    ends_at = at_local(day, parse_time(values.get("ends", ""), errors, "ends", "end time"))
    hours = f"{local_hhmm(edition.starts_at)} to {local_hhmm(edition.ends_at)}"
    if starts_at and not edition.starts_at <= starts_at < edition.ends_at:
        errors["starts"] = f"The session must start during the congress ({hours})"
    if ends_at and starts_at and ends_at <= starts_at:
        errors["ends"] = "The end time must be after the start time"
    elif ends_at and ends_at > edition.ends_at:
        errors["ends"] = f"The session must end by the end of the congress ({hours})"
    room = values.get("room", "").strip()
    if len(room) > 200:
        errors["room"] = "Shorten the room to 200 characters or fewer"
    capacity = parse_capacity(values.get("capacity", ""), errors)
    if errors:
        raise FormError(errors)
    return SessionPlan(title, description, starts_at, ends_at, room, capacity)


async def save_session(
    principal: Principal,
    edition: Edition,
    values: dict[str, str],
    session: CongressSession | None = None,
) -> CongressSession:
    """Add a session to the programme, or change one. Parallel sessions are allowed."""
    plan = parse_session(edition, values)
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id, [session.id] if session else []):
        if session is None:
            saved = await _add_session(principal, edition, plan)
        else:
            saved = await session_in_programme(edition, session.id)
            messages.extend(await _change_session(principal, edition, saved, plan))
    await dispatch_all(messages)
    return saved


async def _add_session(principal: Principal, edition: Edition, plan: SessionPlan):
    last = (
        await CongressSession.select(CongressSession.position)
        .where(CongressSession.edition == edition.id)
        .order_by(CongressSession.position, ascending=False)
        .first()
    )
    saved = CongressSession(
        edition=edition.id,
        title=plan.title,
        description=plan.description,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        room=plan.room,
        capacity=plan.capacity,
        position=(last["position"] + 1) if last else 0,
    )
    await saved.save()
    await record(
        principal,
        "congress.session_added",
        saved,
        summary=f"{edition.title}: {saved.title}",
        body_id=edition.organising_body,
    )
    return saved


async def _change_session(
    principal: Principal, edition: Edition, saved: CongressSession, plan: SessionPlan
) -> list[OutboxMessage]:
    """Change ``saved`` (read under the lock) to ``plan``; the mail it causes, to dispatch."""
    taken = await places.session_places_taken(saved.id)
    if plan.capacity < taken:
        raise FormError(
            {
                "capacity": f"The number of places cannot be below the {taken} people "
                "who already have a place in this session"
            }
        )
    before = session_values(saved)
    moved = (plan.starts_at, plan.ends_at, plan.room) != (
        saved.starts_at,
        saved.ends_at,
        saved.room,
    )
    for field in ("title", "description", "starts_at", "ends_at", "room", "capacity"):
        setattr(saved, field, getattr(plan, field))
    await saved.save()
    after = session_values(saved)
    changed = sorted(k for k in after if after[k] != before[k])
    await record(
        principal,
        "congress.session_changed",
        saved,
        summary=f"{edition.title}: {saved.title}: {', '.join(changed) or 'nothing'}",
        body_id=edition.organising_body,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    messages: list[OutboxMessage] = []
    if moved:
        messages.extend(await _tell_booked(edition, saved.id))
    if plan.capacity > taken:
        messages.extend(await hand_on_places(edition, {saved.id}, False))
    return messages


async def _tell_booked(edition: Edition, session_id: int) -> list[OutboxMessage]:
    """A session moved: an updated invite to everyone with a place who booked it."""
    rows = await SessionBooking.select(SessionBooking.registration).where(
        SessionBooking.session == session_id
    )
    ids = sorted({r["registration"] for r in rows})
    messages = []
    for registration in await Registration.objects().where(
        Registration.id.is_in(ids or [0]) & (Registration.status == RegistrationStatus.confirmed)
    ):
        registration.sequence += 1
        await registration.save([Registration.sequence])
        if message := await queue_update(edition, registration):
            messages.append(message)
    return messages


async def remove_session(principal: Principal, edition: Edition, session_id: int) -> None:
    """Take a session out of the programme, only while nobody has booked it."""
    async with places.holding_places(edition.id, [session_id]):
        session = await session_in_programme(edition, session_id)
        if session is None:
            return
        booked = await SessionBooking.count().where(SessionBooking.session == session.id)
        if booked:
            people = "person has" if booked == 1 else "people have"
            raise FormError(
                {
                    f"remove-{session.id}": f"You cannot remove {session.title}: {booked} "
                    f"{people} booked it or are waiting for it. Change it instead, or ask "
                    "them to change their sessions first."
                }
            )
        await CongressSession.delete().where(CongressSession.id == session.id)
        await record(
            principal,
            "congress.session_removed",
            session,
            summary=f"{edition.title}: {session.title}",
            body_id=edition.organising_body,
        )

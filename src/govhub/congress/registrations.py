"""Registering for a congress, changing sessions and cancelling, and where someone waiting
stands: each change is one transaction under the places lock (see
:mod:`govhub.congress.places`), with its email sent after commit."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from govhub import clock, db
from govhub.accounts.secrets import hash_token
from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.editions import edition_of
from govhub.congress.forms import RegistrationForm
from govhub.congress.notices import (
    bookings_of,
    manage_token,
    queue_cancellation,
    queue_confirmation,
    queue_update,
)
from govhub.congress.reminders import drop_congress_reminders, plan_congress_reminders
from govhub.congress.rules import change_state, registration_state
from govhub.congress.tables import (
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.errors import NotFound, Refused
from govhub.mail.services import dispatch_all
from govhub.mail.tables import OutboxMessage

__all__ = [
    "AlreadyRegistered",
    "ChangesClosed",
    "ClosedForRegistration",
    "Registered",
    "cancel_registration",
    "change_sessions",
    "new_reference",
    "register",
    "registration_by_token",
    "waiting_position",
]

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out on the phone


class AlreadyRegistered(Exception):
    """This email address already holds a registration for the edition (nothing was sent)."""

    def __init__(self, registration_id: int) -> None:
        super().__init__(registration_id)
        self.registration_id = registration_id


class ClosedForRegistration(Exception):
    """Registration is not open (yet, or any more)."""


class ChangesClosed(Refused):
    """Registration has closed (``state`` "closed") or the congress is over ("over"): the
    registrant may still see, download and erase their registration, not change or cancel it."""

    def __init__(self, state: str) -> None:
        super().__init__(f"registration changes are {state}")
        self.state = state


async def _deadlines(edition_id: int) -> tuple[dict, dt.datetime]:
    """The edition's dates as the database holds them now, and the database's clock: read under
    the places lock, so a request that waited for the lock is judged when it gets it."""
    row = (
        await Edition.select(
            Edition.registration_opens_at, Edition.registration_closes_at, Edition.ends_at
        )
        .where(Edition.id == edition_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row, await db.database_now(Edition._meta.db)


async def _refuse_unless_open(edition_id: int) -> None:
    row, now = await _deadlines(edition_id)
    opens, closes = row["registration_opens_at"], row["registration_closes_at"]
    if registration_state(now, opens, closes) != "open":
        raise ClosedForRegistration()


async def _refuse_unless_changeable(edition_id: int) -> None:
    row, now = await _deadlines(edition_id)
    state = change_state(now, row["registration_closes_at"], row["ends_at"])
    if state != "open":
        raise ChangesClosed(state)


@dataclass
class Registered:
    registration: Registration
    token: str  # the secret manage link's token; only its hash is stored


def new_reference() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


async def registration_by_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return (
        await Registration.objects()
        .where(Registration.manage_token_hash == hash_token(token))
        .first()
    )


async def waiting_position(registration: Registration) -> int | None:
    """Where a registration waiting for a place stands in the queue (1 is next); None when
    it is not waiting."""
    if registration.status != RegistrationStatus.waiting:
        return None
    return await Registration.count().where(
        (Registration.edition == registration.edition)
        & (Registration.status == RegistrationStatus.waiting)
        & (Registration.arrival <= registration.arrival)
    )


async def register(
    edition: Edition, form: RegistrationForm, *, locale: str = "en", now: dt.datetime | None = None
) -> Registered:
    """Register one person: a place while the congress has one, else the waiting list.

    Raises :class:`AlreadyRegistered` (and sends nothing) for an email already registered, and
    :class:`ClosedForRegistration` when registration is not open by the database's clock once
    the places lock is held (a request that queued for the lock past closing time is refused).
    """
    now = now or clock.now()
    if registration_state(now, edition.registration_opens_at, edition.registration_closes_at) != (
        "open"
    ):
        raise ClosedForRegistration()
    reference = new_reference()
    token = manage_token(reference)
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id, [s.id for s in form.sessions]):
        await _refuse_unless_open(edition.id)
        taken = (
            await Registration.select(Registration.id)
            .where(
                (Registration.edition == edition.id) & (Registration.email_key == form.email_key)
            )
            .first()
        )
        if taken:
            raise AlreadyRegistered(taken["id"])
        full = await places.confirmed_count(edition.id) >= edition.capacity
        registration = Registration(
            edition=edition.id,
            status=RegistrationStatus.waiting if full else RegistrationStatus.confirmed,
            arrival=await places.next_arrival(edition.id),
            reference=reference,
            name=form.name,
            email=form.email,
            email_key=form.email_key,
            phone=form.phone,
            attending_as=form.attending_as,
            organisation=form.organisation_id,
            organisation_name=form.organisation_name,
            attending_other=form.attending_other,
            postcode=form.postcode,
            access_needs=",".join(form.needs),
            interpreting_other=form.interpreting_other,
            access_details=form.access_details,
            newsletter=form.newsletter,
            consented_at=now,
            locale=locale,
            manage_token_hash=hash_token(token),
            confirmed_at=None if full else now,
        )
        await registration.save()
        await places.allocate_sessions(registration, form.sessions)
        await record(
            None,
            "congress.registered",
            registration,
            summary=f"{registration.reference}: {registration.status}",
        )
        messages.append(await queue_confirmation(edition, registration))
        if registration.status == RegistrationStatus.confirmed:
            await plan_congress_reminders(edition, registration)
    await dispatch_all(messages)
    return Registered(registration, token)


async def _reload(registration_id: int) -> Registration | None:
    return await Registration.objects().where(Registration.id == registration_id).first()


async def hand_on_places(
    edition: Edition, freed_sessions: set[int], congress_place_freed: bool
) -> list[OutboxMessage]:
    """Give freed places to the first people waiting and write their emails."""
    messages: list[OutboxMessage] = []
    promoted = await places.promote_next_waiting(edition) if congress_place_freed else None
    if promoted is not None:
        messages.append(await queue_confirmation(edition, promoted, promoted=True))
        await plan_congress_reminders(edition, promoted)
        await record(None, "congress.promoted", promoted, summary=promoted.reference)
    gained = await places.free_session_places(freed_sessions)
    gained.discard(promoted.id if promoted else 0)
    for registration_id in sorted(gained):
        registration = await _reload(registration_id)
        if registration is None:
            continue
        registration.sequence += 1
        await registration.save([Registration.sequence])
        if message := await queue_update(edition, registration):
            messages.append(message)
    return messages


async def cancel_registration(
    registration: Registration, *, notify: bool = True, by_registrant: bool = False
) -> bool:
    """Cancel a registration: CANCEL to them (when they had an invite), and the place to the
    first person waiting. False when it was already cancelled.

    ``by_registrant`` (their manage link): raises :class:`ChangesClosed` once registration has
    closed or the congress is over, by the database's clock under the lock.
    """
    edition = await edition_of(registration)
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id):
        if by_registrant:
            await _refuse_unless_changeable(edition.id)
        current = await _reload(registration.id)
        if current is None or current.status == RegistrationStatus.cancelled:
            return False
        pairs = await bookings_of(current.id)
        had_place = current.status == RegistrationStatus.confirmed
        current.status = RegistrationStatus.cancelled
        current.cancelled_at = dt.datetime.now(dt.UTC)
        current.email_key = f"~cancelled-{current.id}"
        current.sequence += 1
        await current.save(
            [
                Registration.status,
                Registration.cancelled_at,
                Registration.email_key,
                Registration.sequence,
            ]
        )
        if notify and (message := await queue_cancellation(edition, current)):
            messages.append(message)
        freed = {s.id for booking, s in pairs if booking.status == "confirmed"}
        await SessionBooking.delete().where(SessionBooking.registration == current.id)
        await drop_congress_reminders(current)
        await record(None, "congress.cancelled", current, summary=current.reference)
        messages += await hand_on_places(edition, freed, had_place)
    await dispatch_all(messages)
    registration.status = current.status
    return True


async def change_sessions(registration: Registration, chosen: list[CongressSession]) -> bool:
    """Replace the registration's sessions with ``chosen`` (already checked for clashes).

    Sessions kept keep their place or their turn; places given up go to whoever waits.
    Returns False when nothing changed; raises :class:`ChangesClosed` once registration has
    closed or the congress is over (by the database's clock, under the lock).
    """
    edition = await edition_of(registration)
    wanted = {s.id for s in chosen}
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id, wanted):
        await _refuse_unless_changeable(edition.id)
        current = await _reload(registration.id)
        if current is None or current.status == RegistrationStatus.cancelled:
            return False
        before = await bookings_of(current.id)
        held = {s.id for _, s in before}
        if wanted == held:
            return False
        dropped = [(b, s) for b, s in before if s.id not in wanted]
        freed = {s.id for b, s in dropped if b.status == "confirmed"}
        if dropped:
            await SessionBooking.delete().where(SessionBooking.id.is_in([b.id for b, _ in dropped]))
        await places.allocate_sessions(current, [s for s in chosen if s.id not in held])
        current.sequence += 1
        await current.save([Registration.sequence])
        await record(None, "congress.sessions_changed", current, summary=current.reference)
        if message := await queue_update(edition, current):
            messages.append(message)
        messages += await hand_on_places(edition, freed, False)
    await dispatch_all(messages)
    return True

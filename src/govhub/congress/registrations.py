"""Registering for a congress, changing sessions and cancelling: each one transaction under
the places lock (see :mod:`govhub.congress.places`), with its email sent after commit."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from govhub import clock
from govhub.accounts.secrets import hash_token
from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.forms import RegistrationForm
from govhub.congress.notices import (
    bookings_of,
    manage_token,
    queue_cancellation,
    queue_confirmation,
    queue_update,
)
from govhub.congress.reminders import drop_congress_reminders, plan_congress_reminders
from govhub.congress.rules import registration_state
from govhub.congress.tables import (
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.mail.services import dispatch_all
from govhub.mail.tables import OutboxMessage

__all__ = [
    "AlreadyRegistered",
    "ClosedForRegistration",
    "Registered",
    "cancel_registration",
    "change_sessions",
    "new_reference",
    "register",
    "registration_by_token",
]

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out on the phone


class AlreadyRegistered(Exception):
    """This email address already holds a registration for the edition (nothing was sent)."""


class ClosedForRegistration(Exception):
    """Registration is not open (yet, or any more)."""


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


async def register(
    edition: Edition, form: RegistrationForm, *, locale: str = "en", now: dt.datetime | None = None
) -> Registered:
    """Register one person: a place while the congress has one, else the waiting list.

    Raises :class:`AlreadyRegistered` (and sends nothing) for an email already registered.
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
        taken = await Registration.exists().where(
            (Registration.edition == edition.id) & (Registration.email_key == form.email_key)
        )
        if taken:
            raise AlreadyRegistered()
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


async def cancel_registration(registration: Registration, *, notify: bool = True) -> bool:
    """Cancel a registration: CANCEL to them (when they had an invite), and the place to the
    first person waiting. False when it was already cancelled."""
    edition = await Edition.objects().where(Edition.id == registration.edition).first()
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id):
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
    Returns False when nothing changed.
    """
    edition = await Edition.objects().where(Edition.id == registration.edition).first()
    wanted = {s.id for s in chosen}
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id, wanted):
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

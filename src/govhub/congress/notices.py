"""What a registrant is sent: the calendar invite for their registration and the emails.

Each registration has one calendar UID for life. Its SEQUENCE is the edition's (raised when
the congress moves) plus the registration's own (raised when its sessions or status change),
so every update replaces the event in the person's calendar instead of adding another.

The ``queue_*`` functions write an outbox row in the caller's transaction and return it; the
caller dispatches it once that transaction has committed (mail leaves from the outbox job).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from govhub.accounts.secrets import sign
from govhub.calendar.feeds import partnership_organiser
from govhub.calendar.ics import CalAddress, CalendarEvent, build_calendar
from govhub.congress.tables import (
    BookingStatus,
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.i18n import format_local_time, format_local_when, translations_for
from govhub.mail.services import CalendarPart, queue_mail
from govhub.mail.tables import OutboxMessage
from govhub.settings import get_settings

__all__ = [
    "bookings_of",
    "edition_url",
    "manage_token",
    "manage_url",
    "queue_already_registered",
    "queue_cancellation",
    "queue_confirmation",
    "queue_reminder",
    "queue_update",
    "registration_event",
]


def edition_url(edition: Edition) -> str:
    return f"{get_settings().base_url}/congress/{edition.slug}"


def manage_token(reference: str) -> str:
    """The secret in a registration's manage link: 256 bits, derived from the secret key and
    the registration's reference so every email can carry it; only its hash is stored."""
    return sign(get_settings().resolved_secret_key(), "congress-manage", reference)


def manage_url(registration: Registration) -> str:
    return f"{get_settings().base_url}/congress/manage/{manage_token(registration.reference)}"


def calendar_uid(edition: Edition, registration: Registration) -> str:
    host = urlsplit(get_settings().base_url).hostname or "govhub.invalid"
    return f"congress-{edition.uid_salt or edition.id}-{registration.id}@{host}"


async def bookings_of(registration_id: int) -> list[tuple[SessionBooking, CongressSession]]:
    """The registration's sessions in programme order, with their booking."""
    rows = await SessionBooking.objects(SessionBooking.session).where(
        SessionBooking.registration == registration_id
    )
    pairs = [(row, row.session) for row in rows]
    return sorted(pairs, key=lambda pair: (pair[1].starts_at, pair[1].position, pair[1].id))


def session_lines(pairs, locale: str) -> list[dict]:
    """What an email or calendar says about each session."""
    tr = translations_for(locale)
    labels = {
        BookingStatus.confirmed: tr.gettext("you have a place"),
        BookingStatus.waiting: tr.gettext("on the waiting list"),
        BookingStatus.pending: tr.gettext("booked if you get a place at the congress"),
    }
    return [
        {
            "title": session.title,
            "time": f"{format_local_time(session.starts_at, locale)} \u2013 "
            f"{format_local_time(session.ends_at, locale)}",
            "room": session.room,
            "status": labels[BookingStatus(booking.status)],
        }
        for booking, session in pairs
    ]


def registration_event(
    edition: Edition,
    registration: Registration,
    pairs,
    *,
    cancelled: bool = False,
) -> CalendarEvent:
    tr = translations_for(registration.locale)
    lines = [edition.title]
    if edition.theme:
        lines.append(edition.theme)
    for line in session_lines(pairs, registration.locale):
        room = f", {line['room']}" if line["room"] else ""
        lines.append(f"{line['time']}: {line['title']}{room} ({line['status']})")
    if edition.venue_access:
        lines.append(edition.venue_access)
    return CalendarEvent(
        uid=calendar_uid(edition, registration),
        sequence=edition.sequence + registration.sequence,
        starts_at=edition.starts_at,
        ends_at=edition.ends_at,
        summary=tr.gettext("Tower Hamlets Partnership Congress") + f": {edition.title}",
        organiser=partnership_organiser(),
        location=edition.venue,
        description="\n".join(lines),
        url=edition_url(edition),
        cancelled=cancelled,
        attendees=(CalAddress(registration.email, registration.name),),
    )


def _context(edition: Edition, registration: Registration, pairs) -> dict:
    locale = registration.locale
    return {
        "name": registration.name,
        "reference": registration.reference,
        "edition_title": edition.title,
        "theme": edition.theme,
        "when": format_local_when(edition.starts_at, locale),
        "ends": format_local_time(edition.ends_at, locale),
        "venue": edition.venue,
        "venue_access": edition.venue_access,
        "edition_url": edition_url(edition),
        "manage_url": manage_url(registration),
        "sessions": session_lines(pairs, locale),
        "confirmed": registration.status == RegistrationStatus.confirmed,
    }


async def queue_confirmation(
    edition: Edition, registration: Registration, *, promoted: bool = False
) -> OutboxMessage:
    """ "You have a place" with the invite (REQUEST), or "you are on the waiting list"."""
    pairs = await bookings_of(registration.id)
    context = _context(edition, registration, pairs)
    if registration.status != RegistrationStatus.confirmed:
        return await queue_mail(
            to=registration.email,
            template="congress/waiting",
            context=context,
            kind="congress.waiting",
            locale=registration.locale,
        )
    ics = build_calendar([registration_event(edition, registration, pairs)], method="REQUEST")
    await Registration.update({Registration.invite_sent: True}).where(
        Registration.id == registration.id
    )
    registration.invite_sent = True
    return await queue_mail(
        to=registration.email,
        template="congress/promoted" if promoted else "congress/confirmation",
        context=context,
        kind="congress.promoted" if promoted else "congress.confirmation",
        calendar=CalendarPart(ics=ics, method="REQUEST"),
        locale=registration.locale,
    )


async def queue_update(edition: Edition, registration: Registration) -> OutboxMessage | None:
    """Sessions changed: the updated invite (a REQUEST with a higher SEQUENCE)."""
    if registration.status != RegistrationStatus.confirmed or not registration.email:
        return None
    pairs = await bookings_of(registration.id)
    ics = build_calendar([registration_event(edition, registration, pairs)], method="REQUEST")
    return await queue_mail(
        to=registration.email,
        template="congress/updated",
        context=_context(edition, registration, pairs),
        kind="congress.updated",
        calendar=CalendarPart(ics=ics, method="REQUEST"),
        locale=registration.locale,
    )


async def queue_cancellation(edition: Edition, registration: Registration) -> OutboxMessage | None:
    """ "Your registration is cancelled", with a CANCEL when they were sent an invite."""
    if not registration.email:
        return None
    pairs = await bookings_of(registration.id)
    calendar = None
    if registration.invite_sent:
        event = registration_event(edition, registration, pairs, cancelled=True)
        calendar = CalendarPart(ics=build_calendar([event], method="CANCEL"), method="CANCEL")
    return await queue_mail(
        to=registration.email,
        template="congress/cancelled",
        context=_context(edition, registration, pairs),
        kind="congress.cancelled",
        calendar=calendar,
        locale=registration.locale,
    )


async def _queue_plain(edition: Edition, registration: Registration, name: str) -> OutboxMessage:
    """An email with no calendar: ``templates/emails/congress/<name>``, kind ``congress.<name>``,
    in the registrant's language, about their place and sessions."""
    pairs = await bookings_of(registration.id)
    return await queue_mail(
        to=registration.email,
        template=f"congress/{name}",
        context=_context(edition, registration, pairs),
        kind=f"congress.{name}",
        locale=registration.locale,
    )


async def queue_reminder(edition: Edition, registration: Registration) -> OutboxMessage:
    """ "See you on Saturday": the time, the place, their sessions, and how to cancel."""
    return await _queue_plain(edition, registration, "reminder")


async def queue_already_registered(edition: Edition, registration: Registration) -> OutboxMessage:
    """ "You are already registered": someone registered their address again, so the page said
    "check your email" and this email carries their manage link once more."""
    return await _queue_plain(edition, registration, "already_registered")

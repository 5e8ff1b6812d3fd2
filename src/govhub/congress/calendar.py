"""A person's congress registrations as calendar events, for their personal feed."""

from __future__ import annotations

from piccolo.query import WhereRaw

from govhub.calendar.ics import CalendarEvent
from govhub.congress.notices import bookings_of, registration_event
from govhub.congress.tables import Edition, Registration, RegistrationStatus

__all__ = ["registration_events"]


async def registration_events(email: str) -> list[CalendarEvent]:
    """Every registration made with ``email`` (any case) that is not erased: with a place or
    waiting as live events, cancelled ones with ``cancelled=True`` so calendars drop them."""
    key = email.strip().lower()
    if not key:
        return []
    rows = await Registration.objects().where(
        WhereRaw("lower(email) = {}", key) & Registration.erased_at.is_null()
    )
    events = []
    editions: dict[int, Edition] = {}
    for registration in rows:
        if registration.edition not in editions:
            editions[registration.edition] = (
                await Edition.objects().where(Edition.id == registration.edition).first()
            )
        pairs = await bookings_of(registration.id)
        events.append(
            registration_event(
                editions[registration.edition],
                registration,
                pairs,
                cancelled=registration.status == RegistrationStatus.cancelled,
            )
        )
    return sorted(events, key=lambda e: e.starts_at)

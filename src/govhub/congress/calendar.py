"""A person's congress registrations as calendar events, for their personal feed."""

from __future__ import annotations

import dataclasses

from piccolo.query import WhereRaw

from govhub.calendar.ics import CalendarEvent
from govhub.congress.notices import bookings_of, registration_event
from govhub.congress.tables import Edition, Registration, RegistrationStatus

__all__ = ["registration_events"]


async def registration_events(email: str) -> list[CalendarEvent]:
    """Every registration made with ``email`` (any case) that is not erased: a place as a
    confirmed event, a place on the waiting list as a TENTATIVE one, cancelled ones with
    ``cancelled=True`` so calendars drop them."""
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
        event = registration_event(
            editions[registration.edition],
            registration,
            pairs,
            cancelled=registration.status == RegistrationStatus.cancelled,
        )
        moments = [
            m
            for m in (
                registration.created_at,
                registration.confirmed_at,
                registration.cancelled_at,
                editions[registration.edition].created_at,
            )
            if m is not None
        ]
        events.append(
            dataclasses.replace(
                event,
                tentative=registration.status == RegistrationStatus.waiting,
                last_modified=max(moments, default=None),
                attendees=(),  # a feed is a PUBLISH: it names no attendee
            )
        )
    return sorted(events, key=lambda e: e.starts_at)

"""Reminders before the congress, through the calendar's reminder rows (see
:mod:`govhub.calendar.reminders`): a week before and the day before, to everyone with a place.
:func:`write_congress_reminder` writes each when due; the worker lists it among its writers."""

from __future__ import annotations

import datetime as dt

from govhub.calendar.reminders import Due, drop_reminders, on_the_day, replace_reminders
from govhub.calendar.tables import Reminder
from govhub.congress.notices import queue_reminder
from govhub.congress.tables import Edition, Registration, RegistrationStatus
from govhub.mail.tables import OutboxMessage
from govhub.settings import get_settings

__all__ = [
    "KIND",
    "drop_congress_reminders",
    "forget_reminders",
    "plan_congress_reminders",
    "write_congress_reminder",
]

KIND = "congress"
"""The kind of the reminder rows of congress registrations."""

# (how many days before the congress's day, label). The labels are for organisers reading the rows.
BEFORE = ((dt.timedelta(days=7), "7 days before"), (dt.timedelta(days=1), "1 day before"))


def _local_day(edition: Edition) -> dt.date:
    return edition.starts_at.astimezone(get_settings().zone).date()


async def plan_congress_reminders(edition: Edition, registration: Registration) -> None:
    """Call inside the transaction that gave the registration its place."""
    await replace_reminders(
        KIND,
        registration.id,
        [
            Due(
                due_at=on_the_day(_local_day(edition) - before, get_settings().zone),
                recipient=registration.email,
                recipient_name=registration.name,
                label=label,
                locale=registration.locale,
                event_at=edition.starts_at,
            )
            for before, label in BEFORE
            if registration.email
        ],
    )


async def drop_congress_reminders(registration: Registration) -> None:
    await drop_reminders(KIND, registration.id)


async def forget_reminders(registration_id: int) -> None:
    """Erasure: no reminder row keeps the person's address or name, sent or not."""
    await drop_reminders(KIND, registration_id)
    await Reminder.update({Reminder.recipient: "", Reminder.recipient_name: ""}).where(
        (Reminder.kind == KIND) & (Reminder.target_id == registration_id)
    )


async def write_congress_reminder(reminder: Reminder) -> OutboxMessage | None:
    """The reminder email, from the registration as it is now; None once they have no place."""
    registration = await Registration.objects().where(Registration.id == reminder.target_id).first()
    if (
        registration is None
        or registration.status != RegistrationStatus.confirmed
        or registration.erased_at is not None
        or not registration.email
    ):
        return None
    edition = await Edition.objects().where(Edition.id == registration.edition).first()
    return await queue_reminder(edition, registration)

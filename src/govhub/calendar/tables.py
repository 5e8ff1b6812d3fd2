"""Reminders waiting to be sent, and the secret addresses of personal calendar feeds."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from govhub.accounts.tables import User
from govhub.mail.tables import OutboxMessage

__all__ = ["FeedToken", "Reminder", "ReminderState"]


class ReminderState(StrEnum):
    pending = "pending"  # waiting for its due time
    queued = "queued"  # its email is in the outbox (``message``)
    dropped = "dropped"  # nothing to send any more (meeting cancelled, registration withdrawn)
    failed = "failed"  # its email could not be written, try after try: parked for admins
    skipped = "skipped"  # its moment had passed (an outage) or its event begun: never sent late


class Reminder(Table):
    """One reminder to one person about one thing (a meeting, an agenda deadline, a congress).

    ``kind`` names the writer of its email when it falls due (the worker's
    ``REMINDER_WRITERS``, see :mod:`govhub.calendar.reminders`); ``target_id`` is the thing's
    id for that writer.
    """

    kind = Varchar(length=40, required=True)
    target_id = Integer(required=True, index=True)
    recipient = Varchar(length=254, required=True)
    recipient_name = Varchar(length=200, default="")
    locale = Varchar(length=10, default="en")
    label = Varchar(length=60, default="")  # "7 days before", "agenda deadline"
    due_at = Timestamptz(required=True, index=True)
    event_at = Timestamptz(null=True, default=None)  # when what it announces begins
    state = Varchar(length=10, choices=ReminderState, default=ReminderState.pending, index=True)
    message = ForeignKey(OutboxMessage, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    # Writing its email failed: how often, the last error, and when the sweep tries again.
    attempts = Integer(default=0)
    last_error = Text(default="")
    retry_at = Timestamptz(null=True, default=None)


class FeedToken(Table):
    """A person's personal feed address. The token is derived from the secret key and ``nonce``;
    only its hash is looked up, so the table alone does not give the address away."""

    user = ForeignKey(User, required=True, on_delete=OnDelete.cascade)
    nonce = Varchar(length=64, required=True)
    token_hash = Varchar(length=64, required=True)
    alarm_minutes = Integer(default=0)  # a VALARM this long before each event; 0: none
    created_at = Timestamptz(default=TimestamptzNow())

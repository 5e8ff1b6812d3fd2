"""The outbox."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

__all__ = ["MailState", "OutboxMessage"]


class MailState(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    kept = "kept"  # no SMTP configured: the outbox is the mailbox


class OutboxMessage(Table):
    message_id = Varchar(length=200, required=True)  # stable across retries
    to_address = Varchar(length=254, required=True)
    subject = Varchar(length=300, required=True)
    text_body = Text(default="")
    html_body = Text(default="")
    # An iTIP calendar part (text/calendar; method=...), also attached as a .ics file.
    calendar_method = Varchar(length=10, default="")  # "", "REQUEST", "CANCEL", "PUBLISH"
    calendar_body = Text(default="")  # the VCALENDAR, CRLF line endings kept
    kind = Varchar(length=60, default="")  # "password_reset", "meeting.invite", ...
    state = Varchar(length=10, choices=MailState, default=MailState.queued, index=True)
    attempts = Integer(default=0)
    claimed_at = Timestamptz(null=True, default=None)  # when the current send began
    # When its job should run (now, or after a retry's backoff), and how many jobs it has had:
    # the sweep gives a row whose job is overdue a new job (see mail.services).
    due_at = Timestamptz(default=TimestamptzNow())
    dispatches = Integer(default=0)
    # Sends that were cut off (a worker killed mid-send, Redis lost) and begun again: each
    # may have reached the recipient twice.
    possible_duplicates = Integer(default=0)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)

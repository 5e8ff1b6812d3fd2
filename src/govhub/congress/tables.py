"""Congress tables: an edition, its programme of sessions, registrations and session places.

Personal data lives only on :class:`Registration` (and in the mail and reminders written for
it); erasing a registration blanks those columns and keeps the row, so the numbers stay.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from govhub.governance.tables import Body, CallToAction, Organisation

__all__ = [
    "AttendingAs",
    "BookingStatus",
    "CongressCallToAction",
    "CongressSession",
    "Edition",
    "Registration",
    "RegistrationStatus",
    "Season",
    "SessionBooking",
]


class Season(StrEnum):
    spring = "spring"
    autumn = "autumn"


class RegistrationStatus(StrEnum):
    confirmed = "confirmed"
    waiting = "waiting"  # on the congress's waiting list, in ``arrival`` order
    cancelled = "cancelled"


class BookingStatus(StrEnum):
    confirmed = "confirmed"
    waiting = "waiting"  # on the session's waiting list, in ``arrival`` order
    pending = "pending"  # chosen while on the congress waiting list; decided on promotion


class AttendingAs(StrEnum):
    resident = "resident"
    partner = "partner"  # a partner organisation
    other = "other"


class Edition(Table, tablename="congress_edition"):
    """One congress: the spring or autumn one of a year."""

    slug = Varchar(length=40, required=True)  # "spring-2027"
    season = Varchar(length=10, choices=Season, required=True)
    year = Integer(required=True)
    title = Varchar(length=200, required=True)
    theme = Text(default="")
    starts_at = Timestamptz(required=True)
    ends_at = Timestamptz(required=True)
    venue = Text(default="")
    venue_access = Text(default="")  # step-free routes, hearing loop, toilets, quiet room...
    capacity = Integer(default=300)
    registration_opens_at = Timestamptz(required=True)
    registration_closes_at = Timestamptz(required=True)
    # Its secretary (and admins) run the congress; its current members may check people in.
    organising_body = ForeignKey(Body, null=True, default=None, on_delete=OnDelete.restrict)
    uid_salt = Varchar(length=40, default="")  # part of each registration's calendar UID
    sequence = Integer(default=0)  # raised when the congress moves: every invite updates
    created_at = Timestamptz(default=TimestamptzNow())


class CongressCallToAction(Table):
    """Which of the plan's calls to action an edition addresses."""

    edition = ForeignKey(Edition, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    call_to_action = ForeignKey(
        CallToAction, null=False, required=True, on_delete=OnDelete.restrict
    )


class CongressSession(Table):
    """A session or workshop in an edition's programme, with its own places."""

    edition = ForeignKey(Edition, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200, required=True)
    description = Text(default="")
    starts_at = Timestamptz(required=True)
    ends_at = Timestamptz(required=True)
    room = Varchar(length=200, default="")
    capacity = Integer(default=30)
    position = Integer(default=0)


class Registration(Table, tablename="congress_registration"):
    """One person's registration for one edition; one per email address per edition."""

    edition = ForeignKey(
        Edition, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    status = Varchar(length=10, choices=RegistrationStatus, required=True)
    # The order in which the lock was taken: the waiting list is served in this order.
    arrival = Integer(required=True)
    reference = Varchar(length=12, required=True)  # "C7K2-9QXD", quoted on the phone
    name = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    # Lower-cased email: unique per edition (a cancelled or erased one is renamed out of the way).
    email_key = Varchar(length=280, required=True)
    phone = Varchar(length=40, default="")
    attending_as = Varchar(length=10, choices=AttendingAs, default=AttendingAs.resident)
    organisation = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    organisation_name = Varchar(length=200, default="")  # typed, when not in our list
    attending_other = Varchar(length=200, default="")
    postcode = Varchar(length=10, default="")
    access_needs = Varchar(length=400, default="")  # comma-separated codes (see rules.NEEDS)
    interpreting_other = Varchar(length=100, default="")
    access_details = Text(default="")  # free text: anything else we should know
    newsletter = Boolean(default=False)
    consented_at = Timestamptz(null=True, default=None)
    locale = Varchar(length=10, default="en")
    manage_token_hash = Varchar(length=64, default="")
    is_walk_in = Boolean(default=False)
    arrived_at = Timestamptz(null=True, default=None)
    invite_sent = Boolean(default=False)  # a REQUEST went out, so a cancel sends CANCEL
    sequence = Integer(default=0)  # of its calendar invite, raised on every change
    created_at = Timestamptz(default=TimestamptzNow())
    confirmed_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    erased_at = Timestamptz(null=True, default=None)


class SessionBooking(Table, tablename="congress_session_booking"):
    """A registration's place (or place in the queue) in one session."""

    registration = ForeignKey(
        Registration, null=False, required=True, index=True, on_delete=OnDelete.cascade
    )
    session = ForeignKey(
        CongressSession, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    status = Varchar(length=10, choices=BookingStatus, required=True)
    arrival = Integer(required=True)
    created_at = Timestamptz(default=TimestamptzNow())

"""Tables for a body's meetings, from terms of reference to minutes and actions."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from govhub.accounts.tables import User
from govhub.governance.tables import Body, CallToAction, Membership, Organisation, Person

__all__ = [
    "Action",
    "ActionStatus",
    "AgendaItem",
    "AgendaItemCallToAction",
    "AgendaState",
    "Attendance",
    "AttendanceStatus",
    "Decision",
    "Declaration",
    "Meeting",
    "MeetingChange",
    "MeetingSeries",
    "MeetingStatus",
    "MinutesState",
    "Paper",
    "Purpose",
    "StandardItem",
    "TermsOfReference",
    "TorState",
]


class TorState(StrEnum):
    draft = "draft"
    approved = "approved"
    superseded = "superseded"


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class AgendaState(StrEnum):
    draft = "draft"
    published = "published"


class MinutesState(StrEnum):
    none = "none"
    draft = "draft"
    approved = "approved"


class Purpose(StrEnum):
    decision = "decision"
    discussion = "discussion"
    information = "information"


class StandardItem(StrEnum):
    apologies = "apologies"
    declarations = "declarations"
    minutes = "minutes"
    matters_arising = "matters_arising"
    aob = "aob"


class AttendanceStatus(StrEnum):
    present = "present"
    apologies = "apologies"
    absent = "absent"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class MeetingSeries(Table):
    """A regular series ("first Tuesday of each quarter"): an RFC 5545 rule and its exceptions."""

    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.restrict)
    title = Varchar(length=200, required=True)
    rrule = Text(required=True)  # e.g. FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU
    first_starts_at = Timestamptz()  # the first occurrence, local wall time kept via time_zone
    duration_minutes = Integer(default=90)
    exdates = JSON(default=[])  # ISO dates with no meeting
    venue = Text(default="")
    online_link = Varchar(length=500, default="")
    is_public = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Meeting(Table):
    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.restrict)
    # No index: Piccolo would name it "meeting_series", the series table's own name.
    series = ForeignKey(MeetingSeries, null=True, default=None, on_delete=OnDelete.set_null)
    title = Varchar(length=200, required=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    venue = Text(default="")
    online_link = Varchar(length=500, default="")
    is_public = Boolean(default=True)
    status = Varchar(length=10, choices=MeetingStatus, default=MeetingStatus.scheduled)
    cancel_reason = Text(default="")
    uid = Varchar(length=200, required=True)  # stable calendar UID, never changes
    sequence = Integer(default=0)  # raised on every change of time, place or status
    agenda_state = Varchar(length=10, choices=AgendaState, default=AgendaState.draft)
    agenda_published_at = Timestamptz(null=True, default=None)
    minutes_state = Varchar(length=10, choices=MinutesState, default=MinutesState.none)
    minutes_approved_at = ForeignKey("self", null=True, default=None, on_delete=OnDelete.no_action)
    # When members were first sent the emailed invitation; empty until the meeting comes
    # within the invitation horizon (see govhub.meetings.invitations).
    invites_sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TermsOfReference(Table):
    """One version of a body's terms of reference: draft -> approved -> superseded."""

    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.restrict)
    version = Integer(required=True)
    state = Varchar(length=12, choices=TorState, default=TorState.draft)
    purpose = Text(default="")
    membership = Text(default="")  # which organisations and roles sit on it
    quorum_members = Integer(default=3)
    quorum_min_organisations = Integer(null=True, default=None)
    # Roles any one of whom must be present ("chair,vice_chair"); empty: none required.
    quorum_required_roles = Varchar(length=100, default="")
    # How many must come from a sector ("voluntary:1,nhs:2", meetings.quorum); empty: no minimum.
    quorum_sectors = Varchar(length=200, default="")
    meeting_frequency = Varchar(length=200, default="")
    reporting = Text(default="")  # whom it reports to, and how
    decision_making = Text(default="")
    review_date = Date(null=True, default=None)
    approved_at = ForeignKey(Meeting, null=True, default=None, on_delete=OnDelete.restrict)
    approved_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)


class MeetingChange(Table):
    """A meeting's history: each move or cancellation, with the old values kept."""

    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    kind = Varchar(length=20, required=True)  # "rescheduled", "cancelled", "venue_changed"
    old_starts_at = Timestamptz(null=True, default=None)
    new_starts_at = Timestamptz(null=True, default=None)
    old_venue = Text(default="")
    reason = Text(default="")
    at = Timestamptz(default=TimestamptzNow())
    by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)


class AgendaItem(Table):
    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    position = Integer(required=True)
    title = Varchar(length=300, required=True)
    presenter = Varchar(length=200, default="")
    purpose = Varchar(length=12, choices=Purpose, default=Purpose.information)
    minutes_allotted = Integer(null=True, default=None)
    is_confidential = Boolean(default=False)
    description = Text(default="")
    standard = Varchar(length=20, null=True, default=None)  # a StandardItem, or None
    notes = Text(default="")  # the minutes for this item
    notes_version = Integer(default=0)  # raised on every save of the notes (see minutes.save_notes)


class AgendaItemCallToAction(Table):
    item = ForeignKey(AgendaItem, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    call_to_action = ForeignKey(
        CallToAction, null=False, required=True, on_delete=OnDelete.restrict
    )


class Paper(Table):
    """A file attached to an agenda item, stored under a generated name."""

    item = ForeignKey(AgendaItem, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=300, required=True)
    original_name = Varchar(length=255, default="")
    stored_name = Varchar(length=100, required=True)
    kind = Varchar(length=10, required=True)  # pdf, docx, odt, xlsx (from the content)
    size = Integer(default=0)
    sha256 = Varchar(length=64, default="")
    uploaded_at = Timestamptz(default=TimestamptzNow())
    uploaded_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)


class Attendance(Table):
    """Who was at a meeting: members, substitutes standing in for an organisation, guests."""

    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    membership = ForeignKey(Membership, null=True, default=None, on_delete=OnDelete.restrict)
    organisation = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    role = Varchar(length=20, default="member")  # the Role they attend in
    status = Varchar(length=10, choices=AttendanceStatus, default=AttendanceStatus.present)
    is_substitute = Boolean(default=False)
    is_guest = Boolean(default=False)
    guest_name = Varchar(length=200, default="")


class Declaration(Table):
    """A declaration of interest on an agenda item."""

    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    item = ForeignKey(AgendaItem, null=True, default=None, on_delete=OnDelete.set_null)
    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    interest = Text(required=True)


class Decision(Table):
    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    item = ForeignKey(AgendaItem, null=True, default=None, on_delete=OnDelete.set_null)
    text = Text(required=True)


class Action(Table):
    """An action from a meeting, tracked on the body's action log until it is done."""

    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.restrict)
    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    item = ForeignKey(AgendaItem, null=True, default=None, on_delete=OnDelete.set_null)
    description = Text(required=True)
    owner = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    owner_name = Varchar(length=200, default="")
    organisation = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    due_date = Date(null=True, default=None)
    status = Varchar(length=10, choices=ActionStatus, default=ActionStatus.open)
    completed_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

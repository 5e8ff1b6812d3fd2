"""Members' answers to a meeting's invitation: attending, apologies, a substitute, or (from a
calendar) tentative. Kept apart from the attendance sheet, which records what happened."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from govhub.governance.tables import Organisation, Person
from govhub.meetings.tables import Meeting

__all__ = ["Answer", "MeetingResponse", "ResponseChannel"]


class Answer(StrEnum):
    attending = "attending"
    apologies = "apologies"
    substitute = "substitute"
    tentative = "tentative"

    @property
    def sends_apologies(self) -> bool:
        """The member will not be there (a substitute may stand in)."""
        return self in (Answer.apologies, Answer.substitute)


class ResponseChannel(StrEnum):
    link = "link"  # a signed link from the invitation email
    page = "page"  # the meeting page, signed in
    calendar = "calendar"  # an iTIP REPLY from the member's calendar


class MeetingResponse(Table):
    """One member's current answer for one meeting (one row per meeting and person)."""

    meeting = ForeignKey(
        Meeting, null=False, required=True, index=True, on_delete=OnDelete.restrict
    )
    person = ForeignKey(Person, null=False, required=True, on_delete=OnDelete.restrict)
    answer = Varchar(length=12, choices=Answer, default=Answer.attending)
    comment = Text(default="")
    via = Varchar(length=10, choices=ResponseChannel, default=ResponseChannel.link)
    substitute_name = Varchar(length=200, default="")
    substitute_person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    substitute_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.restrict
    )
    substitute_confirmed_at = Timestamptz(null=True, default=None)
    answered_at = Timestamptz(default=TimestamptzNow())

"""Will the meeting be quorate? A forecast from the members' answers, against the body's
quorum rule, and the email that warns the secretary a set number of days before when the
expected attendance falls short, naming who has not answered.

Expected present: members who said they are attending, and substitutes the secretary has
confirmed. Apologies and tentative answers are not counted; nor is anyone who has not answered.
The warning is a reminder row (kind :data:`QUORUM_WARNING`), planned for each secretary with the
meeting's other reminders and written by :func:`write_quorum_warning` when it falls due: by
then the answers may have changed, so it is written only if the quorum is still not expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govhub import clock
from govhub.calendar.ics import CalAddress
from govhub.calendar.reminders import Due, drop_reminders, replace_reminders
from govhub.calendar.tables import Reminder
from govhub.governance.tables import Membership
from govhub.i18n import format_when
from govhub.mail.services import queue_mail
from govhub.mail.tables import OutboxMessage
from govhub.meetings.attendance import AttendanceSheet, Substitute, current_members, quorum_rule
from govhub.meetings.calendar import meeting_url
from govhub.meetings.quorum import QuorumResult, QuorumRule
from govhub.meetings.response_tables import Answer
from govhub.meetings.responses import responses_for
from govhub.meetings.tables import AttendanceStatus, Meeting, MeetingStatus
from govhub.settings import get_settings

__all__ = [
    "QUORUM_WARNING",
    "QuorumForecast",
    "plan_quorum_warnings",
    "quorum_forecast",
    "write_quorum_warning",
]

QUORUM_WARNING = "quorum_warning"
"""The kind of the reminder rows that warn a secretary the quorum is not expected."""

WARNING_HOUR = dt.time(9, 0)
"""The local time of day the warning is sent."""


@dataclass
class QuorumForecast:
    rule: QuorumRule
    expected: QuorumResult
    """The quorum as it would be with those expected present."""
    attending: list[Membership] = field(default_factory=list)
    apologies: list[Membership] = field(default_factory=list)
    tentative: list[Membership] = field(default_factory=list)
    unanswered: list[Membership] = field(default_factory=list)
    substitutes: list[Substitute] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.expected.met


async def quorum_forecast(meeting: Meeting) -> QuorumForecast:
    """The expected attendance at ``meeting`` (its body loaded) from the answers so far."""
    members = await current_members(meeting)
    rule = await quorum_rule(meeting, members)
    answers = await responses_for(meeting.id)
    sheet = AttendanceSheet(members)
    groups: dict[str, list[Membership]] = {
        "attending": [],
        "apologies": [],
        "tentative": [],
        "unanswered": [],
    }
    for m in members:
        answer = answers.get(m.person.id)
        if answer is None:
            groups["unanswered"].append(m)
        elif answer.answer == Answer.attending:
            groups["attending"].append(m)
            sheet.statuses[m.id] = AttendanceStatus.present
        elif answer.answer == Answer.tentative:
            groups["tentative"].append(m)
        else:
            groups["apologies"].append(m)
            sheet.statuses[m.id] = AttendanceStatus.apologies
    for answer in answers.values():
        organisation = answer.substitute_organisation
        if answer.substitute_confirmed_at and organisation and organisation.id:
            sheet.substitutes.append(
                Substitute(organisation.id, organisation.name, answer.substitute_name)
            )
    return QuorumForecast(
        rule=rule, expected=sheet.quorum(rule), substitutes=sheet.substitutes, **groups
    )


async def plan_quorum_warnings(meeting: Meeting, secretaries: list[CalAddress]) -> None:
    """Plan the warning for each of the body's secretaries, GOVHUB_QUORUM_WARNING_DAYS before
    the meeting (none for a cancelled meeting, or when the setting is 0)."""
    days = get_settings().quorum_warning_days
    if meeting.status == MeetingStatus.cancelled or not days:
        await drop_reminders(QUORUM_WARNING, meeting.id)
        return
    zone = get_settings().zone
    day = meeting.starts_at.astimezone(zone).date() - dt.timedelta(days=days)
    due_at = dt.datetime.combine(day, WARNING_HOUR, tzinfo=zone)
    label = f"{days} days before"
    due = [Due(due_at, s.email, s.name, label, event_at=meeting.starts_at) for s in secretaries]
    await replace_reminders(QUORUM_WARNING, meeting.id, due)


def _name(m: Membership) -> str:
    org = m.organisation.name if m.organisation and m.organisation.id else ""
    return f"{m.person.name} ({org})" if org else m.person.name


async def write_quorum_warning(reminder: Reminder) -> OutboxMessage | None:
    """The secretary's warning, if the meeting is still ahead and its quorum still not
    expected; None otherwise (nothing to warn of)."""
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == reminder.target_id).first()
    if meeting is None or meeting.status == MeetingStatus.cancelled:
        return None
    if meeting.starts_at <= clock.now():
        return None
    forecast = await quorum_forecast(meeting)
    if forecast.met:
        return None
    return await queue_mail(
        to=reminder.recipient,
        template="quorum_warning",
        context={
            "name": reminder.recipient_name,
            "body_name": meeting.body.name,
            "title": meeting.title,
            "when": format_when(meeting.starts_at),
            "url": meeting_url(meeting.id),
            "reasons": forecast.expected.reasons,
            "rule": forecast.rule.description,
            "attending": len(forecast.attending) + len(forecast.substitutes),
            "apologies": len(forecast.apologies),
            "tentative": len(forecast.tentative),
            "unanswered": [_name(m) for m in forecast.unanswered],
        },
        kind="meeting.quorum_warning",
        locale=reminder.locale,
    )

"""Emailed invitations (iTIP) and reminders for meetings, kept in step with every change.

Members are sent a METHOD:REQUEST when a meeting comes within :data:`INVITE_HORIZON` (at once,
if it is scheduled that close; otherwise by the daily :func:`queue_due_invites`), again when its
agenda is published or it moves (with a higher SEQUENCE), and a METHOD:CANCEL when it is
cancelled. A member who joins a body is sent invitations to its future meetings; one who leaves
is sent cancellations of their own copies; a second role, or a secretary's seat (secretaries
who are not members are not attendees), sends nothing. Every function here writes outbox rows
in the caller's transaction and returns them; the caller dispatches them once that transaction
has committed.

Reminders are the calendar's reminder rows (see :mod:`govhub.calendar.reminders`): planned here
for each meeting, and written when due by :func:`write_meeting_reminder` and
:func:`write_agenda_reminder`, which the worker lists among its reminder writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from govhub import clock
from govhub.calendar.ics import CalAddress, build_calendar
from govhub.calendar.reminders import Due, drop_reminders, on_the_day, replace_reminders
from govhub.calendar.tables import Reminder
from govhub.db import id_of
from govhub.governance.rules import is_current
from govhub.governance.tables import Body, Membership, Role
from govhub.i18n import format_date, format_time, format_when
from govhub.mail.services import CalendarPart, dispatch_all, queue_mail
from govhub.mail.tables import OutboxMessage
from govhub.meetings.calendar import meeting_event, meeting_url, organiser_for
from govhub.meetings.forecast import plan_quorum_warnings
from govhub.meetings.responses import links_for
from govhub.meetings.rsvp_links import reply_organiser
from govhub.meetings.tables import AgendaState, Meeting, MeetingStatus
from govhub.settings import get_settings
from govhub.validation import whole_number

__all__ = [
    "AGENDA_DEADLINE_REMINDER",
    "ATTENDING_ROLES",
    "INVITE_HORIZON",
    "MEETING_REMINDER",
    "Change",
    "attendees_on",
    "meeting_changed",
    "members_on",
    "membership_changed",
    "plan_reminders",
    "queue_due_invites",
    "replan_body",
    "seats",
    "write_agenda_reminder",
    "write_meeting_reminder",
]

INVITE_HORIZON = dt.timedelta(days=56)
"""How far ahead members are sent a meeting's invitation: a series of twelve monthly meetings
does not arrive as twelve emails at once (the personal feed has them all)."""

SECRETARY_NOTICE = dt.timedelta(days=2)
"""How long before the agenda deadline its secretary is reminded."""

Change = Literal["scheduled", "moved", "updated", "published", "cancelled"]

MEETING_REMINDER = "meeting"
"""The kind of the reminder rows telling members a meeting is coming."""

AGENDA_DEADLINE_REMINDER = "agenda_deadline"
"""The kind of the reminder rows telling a secretary the agenda is due."""


async def seats(body_id: int) -> list[Membership]:
    """Every membership of the body, past and present, with its person: read once per change
    and shared by :func:`members_on` for each meeting the change touches."""
    return (
        await Membership.objects(Membership.person)
        .where(Membership.body == body_id)
        .order_by(Membership.id)
    )


def members_on(
    rows: Iterable[Membership], day: dt.date, *, roles: Iterable[str] = ()
) -> list[CalAddress]:
    """Everyone in ``rows`` sitting on the body on ``day`` (optionally only in ``roles``), once
    each."""
    wanted = set(roles)
    seen: dict[str, CalAddress] = {}
    for membership in rows:
        email = (membership.person.email or "").strip().lower()
        if not email or not is_current(membership, day):
            continue
        if wanted and membership.role not in wanted:
            continue
        seen.setdefault(email, CalAddress(email=email, name=membership.person.name))
    return list(seen.values())


ATTENDING_ROLES = tuple(r for r in Role if r != Role.secretary)
"""Who attends a meeting: every role but the secretary's (a secretary who is not also a member
of the body runs the meeting and is not invited to it)."""


def attendees_on(rows: Iterable[Membership], day: dt.date) -> list[CalAddress]:
    """The attendees of a meeting of the body on ``day``: :func:`members_on` in an attending
    role."""
    return members_on(rows, day, roles=ATTENDING_ROLES)


def _local(meeting: Meeting) -> dt.datetime:
    return meeting.starts_at.astimezone(get_settings().zone)


def _days(body: Body) -> list[int]:
    days = set()
    for part in (body.reminder_days or "").split(","):
        if whole_number(part, 1, 60):
            days.add(int(part))
    return sorted(days, reverse=True)


def _context(meeting: Meeting, body: Body, change: str, recipient: CalAddress, **extra) -> dict:
    local = _local(meeting)
    return {
        "name": recipient.name,
        "change": change,
        "body_name": body.name,
        "title": meeting.title,
        "when": format_when(meeting.starts_at),
        "day": f"{local:%A} {format_date(local)}",
        "time": format_time(meeting.starts_at),
        "ends": format_time(meeting.ends_at),
        "manage_url": f"{get_settings().base_url}/manage/meetings/{meeting.id}/agenda",
        "venue": meeting.venue,
        "online_link": meeting.online_link,
        "url": meeting_url(meeting.id),
        "agenda_published": meeting.agenda_state == AgendaState.published,
        "reason": meeting.cancel_reason,
        **extra,
    }


async def write_invites(
    meeting: Meeting, change: Change, recipients: Iterable[CalAddress]
) -> list[OutboxMessage]:
    """One REQUEST (or CANCEL) per recipient, each naming only that recipient as ATTENDEE."""
    body = meeting.body
    organiser = await organiser_for(body.id)
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    messages = []
    for recipient in recipients:
        attendee = CalAddress(email=recipient.email, name=recipient.name)
        # Replies go to the reply mailbox with this attendee's token (govhub inbound).
        replies_to = reply_organiser(organiser, meeting.uid, recipient.email)
        event = meeting_event(meeting, replies_to, attendees=(attendee,))
        ics = build_calendar([event], method=method)
        links = await links_for(meeting, recipient.email) if method == "REQUEST" else {}
        messages.append(
            await queue_mail(
                to=recipient.email,
                template="meeting_cancelled" if method == "CANCEL" else "meeting_invite",
                context=_context(meeting, body, change, recipient, rsvp=links),
                kind=f"meeting.{'cancel' if method == 'CANCEL' else 'invite'}",
                calendar=CalendarPart(ics=ics, method=method),
            )
        )
    return messages


async def plan_reminders(meeting: Meeting, rows: list[Membership]) -> None:
    """Reminders for the members (per the body's offsets) and for the secretary before the
    agenda deadline, in the partnership's local time. A cancelled meeting has none. ``rows``
    are the body's :func:`seats`."""
    body = meeting.body
    await plan_quorum_warnings(meeting, members_on(rows, clock.today(), roles=[Role.secretary]))
    if meeting.status == MeetingStatus.cancelled:
        await drop_reminders(MEETING_REMINDER, meeting.id)
        await drop_reminders(AGENDA_DEADLINE_REMINDER, meeting.id)
        return
    local = _local(meeting).replace(tzinfo=None)
    members = members_on(rows, local.date())  # the secretary too: they run the meeting
    due = [
        Due(
            due_at=on_the_day(local.date() - dt.timedelta(days=days), get_settings().zone),
            recipient=member.email,
            recipient_name=member.name,
            label="tomorrow" if days == 1 else f"in {days} days",
            event_at=meeting.starts_at,
        )
        for days in _days(body)
        for member in members
    ]
    await replace_reminders(MEETING_REMINDER, meeting.id, due)
    secretaries = members_on(rows, clock.today(), roles=[Role.secretary])
    deadline = local.date() - dt.timedelta(days=body.agenda_notice_days or 0)
    remind_on = deadline - SECRETARY_NOTICE
    due = []
    if meeting.agenda_state != AgendaState.published:
        due = [
            Due(
                due_at=on_the_day(remind_on, get_settings().zone),
                recipient=secretary.email,
                recipient_name=secretary.name,
                label=f"agenda due {format_date(deadline)}",
                event_at=meeting.starts_at,
            )
            for secretary in secretaries
        ]
    await replace_reminders(AGENDA_DEADLINE_REMINDER, meeting.id, due)


async def _load(meeting_id: int) -> Meeting:
    return await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()


async def meeting_changed(meeting_id: int, change: Change) -> list[OutboxMessage]:
    """After any change to a meeting, inside its transaction: replan its reminders and write
    the invitations that change calls for."""
    meeting = await _load(meeting_id)
    rows = await seats(meeting.body.id)
    await plan_reminders(meeting, rows)
    if meeting.ends_at <= clock.now():
        return []
    sent = meeting.invites_sent_at is not None
    if change == "scheduled" and (sent or meeting.starts_at - clock.now() > INVITE_HORIZON):
        return []  # queue_due_invites sends it when it comes within the horizon
    if change in ("moved", "updated", "cancelled") and not sent:
        return []  # nobody has an invitation to update yet
    recipients = attendees_on(rows, _local(meeting).date())
    messages = await write_invites(meeting, change, recipients)
    if meeting.invites_sent_at is None and change != "cancelled":
        await Meeting.update({Meeting.invites_sent_at: clock.now()}).where(Meeting.id == meeting.id)
    return messages


async def replan_body(body_id: int) -> None:
    """Replan the reminders of every future meeting of a body (its members or settings changed)."""
    meetings = await Meeting.objects(Meeting.body).where(
        (Meeting.body == body_id) & (Meeting.ends_at > clock.now())
    )
    rows = await seats(body_id)
    for meeting in meetings:
        await plan_reminders(meeting, rows)


async def membership_changed(
    membership: Membership, previous: Membership | None = None
) -> list[OutboxMessage]:
    """A seat was added (``previous`` None) or changed (its role or term; ``previous`` is how it
    was): mail goes to that person only, and only where the change makes them an attendee of a
    meeting whose invitations are out (an invitation) or no longer one (a CANCEL of their copy).
    A second role, or a secretary's seat, changes nothing for anyone. Every future meeting's
    reminders are replanned."""
    body_id = id_of(membership.body)
    person = membership.person
    email = (getattr(person, "email", "") or "").strip().lower()
    rows = await seats(body_id)
    if previous is None:
        before = [r for r in rows if r.id != membership.id]
    else:
        before = [_with_person(previous, r.person) if r.id == membership.id else r for r in rows]
    meetings = (
        await Meeting.objects(Meeting.body)
        .where((Meeting.body == body_id) & (Meeting.ends_at > clock.now()))
        .order_by(Meeting.starts_at)
    )
    messages = []
    recipient = CalAddress(email=email, name=getattr(person, "name", ""))
    for meeting in meetings:
        await plan_reminders(meeting, rows)
        if not email or meeting.invites_sent_at is None:
            continue
        if meeting.status == MeetingStatus.cancelled:
            continue
        day = _local(meeting).date()
        was = _attends(before, day, email)
        now = _attends(rows, day, email)
        if now and not was:
            messages += await write_invites(meeting, "scheduled", [recipient])
        elif was and not now:
            # A cancellation of this one person's copy: the meeting itself goes on.
            messages += await _write_withdrawal(meeting, recipient)
    return messages


def _with_person(membership: Membership, person) -> Membership:
    membership.person = person
    return membership


def _attends(rows: Iterable[Membership], day: dt.date, email: str) -> bool:
    return any(a.email == email for a in attendees_on(rows, day))


async def _write_withdrawal(meeting: Meeting, recipient: CalAddress) -> list[OutboxMessage]:
    """iTIP CANCEL for one attendee removed from a meeting that still takes place.

    RFC 5546: a CANCEL carries a SEQUENCE above the one the attendee has, so the meeting's is
    raised (the organiser's copy changed: one attendee fewer); an invitation sent later carries
    the new one, and is not taken for an old message.
    """
    now = clock.now()
    await Meeting.update({Meeting.sequence: Meeting.sequence + 1, Meeting.updated_at: now}).where(
        Meeting.id == meeting.id
    )
    meeting.sequence += 1
    meeting.updated_at = now
    body = meeting.body
    organiser = reply_organiser(await organiser_for(body.id), meeting.uid, recipient.email)
    event = meeting_event(meeting, organiser, attendees=(recipient,))
    ics = build_calendar([event], method="CANCEL")
    return [
        await queue_mail(
            to=recipient.email,
            template="meeting_withdrawn",
            context=_context(meeting, body, "withdrawn", recipient),
            kind="meeting.cancel",
            calendar=CalendarPart(ics=ics, method="CANCEL"),
        )
    ]


async def queue_due_invites(ctx: dict | None = None) -> int:
    """arq cron job: queue the invitations to every meeting that has come within the horizon."""
    now = clock.now()
    due = await Meeting.select(Meeting.id).where(
        Meeting.invites_sent_at.is_null()
        & (Meeting.status == MeetingStatus.scheduled)
        & (Meeting.starts_at > now)
        & (Meeting.starts_at <= now + INVITE_HORIZON)
    )
    sent = 0
    for row in due:
        async with Meeting._meta.db.transaction():
            claimed = (
                await Meeting.update({Meeting.invites_sent_at: now})
                .where((Meeting.id == row["id"]) & Meeting.invites_sent_at.is_null())
                .returning(Meeting.id)
            )
            if not claimed:
                continue  # another sweep got there first
            meeting = await _load(row["id"])
            recipients = attendees_on(await seats(meeting.body.id), _local(meeting).date())
            messages = await write_invites(meeting, "scheduled", recipients)
        await dispatch_all(messages)
        sent += len(messages)
    return sent


async def write_meeting_reminder(reminder: Reminder) -> OutboxMessage | None:
    """A member's reminder of a meeting, as it is now; None once there is nothing to remind of."""
    meeting = await _load(reminder.target_id)
    if meeting is None or meeting.status == MeetingStatus.cancelled:
        return None
    if meeting.starts_at <= clock.now():
        return None  # too late to be of use (the sweep was held up)
    recipient = CalAddress(email=reminder.recipient, name=reminder.recipient_name)
    return await queue_mail(
        to=reminder.recipient,
        template="meeting_reminder",
        context=_context(meeting, meeting.body, "reminder", recipient, label=reminder.label),
        kind="meeting.reminder",
        locale=reminder.locale,
    )


async def write_agenda_reminder(reminder: Reminder) -> OutboxMessage | None:
    """A secretary's reminder that the agenda is due; None once it is published (or moot)."""
    meeting = await _load(reminder.target_id)
    if (
        meeting is None
        or meeting.status == MeetingStatus.cancelled
        or meeting.agenda_state == AgendaState.published
        or meeting.starts_at <= clock.now()
    ):
        return None
    recipient = CalAddress(email=reminder.recipient, name=reminder.recipient_name)
    body = meeting.body
    deadline = _local(meeting).date() - dt.timedelta(days=body.agenda_notice_days or 0)
    return await queue_mail(
        to=reminder.recipient,
        template="agenda_deadline_reminder",
        context=_context(meeting, body, "deadline", recipient, deadline=format_date(deadline)),
        kind="meeting.agenda_deadline",
        locale=reminder.locale,
    )

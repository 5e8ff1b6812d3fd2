"""Scheduling meetings: one, or a series; moving and cancelling them, with their history kept.

Every change of time, place or status raises the meeting's calendar SEQUENCE; its UID
never changes, so calendars update the event rather than adding a second one.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from govhub import clock, db
from govhub.audit.services import record, snapshot
from govhub.errors import Conflict
from govhub.governance.principal import Principal
from govhub.governance.tables import Body
from govhub.i18n import gettext
from govhub.mail.services import dispatch_all
from govhub.meetings import invitations as invites
from govhub.meetings._common import reread_locked
from govhub.meetings.recurrence import MAX_OCCURRENCES, PATTERNS, describe, occurrences, rule_for
from govhub.meetings.tables import Meeting, MeetingChange, MeetingSeries, MeetingStatus
from govhub.settings import get_settings
from govhub.validation import (
    FormError,
    check_lengths,
    parse_date,
    parse_time,
    require,
    whole_number,
)
from govhub.wall_clock import local_instant, skipped_message

__all__ = [
    "Schedule",
    "body_meetings",
    "cancel_meeting",
    "ends_after",
    "parse_schedule",
    "reschedule_meeting",
    "schedule",
]


@dataclass
class Schedule:
    title: str
    starts_at: dt.datetime  # aware, local zone (``fold`` set for the second of two 01:30s)
    duration: dt.timedelta  # real time: the end is worked out on instants, not wall clocks
    venue: str
    online_link: str
    is_public: bool
    pattern: str | None  # None: a single meeting
    count: int


def parse_schedule(values: dict[str, str], *, allow_series: bool = True) -> Schedule:
    """Read a scheduling form; raise FormError with a message per field."""
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter a title for the meeting", column=Meeting.title)
    check_lengths(values, errors, {"online_link": Meeting.online_link})
    day = parse_date(values.get("date", ""), errors, "date", "date")
    time = parse_time(values.get("time", ""), errors, "time", "start time", "18:00")
    duration = values.get("duration", "").strip() or "90"
    if whole_number(duration, 15, 600) is None:
        errors["duration"] = "The length must be a number of minutes between 15 and 600"
    venue = values.get("venue", "").strip()[:500]
    link = values.get("online_link", "").strip()
    if link and (urlsplit(link).scheme != "https" or not urlsplit(link).netloc or " " in link):
        errors["online_link"] = "Enter the online link in full, starting with https://"
    if not venue and not link:
        errors["venue"] = "Enter a venue, an online link, or both"
    pattern = values.get("repeat") or None
    if pattern == "none":
        pattern = None
    count = 1
    if pattern is not None:
        if not allow_series or pattern not in PATTERNS:
            errors["repeat"] = "Choose how often the meeting repeats"
        raw = values.get("count", "").strip()
        if whole_number(raw, 2, MAX_OCCURRENCES) is None:
            errors["count"] = f"The number of meetings must be between 2 and {MAX_OCCURRENCES}"
        else:
            count = int(raw)
    starts_at = None
    if day and time:
        zone = get_settings().zone
        starts_at = local_instant(day, time, zone, errors, choice=values.get("fold", ""))
    if errors or starts_at is None:
        raise FormError(errors)
    return Schedule(
        title=title,
        starts_at=starts_at,
        duration=dt.timedelta(minutes=int(duration)),
        venue=venue,
        online_link=link,
        is_public=values.get("is_public") == "yes",
        pattern=pattern,
        count=count,
    )


def ends_after(starts_at: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The end of a meeting of ``duration`` from ``starts_at``, on instants: adding to an aware
    local time adds wall-clock time, and a meeting across a clock change would gain or lose an
    hour."""
    return starts_at.astimezone(dt.UTC) + duration


def _uid() -> str:
    host = urlsplit(get_settings().base_url).hostname or "govhub.invalid"
    return f"meeting-{uuid.uuid4()}@{host}"


async def schedule(actor: Principal, body: Body, plan: Schedule) -> list[Meeting]:
    """Create one meeting, or every meeting of a series, in one transaction."""
    zone = get_settings().zone
    if plan.pattern is None:
        starts = [plan.starts_at]
        series = None
    else:
        rule = rule_for(plan.pattern, plan.starts_at.date(), plan.count)
        starts = occurrences(rule, plan.starts_at.replace(tzinfo=None), zone)
        for start in starts:  # one meeting of the series on the night the clocks go forward
            if message := skipped_message(start.replace(tzinfo=None), zone):
                reason = gettext("A meeting of this series falls then. %(reason)s")
                raise FormError({"time": reason % {"reason": message}})
        series = MeetingSeries(
            body=body.id,
            title=plan.title,
            rrule=rule,
            first_starts_at=plan.starts_at,
            duration_minutes=int(plan.duration.total_seconds() // 60),
            exdates=[],
            venue=plan.venue,
            online_link=plan.online_link,
            is_public=plan.is_public,
        )
    meetings = []
    messages = []
    async with Meeting._meta.db.transaction():
        if series is not None:
            await series.save()
        for start in starts:
            meeting = Meeting(
                body=body.id,
                series=series.id if series else None,
                title=plan.title,
                starts_at=start,
                ends_at=ends_after(start, plan.duration),
                venue=plan.venue,
                online_link=plan.online_link,
                is_public=plan.is_public,
                uid=_uid(),
            )
            await meeting.save()
            meetings.append(meeting)
        summary = plan.title + (
            f", {describe(plan.pattern, plan.starts_at.date())}, {len(starts)} meetings"
            if series
            else ""
        )
        await record(
            actor,
            "meeting.scheduled" if series is None else "series.scheduled",
            series or meetings[0],
            body_id=body.id,
            summary=summary,
            after={
                "starts": [s.isoformat() for s in starts],
                "venue": plan.venue,
                "online_link": plan.online_link,
                "public": plan.is_public,
            },
        )
        for meeting in meetings:
            messages += await invites.meeting_changed(meeting.id, "scheduled")
    await dispatch_all(messages)
    return meetings


async def reschedule_meeting(
    actor: Principal,
    meeting: Meeting,
    plan: Schedule,
    reason: str = "",
    *,
    seen_sequence: int | None = None,
) -> Meeting:
    """Move a meeting (and/or change its place); the old time is kept in its history.

    ``seen_sequence`` is the meeting's sequence when the form was opened: if the meeting has
    changed since (someone else moved or cancelled it), nothing is saved and the secretary is
    told. Only the columns that change are written, so the record that invitations were sent
    is never overwritten.
    """
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if meeting.status == MeetingStatus.cancelled:
            raise FormError({"date": "This meeting has been cancelled: schedule a new one instead"})
        _check_unchanged(meeting, seen_sequence)
        moved = plan.starts_at.astimezone(dt.UTC) != meeting.starts_at.astimezone(dt.UTC)
        place_changed = (plan.venue, plan.online_link) != (meeting.venue, meeting.online_link)
        before = snapshot(
            meeting,
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "online_link",
            "is_public",
            "sequence",
        )
        if moved or place_changed:
            await MeetingChange.insert(
                MeetingChange(
                    meeting=meeting.id,
                    kind="rescheduled" if moved else "venue_changed",
                    old_starts_at=meeting.starts_at,
                    new_starts_at=plan.starts_at,
                    old_venue=meeting.venue,
                    reason=reason[:1000],
                    by=actor.user_id,
                )
            )
            meeting.sequence += 1
        meeting.title, meeting.starts_at = plan.title, plan.starts_at
        meeting.ends_at = ends_after(plan.starts_at, plan.duration)
        meeting.venue, meeting.online_link = plan.venue, plan.online_link
        meeting.is_public = plan.is_public
        meeting.updated_at = dt.datetime.now(dt.UTC)
        await meeting.save(_SCHEDULE_COLUMNS)
        await record(
            actor,
            "meeting.rescheduled" if moved else "meeting.updated",
            meeting,
            body_id=db.id_of(meeting.body),
            summary=meeting.title,
            before=before,
            after=snapshot(meeting, *before.keys()),
        )
        retitled = before["title"] != meeting.title
        change = "moved" if moved else "updated" if place_changed or retitled else None
        messages = await invites.meeting_changed(meeting.id, change) if change else []
    await dispatch_all(messages)
    return meeting


def _check_unchanged(meeting: Meeting, seen_sequence: int | None) -> None:
    """Refuse a change decided on a form opened before someone else moved or cancelled it."""
    if seen_sequence is not None and seen_sequence != meeting.sequence:
        raise Conflict(
            "Someone else changed this meeting while you were editing it. "
            "Nothing was saved: open it again to see the change, then make yours."
        )


_SCHEDULE_COLUMNS = [
    Meeting.title,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.venue,
    Meeting.online_link,
    Meeting.is_public,
    Meeting.sequence,
    Meeting.updated_at,
]
"""What a reschedule writes: never the agenda, minutes or invitation columns."""


async def cancel_meeting(
    actor: Principal, meeting: Meeting, reason: str, *, seen_sequence: int | None = None
) -> Meeting:
    """Cancel a meeting; ``seen_sequence`` as for :func:`reschedule_meeting`."""
    reason = reason.strip()
    if not reason:
        raise FormError({"reason": "Enter why the meeting is cancelled: members will see it"})
    async with Meeting._meta.db.transaction():
        await reread_locked(meeting)
        if meeting.status == MeetingStatus.cancelled:
            raise FormError({"reason": "This meeting is already cancelled"})
        _check_unchanged(meeting, seen_sequence)
        meeting.status = MeetingStatus.cancelled
        meeting.cancel_reason = reason[:1000]
        meeting.sequence += 1
        meeting.updated_at = dt.datetime.now(dt.UTC)
        await meeting.save(
            [Meeting.status, Meeting.cancel_reason, Meeting.sequence, Meeting.updated_at]
        )
        await MeetingChange.insert(
            MeetingChange(
                meeting=meeting.id,
                kind="cancelled",
                old_starts_at=meeting.starts_at,
                reason=reason[:1000],
                by=actor.user_id,
            )
        )
        if meeting.series:
            series = (
                await MeetingSeries.objects()
                .where(MeetingSeries.id == db.id_of(meeting.series))
                .first()
            )
            if series is not None:
                local_day = meeting.starts_at.astimezone(get_settings().zone).date().isoformat()
                existing = series.exdates or []
                if isinstance(existing, str):  # JSON columns come back as text on objects()
                    existing = json.loads(existing)
                series.exdates = sorted({*existing, local_day})
                await series.save([MeetingSeries.exdates])
        await record(
            actor,
            "meeting.cancelled",
            meeting,
            body_id=db.id_of(meeting.body),
            summary=f"{meeting.title}: {reason}"[:300],
        )
        messages = await invites.meeting_changed(meeting.id, "cancelled")
    await dispatch_all(messages)
    return meeting


async def body_meetings(body: Body, principal: Principal, shown: int = 5) -> dict[str, list]:
    """A body's next and most recent meetings that ``principal`` may see."""
    from govhub.meetings.access import can_see_meeting

    rows = (
        await Meeting.objects(Meeting.body)
        .where(Meeting.body == body.id)
        .order_by(Meeting.starts_at)
    )
    visible = [m for m in rows if can_see_meeting(principal, m)]
    now = clock.now()
    return {
        "next": [m for m in visible if m.ends_at >= now][:shown],
        "past": [m for m in reversed(visible) if m.ends_at < now][:shown],
    }

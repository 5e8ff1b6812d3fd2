"""Scheduling meetings: a new meeting or series, moving or changing one, cancelling one.

For the body's secretary and admins; anyone else is told "not found".
"""

from __future__ import annotations

import datetime as dt

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.response import Redirect

from govhub.errors import Conflict
from govhub.governance.deps import MANAGED_BODY, ManagedBody
from govhub.governance.tables import Body
from govhub.meetings import services
from govhub.meetings.deps import MANAGED_MEETING, ManagedMeeting
from govhub.meetings.recurrence import PATTERNS
from govhub.meetings.tables import Meeting
from govhub.settings import get_settings
from govhub.validation import FormError, parse_date, parse_time, whole_number
from govhub.wall_clock import Occurrence, occurrences_of
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page as _page

__all__ = ["SchedulingController"]

SCHEDULE_FIELDS = (
    "title",
    "date",
    "time",
    "fold",
    "duration",
    "venue",
    "online_link",
    "is_public",
    "repeat",
    "count",
    "reason",
    "sequence",
)


def _seen_sequence(values: dict[str, str]) -> int | None:
    """The meeting's sequence when the form was opened (its hidden field), if it was sent."""
    text = values.get("sequence", "")
    return whole_number(text)


def _schedule_page(
    body: Body,
    values: dict[str, str],
    errors: dict[str, str],
    meeting: Meeting | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    return _page(
        "meetings/schedule_form.html",
        status_code=status_code,
        body=body,
        values=values,
        errors=errors,
        meeting=meeting,
        patterns=PATTERNS,
        folds=_folds(values),
    )


def _folds(values: dict[str, str]) -> list[Occurrence]:
    """The two 01:30s of the night the clocks go back, when that is the time typed, for the
    form to ask which."""
    ignored: dict[str, str] = {}
    day = parse_date(values.get("date", ""), ignored, "date", "date")
    time = parse_time(values.get("time", ""), ignored, "time", "start time")
    if day is None or time is None:
        return []
    return occurrences_of(dt.datetime.combine(day, time), get_settings().zone)


def _meeting_page(request: Request, meeting: ManagedMeeting) -> Redirect:
    return Redirect(request.app.route_reverse("meeting", meeting_id=meeting.id), status_code=303)


class SchedulingController(Controller):
    """Scheduling: the body's secretary and admins only."""

    path = "/manage"
    guards = [requires_sign_in]
    include_in_schema = False

    @get("/bodies/{slug:str}/meetings/new", name="meeting_new", dependencies=MANAGED_BODY)
    async def new(self, managed_body: ManagedBody) -> HTMXBlockTemplate:
        return _schedule_page(
            managed_body,
            {
                "title": f"{managed_body.name} meeting",
                "time": "18:00",
                "duration": "120",
                "is_public": "yes",
                "repeat": "none",
                "count": "4",
            },
            {},
        )

    @post("/bodies/{slug:str}/meetings/new", name="meeting_create", dependencies=MANAGED_BODY)
    async def create(
        self, request: Request, principal: Me, managed_body: ManagedBody
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *SCHEDULE_FIELDS)
        try:
            plan = services.parse_schedule(values)
            meetings = await services.schedule(principal, managed_body, plan)
        except FormError as error:
            return _schedule_page(managed_body, values, error.errors, status_code=400)
        agenda = request.app.route_reverse("agenda", meeting_id=meetings[0].id)
        return Redirect(agenda, status_code=303)

    @get("/meetings/{meeting_id:int}/edit", name="meeting_edit", dependencies=MANAGED_MEETING)
    async def edit(self, meeting: ManagedMeeting) -> HTMXBlockTemplate:
        local = meeting.starts_at.astimezone(get_settings().zone)
        values = {
            "title": meeting.title,
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "fold": "second" if local.fold else "first",  # asked only of a time that is twice
            "duration": str(int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)),
            "venue": meeting.venue,
            "online_link": meeting.online_link,
            "is_public": "yes" if meeting.is_public else "",
        }
        return _schedule_page(meeting.body, values, {}, meeting=meeting)

    @post("/meetings/{meeting_id:int}/edit", name="meeting_update", dependencies=MANAGED_MEETING)
    async def update(
        self, request: Request, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *SCHEDULE_FIELDS)
        try:
            plan = services.parse_schedule(values, allow_series=False)
            await services.reschedule_meeting(
                principal,
                meeting,
                plan,
                values.get("reason", ""),
                seen_sequence=_seen_sequence(values),
            )
        except FormError as error:
            return _schedule_page(
                meeting.body, values, error.errors, meeting=meeting, status_code=400
            )
        except Conflict as conflict:
            # What was typed stays; sending it again now applies it to the meeting as it is.
            values["sequence"] = str(meeting.sequence)
            return _schedule_page(
                meeting.body, values, {"date": conflict.message}, meeting=meeting, status_code=409
            )
        return _meeting_page(request, meeting)

    @get(
        "/meetings/{meeting_id:int}/cancel",
        name="meeting_cancel_form",
        dependencies=MANAGED_MEETING,
    )
    async def cancel_form(self, meeting: ManagedMeeting) -> HTMXBlockTemplate:
        return _page("meetings/cancel_form.html", meeting=meeting, values={}, errors={})

    @post("/meetings/{meeting_id:int}/cancel", name="meeting_cancel", dependencies=MANAGED_MEETING)
    async def cancel(
        self, request: Request, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "reason", "sequence")
        try:
            await services.cancel_meeting(
                principal, meeting, values["reason"], seen_sequence=_seen_sequence(values)
            )
        except (FormError, Conflict) as error:
            conflict = isinstance(error, Conflict)
            if conflict:
                values["sequence"] = str(meeting.sequence)
            return _page(
                "meetings/cancel_form.html",
                status_code=409 if conflict else 400,
                meeting=meeting,
                values=values,
                errors={"reason": error.message} if conflict else error.errors,
            )
        return _meeting_page(request, meeting)

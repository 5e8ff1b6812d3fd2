"""At the meeting and after it: attendance and quorum, declarations, minutes, decisions, actions.

Recording is for the body's secretary and admins (anyone else: "not found"); the approved
minutes of public items are for everyone; the action log is for the body's members.
"""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Response

from govhub import clock
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, Organisation
from govhub.meetings import actions, attendance, minutes, minutes_editor
from govhub.meetings.access import can_see_confidential
from govhub.meetings.deps import (
    ACTION,
    ITEM,
    LOG_BODY,
    MANAGED_MEETING,
    MINUTES_MEETING,
    LoggedAction,
    ManagedMeeting,
    MeetingItem,
    MemberBody,
    MinutesMeeting,
)
from govhub.meetings.tables import ActionStatus, AttendanceStatus, Meeting, MinutesState
from govhub.meetings.visibility import members_view
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page as _page

__all__ = ["ReadRecordController", "RecordController"]

STATUS_LABELS = [(s.value, s.value.capitalize()) for s in AttendanceStatus]
ACTION_STATUSES = [(s.value, s.value.capitalize()) for s in ActionStatus]


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _attendance_page(
    meeting: Meeting, sheet: attendance.AttendanceSheet, status_code: int = 200, saved: bool = False
) -> HTMXBlockTemplate:
    rule = await attendance.quorum_rule(meeting, sheet.members)
    return _page(
        "meetings/attendance.html",
        status_code=status_code,
        meeting=meeting,
        day=attendance.meeting_day(meeting),
        sheet=sheet,
        errors=sheet.errors,
        typed=sheet.typed,
        statuses=STATUS_LABELS,
        rule=rule,
        quorum=sheet.quorum(rule),
        saved=saved,
    )


async def _minutes_page(
    meeting: Meeting,
    *,
    errors=None,
    values=None,
    theirs=None,
    outcome: minutes_editor.Outcome | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    """The minutes editor: ``values`` as typed (else what is saved); ``theirs``: item id ->
    someone else's newer notes, after a conflict; ``outcome``: a step done with other typing
    kept."""
    members = await attendance.current_members(meeting)
    declarers, owners = await minutes.people_at(meeting, members)
    organisations = await Organisation.select(Organisation.id, Organisation.name).order_by(
        Organisation.name
    )
    record = await minutes.minutes_record(meeting, confidential=True)
    items = [rec.item for rec in record.items]  # every item: the editor sees confidential ones
    return _page(
        "meetings/minutes.html",
        status_code=status_code,
        manage=True,
        meeting=meeting,
        day=attendance.meeting_day(meeting),
        minutes=record,
        notes_seen={rec.item.id: minutes.notes_digest(rec.item.notes) for rec in record.items},
        theirs=theirs or {},
        outcome=outcome,
        approved_at=await minutes.approved_at(meeting, members_view(meeting.body.id)),
        later=[(str(m.id), _meeting_label(m)) for m in await minutes.later_meetings(meeting)],
        items=[(str(i.id), f"{i.position}. {i.title}") for i in items],
        declarers=[(str(k), v) for k, v in declarers.items()],
        owners=[(str(k), v) for k, v in owners.items()],
        organisations=[(str(o["id"]), o["name"]) for o in organisations],
        errors=errors or {},
        values=values or {},
        today=clock.today(),
    )


def _meeting_label(meeting: Meeting) -> str:
    day = attendance.meeting_day(meeting)
    return f"{meeting.title}, {day.day} {day:%B %Y}"


async def _action_log(
    found: Body,
    principal: Principal,
    request: HTMXRequest | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    still_open, closed = await actions.action_log(found.id)
    return _page(
        "meetings/actions.html",
        request,
        "log",
        status_code=status_code,
        body=found,
        still_open=still_open,
        closed=closed,
        today=clock.today(),
        manage=principal.can_manage_body(found.id),
        statuses=ACTION_STATUSES,
        errors=errors or {},
    )


class RecordController(Controller):
    """Recording a meeting: the body's secretary and admins only."""

    path = "/manage/meetings/{meeting_id:int}"
    guards = [requires_sign_in]
    dependencies = MANAGED_MEETING
    include_in_schema = False

    # Attendance and quorum

    @get("/attendance", name="attendance")
    async def attendance(
        self, meeting: ManagedMeeting, saved: FromQuery[str | None] = None
    ) -> HTMXBlockTemplate:
        members = await attendance.current_members(meeting)
        sheet = await attendance.saved_attendance(meeting, members)
        return await _attendance_page(meeting, sheet, saved=bool(saved))

    @post("/attendance", name="attendance_save")
    async def save_attendance(
        self, request: Request, meeting: ManagedMeeting, principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        members = await attendance.current_members(meeting)
        sheet = await attendance.attendance_from_form(meeting, members, await _form(request))
        try:
            await attendance.save_attendance(principal, meeting, sheet)
        except FormError:
            return await _attendance_page(meeting, sheet, status_code=400)
        path = request.app.route_reverse("attendance", meeting_id=meeting.id)
        return Redirect(f"{path}?saved=1", status_code=303)

    @post("/attendance/quorum", name="attendance_quorum")
    async def quorum(self, request: Request, meeting: ManagedMeeting) -> HTMXBlockTemplate:
        """The quorum panel alone, for the attendance form as it stands (nothing is saved)."""
        members = await attendance.current_members(meeting)
        sheet = await attendance.attendance_from_form(meeting, members, await _form(request))
        rule = await attendance.quorum_rule(meeting, members)
        return _page("meetings/_quorum.html", rule=rule, quorum=sheet.quorum(rule))

    # Minutes: notes, declarations, decisions, actions, approval

    @get("/minutes", name="minutes_edit")
    async def minutes(self, meeting: ManagedMeeting) -> HTMXBlockTemplate:
        return await _minutes_page(meeting)

    @post("/minutes", name="minutes_save")
    async def save_minutes(
        self, request: Request, meeting: ManagedMeeting, principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        """The minutes form, whichever button was pressed (its ``action``): every item's notes
        are saved, then the button's step is done; nothing typed is ever dropped."""
        values = await _form(request)
        action = values.pop("action", "save")
        try:
            outcome = await minutes_editor.press(principal, meeting, action, values)
        except minutes.NotesConflict as conflict:
            return await _minutes_page(
                meeting,
                errors=conflict.errors,
                values=minutes_editor.shown_again(values),
                theirs=conflict.theirs,
                status_code=409,
            )
        except FormError as error:
            return await _minutes_page(
                meeting,
                errors=error.errors,
                values=minutes_editor.shown_again(values),
                status_code=400,
            )
        if outcome.kept and meeting.minutes_state != MinutesState.approved:
            return await _minutes_page(meeting, values=outcome.kept, outcome=outcome)
        if outcome.section == "attendance":
            path = request.app.route_reverse("attendance", meeting_id=meeting.id)
            return Redirect(path, status_code=303)
        path = request.app.route_reverse("minutes_edit", meeting_id=meeting.id)
        return Redirect(f"{path}#{outcome.section}", status_code=303)

    @post("/minutes/items/{item_id:int}/notes", name="minutes_autosave", dependencies=ITEM)
    async def autosave_notes(
        self, request: HTMXRequest, meeting: ManagedMeeting, item: MeetingItem, principal: Me
    ) -> HTMXBlockTemplate | Redirect | Response:
        """One item's notes, saved as the secretary types (htmx): a status line answers, with
        the item's new version for the form. Nothing to save: 204, the status stays."""
        if not request.htmx:
            path = request.app.route_reverse("minutes_edit", meeting_id=meeting.id)
            return Redirect(path, status_code=303)
        values = await _form(request)
        status = "meetings/_notes_status.html"
        try:
            saved = await minutes.save_notes(principal, meeting, [item], values)
        except minutes.NotesConflict:
            return _page(status, status_code=409, item=item, conflict=True)
        except FormError as error:
            problem = next(iter(error.errors.values()))
            return _page(status, status_code=400, item=item, problem=problem)
        if not saved:
            return Response(content=None, status_code=204)
        fresh = saved[0]
        return _page(
            status, item=fresh, seen=minutes.notes_digest(fresh.notes), saved_at=clock.now()
        )


class ReadRecordController(Controller):
    """Reading the record: a meeting's minutes, and a body's action log (for its members)."""

    include_in_schema = False

    @get("/meetings/{meeting_id:int}/minutes", name="minutes", dependencies=MINUTES_MEETING)
    async def published_minutes(self, meeting: MinutesMeeting, principal: Me) -> HTMXBlockTemplate:
        """Approved minutes of public items for everyone; drafts and confidential items for
        the body's members, marked as such."""
        confidential = can_see_confidential(principal, meeting.body.id)
        return _page(
            "meetings/minutes.html",
            manage=False,
            meeting=meeting,
            day=attendance.meeting_day(meeting),
            minutes=await minutes.minutes_record(meeting, confidential=confidential),
            approved_at=await minutes.approved_at(meeting, principal),
            can_manage=principal.can_manage_body(meeting.body.id),
            errors={},
            today=clock.today(),
        )

    # The action log

    @get("/bodies/{slug:str}/actions", name="action_log", dependencies=LOG_BODY)
    async def actions(
        self, request: HTMXRequest, member_body: MemberBody, principal: Me
    ) -> HTMXBlockTemplate:
        return await _action_log(member_body, principal, request)

    @post(
        "/bodies/{slug:str}/actions/{action_id:int}/status",
        name="action_status",
        dependencies=ACTION,
    )
    async def action_status(
        self, request: HTMXRequest, member_body: MemberBody, action: LoggedAction, principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "status")
        try:
            await actions.set_action_status(principal, action, values["status"])
        except FormError as error:
            return await _action_log(member_body, principal, request, error.errors, status_code=400)
        if request.htmx:
            return await _action_log(member_body, principal, request)
        path = request.app.route_reverse("action_log", slug=member_body.slug)
        return Redirect(f"{path}#action-{action.id}", status_code=303)

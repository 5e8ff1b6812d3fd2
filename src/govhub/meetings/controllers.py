"""Meetings: the calendar, one meeting's page, scheduling, and building the agenda."""

from __future__ import annotations

import calendar
import datetime as dt

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub import clock
from govhub.governance import services as governance
from govhub.governance.tables import Body, CallToAction
from govhub.meetings import agenda, attendance, papers, services
from govhub.meetings.access import (
    can_see_confidential,
    can_see_meeting,
    load_managed_meeting,
    load_meeting,
)
from govhub.meetings.actions import open_actions_for
from govhub.meetings.recurrence import PATTERNS
from govhub.meetings.tables import (
    AgendaItem,
    AgendaItemCallToAction,
    AgendaState,
    Meeting,
    MeetingChange,
    Purpose,
    StandardItem,
)
from govhub.settings import get_settings
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.page_cache import PUBLIC_PAGE
from govhub.web.pages import page as _page

__all__ = ["MeetingsController"]

SCHEDULE_FIELDS = (
    "title",
    "date",
    "time",
    "duration",
    "venue",
    "online_link",
    "is_public",
    "repeat",
    "count",
    "reason",
)


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


class MeetingsController(Controller):
    include_in_schema = False

    @get("/meetings", opt=PUBLIC_PAGE)
    async def index(
        self,
        request: HTMXRequest,
        principal: Me,
        month: FromQuery[str | None] = None,
        board: FromQuery[str | None] = None,
    ) -> HTMXBlockTemplate:
        zone = get_settings().zone
        today = clock.today()
        first = _month(month, today)
        bodies = await governance.visible_bodies(principal)
        chosen = next((b for b in bodies if b.slug == board), None)
        query = Meeting.objects(Meeting.body).order_by(Meeting.starts_at)
        if chosen is not None:
            query = query.where(Meeting.body == chosen.id)
        meetings = [m for m in await query if can_see_meeting(principal, m)]
        weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
        by_day: dict[dt.date, list[Meeting]] = {}
        for m in meetings:
            by_day.setdefault(m.starts_at.astimezone(zone).date(), []).append(m)
        now = clock.now()
        upcoming = [m for m in meetings if m.ends_at >= now][:20]
        past = [m for m in reversed(meetings) if m.ends_at < now][:20]
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return _page(
            "meetings/index.html",
            request,
            "results",
            first=first,
            weeks=weeks,
            by_day=by_day,
            upcoming=upcoming,
            past=past,
            body_options=[(b.slug, b.name) for b in bodies],
            board=chosen.slug if chosen else "",
            previous=previous,
            following=following,
            today=today,
            zone=zone,
        )

    @get("/meetings/{meeting_id:int}", opt=PUBLIC_PAGE)
    async def meeting(self, principal: Me, meeting_id: FromPath[int]) -> HTMXBlockTemplate:
        meeting = await load_meeting(meeting_id, principal)
        manager = principal.can_manage_body(meeting.body.id)
        member = can_see_confidential(principal, meeting.body.id)
        show_agenda = meeting.agenda_state == AgendaState.published or manager
        items = await agenda.items_of(meeting, confidential=member) if show_agenda else []
        history = (
            await MeetingChange.objects()
            .where(MeetingChange.meeting == meeting.id)
            .order_by(MeetingChange.at)
        )
        # Open actions from earlier meetings appear as matters arising by themselves.
        has_matters = any(item.standard == StandardItem.matters_arising for item in items)
        matters = (
            await open_actions_for(meeting.body.id, meeting.starts_at, principal)
            if has_matters
            else []
        )
        quorum = rule = None
        if manager:
            members = await attendance.current_members(meeting)
            rule = await attendance.quorum_rule(meeting, members)
            quorum = (await attendance.saved_attendance(meeting, members)).quorum(rule)
        return _page(
            "meetings/meeting.html",
            meeting=meeting,
            items=items,
            history=history,
            manager=manager,
            member=member,
            show_agenda=show_agenda,
            zone=get_settings().zone,
            extras=await _item_extras(meeting, items),
            matters=matters,
            today=clock.today(),
            quorum=quorum,
            rule=rule,
        )


async def _item_extras(meeting: Meeting, items: list[AgendaItem]) -> dict:
    """Calls to action and papers per item."""
    ids = [i.id for i in items]
    links = (
        await AgendaItemCallToAction.select(
            AgendaItemCallToAction.item,
            AgendaItemCallToAction.call_to_action.number,
            AgendaItemCallToAction.call_to_action.title,
        ).where(AgendaItemCallToAction.item.is_in(ids))
        if ids
        else []
    )
    actions: dict[int, list[dict]] = {}
    for link in links:
        actions.setdefault(link["item"], []).append(link)
    return {"actions": actions, "papers": await papers.papers_by_item(ids) if ids else {}}


class ManageMeetingsController(Controller):
    """Scheduling and agendas: the body's secretary and admins only."""

    path = "/manage"
    guards = [requires_sign_in]
    include_in_schema = False

    async def _body(self, slug: str, principal) -> Body:
        body = await Body.objects().where(Body.slug == slug).first()
        if body is None or not principal.can_manage_body(body.id):
            raise NotFoundException()
        return body

    def _schedule_page(self, body, values, errors, meeting=None, status_code=200):
        return _page(
            "meetings/schedule_form.html",
            status_code=status_code,
            body=body,
            values=values,
            errors=errors,
            meeting=meeting,
            patterns=PATTERNS,
        )

    @get("/bodies/{slug:str}/meetings/new")
    async def new(self, principal: Me, slug: FromPath[str]) -> HTMXBlockTemplate:
        body = await self._body(slug, principal)
        return self._schedule_page(
            body,
            {
                "title": f"{body.name} meeting",
                "time": "18:00",
                "duration": "120",
                "is_public": "yes",
                "repeat": "none",
                "count": "4",
            },
            {},
        )

    @post("/bodies/{slug:str}/meetings/new")
    async def create(
        self, request: Request, principal: Me, slug: FromPath[str]
    ) -> HTMXBlockTemplate | Redirect:
        body = await self._body(slug, principal)
        values = await form_values(request, *SCHEDULE_FIELDS)
        try:
            meetings = await services.schedule(principal, body, services.parse_schedule(values))
        except FormError as error:
            return self._schedule_page(body, values, error.errors, status_code=400)
        return Redirect(f"/manage/meetings/{meetings[0].id}/agenda", status_code=303)

    @get("/meetings/{meeting_id:int}/edit")
    async def edit(self, principal: Me, meeting_id: FromPath[int]) -> HTMXBlockTemplate:
        meeting = await load_managed_meeting(meeting_id, principal)
        local = meeting.starts_at.astimezone(get_settings().zone)
        values = {
            "title": meeting.title,
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "duration": str(int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)),
            "venue": meeting.venue,
            "online_link": meeting.online_link,
            "is_public": "yes" if meeting.is_public else "",
        }
        return self._schedule_page(meeting.body, values, {}, meeting=meeting)

    @post("/meetings/{meeting_id:int}/edit")
    async def update(
        self, request: Request, principal: Me, meeting_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        values = await form_values(request, *SCHEDULE_FIELDS)
        try:
            plan = services.parse_schedule(values, allow_series=False)
            await services.reschedule_meeting(principal, meeting, plan, values.get("reason", ""))
        except FormError as error:
            return self._schedule_page(
                meeting.body, values, error.errors, meeting=meeting, status_code=400
            )
        return Redirect(f"/meetings/{meeting.id}", status_code=303)

    @get("/meetings/{meeting_id:int}/cancel")
    async def cancel_form(self, principal: Me, meeting_id: FromPath[int]) -> HTMXBlockTemplate:
        meeting = await load_managed_meeting(meeting_id, principal)
        return _page("meetings/cancel_form.html", meeting=meeting, values={}, errors={})

    @post("/meetings/{meeting_id:int}/cancel")
    async def cancel(
        self, request: Request, principal: Me, meeting_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        values = await form_values(request, "reason")
        try:
            await services.cancel_meeting(principal, meeting, values["reason"])
        except FormError as error:
            return _page(
                "meetings/cancel_form.html",
                status_code=400,
                meeting=meeting,
                values=values,
                errors=error.errors,
            )
        return Redirect(f"/meetings/{meeting.id}", status_code=303)

    # The agenda

    async def _agenda_page(
        self, meeting, *, request=None, block=None, values=None, errors=None, status_code=200
    ) -> HTMXBlockTemplate:
        items = await agenda.items_of(meeting, confidential=True)
        calls = await CallToAction.objects().order_by(CallToAction.number)
        return _page(
            "meetings/agenda_edit.html",
            request,
            block,
            status_code=status_code,
            meeting=meeting,
            items=items,
            calls=calls,
            values=values or {},
            errors=errors or {},
            purposes=[(p.value, p.value.capitalize()) for p in Purpose],
            zone=get_settings().zone,
            extras=await _item_extras(meeting, items),
        )

    @get("/meetings/{meeting_id:int}/agenda")
    async def agenda_page(self, principal: Me, meeting_id: FromPath[int]) -> HTMXBlockTemplate:
        meeting = await load_managed_meeting(meeting_id, principal)
        return await self._agenda_page(meeting, values={"purpose": "discussion"})

    async def _item_values(self, request: Request) -> tuple[dict[str, str], list[int]]:
        values = await form_values(request, *agenda.ITEM_FIELDS)
        form = await request.form()
        chosen = [int(v) for v in form.getall("calls_to_action", []) if str(v).isdigit()]
        return values, chosen

    @post("/meetings/{meeting_id:int}/agenda/items")
    async def add_item(
        self, request: HTMXRequest, principal: Me, meeting_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        values, chosen = await self._item_values(request)
        try:
            await agenda.save_item(principal, meeting, values, chosen)
        except FormError as error:
            return await self._agenda_page(
                meeting, values={**values, "calls": chosen}, errors=error.errors, status_code=400
            )
        return Redirect(f"/manage/meetings/{meeting.id}/agenda#items", status_code=303)

    async def _item(self, meeting, item_id: int) -> AgendaItem:
        item = (
            await AgendaItem.objects()
            .where((AgendaItem.id == item_id) & (AgendaItem.meeting == meeting.id))
            .first()
        )
        if item is None:
            raise NotFoundException()
        return item

    @get("/meetings/{meeting_id:int}/agenda/items/{item_id:int}")
    async def edit_item(
        self, principal: Me, meeting_id: FromPath[int], item_id: FromPath[int]
    ) -> HTMXBlockTemplate:
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await self._item(meeting, item_id)
        links = await AgendaItemCallToAction.select(AgendaItemCallToAction.call_to_action).where(
            AgendaItemCallToAction.item == item.id
        )
        values = {
            "title": item.title,
            "presenter": item.presenter,
            "purpose": item.purpose,
            "minutes_allotted": str(item.minutes_allotted or ""),
            "is_confidential": "yes" if item.is_confidential else "",
            "description": item.description,
            "calls": [link["call_to_action"] for link in links],
        }
        calls = await CallToAction.objects().order_by(CallToAction.number)
        return _page(
            "meetings/item_form.html",
            meeting=meeting,
            item=item,
            values=values,
            errors={},
            calls=calls,
            purposes=[(p.value, p.value.capitalize()) for p in Purpose],
        )

    @post("/meetings/{meeting_id:int}/agenda/items/{item_id:int}")
    async def update_item(
        self, request: Request, principal: Me, meeting_id: FromPath[int], item_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await self._item(meeting, item_id)
        values, chosen = await self._item_values(request)
        try:
            await agenda.save_item(principal, meeting, values, chosen, item)
        except FormError as error:
            calls = await CallToAction.objects().order_by(CallToAction.number)
            return _page(
                "meetings/item_form.html",
                status_code=400,
                meeting=meeting,
                item=item,
                values={**values, "calls": chosen},
                errors=error.errors,
                calls=calls,
                purposes=[(p.value, p.value.capitalize()) for p in Purpose],
            )
        return Redirect(f"/manage/meetings/{meeting.id}/agenda#item-{item.id}", status_code=303)

    async def _after_change(self, request: HTMXRequest, meeting) -> HTMXBlockTemplate | Redirect:
        if request.htmx:
            return await self._agenda_page(meeting, request=request, block="items")
        return Redirect(f"/manage/meetings/{meeting.id}/agenda#items", status_code=303)

    @post("/meetings/{meeting_id:int}/agenda/items/{item_id:int}/move")
    async def move(
        self, request: HTMXRequest, principal: Me, meeting_id: FromPath[int], item_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await self._item(meeting, item_id)
        values = await form_values(request, "direction")
        if values["direction"] in {"up", "down"}:
            try:
                await agenda.move_item(principal, meeting, item, values["direction"])
            except FormError as error:
                return await self._agenda_page(meeting, errors=error.errors, status_code=400)
        return await self._after_change(request, meeting)

    @post("/meetings/{meeting_id:int}/agenda/items/{item_id:int}/remove")
    async def remove(
        self, request: HTMXRequest, principal: Me, meeting_id: FromPath[int], item_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        try:
            await agenda.remove_item(principal, meeting, await self._item(meeting, item_id))
        except FormError as error:
            return await self._agenda_page(meeting, errors=error.errors, status_code=400)
        return await self._after_change(request, meeting)

    @post("/meetings/{meeting_id:int}/agenda/standard")
    async def standard(
        self, request: HTMXRequest, principal: Me, meeting_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        try:
            await agenda.add_standard_items(principal, meeting)
        except FormError as error:
            return await self._agenda_page(meeting, errors=error.errors, status_code=400)
        return await self._after_change(request, meeting)

    @post("/meetings/{meeting_id:int}/agenda/publish")
    async def publish(
        self, principal: Me, meeting_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        try:
            await agenda.publish_agenda(principal, meeting)
        except FormError as error:
            return await self._agenda_page(meeting, errors=error.errors, status_code=400)
        return Redirect(f"/meetings/{meeting.id}", status_code=303)

"""Meetings as readers find them: the calendar of meetings and one meeting's page.

Scheduling is in :mod:`.scheduling_controllers`, building the agenda in :mod:`.agenda_controllers`.
"""

from __future__ import annotations

import calendar
import datetime as dt

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest

from govhub import clock
from govhub.errors import NotFound
from govhub.governance import services as governance
from govhub.meetings import attendance, papers, supplements
from govhub.meetings.access import can_see_confidential, can_see_meeting
from govhub.meetings.actions import open_actions_for
from govhub.meetings.deps import MEETING, VisibleMeeting
from govhub.meetings.response_summary import response_summary
from govhub.meetings.tables import (
    AgendaItem,
    AgendaItemCallToAction,
    AgendaState,
    Meeting,
    MeetingChange,
    StandardItem,
)
from govhub.meetings.visibility import ExemptItem, agenda_seen_by
from govhub.settings import get_settings
from govhub.web.guards import Me
from govhub.web.page_cache import PUBLIC_PAGE
from govhub.web.pages import page as _page

__all__ = ["MeetingsController", "item_extras"]


def _month(value: str | None, today: dt.date) -> dt.date:
    """The month asked for (``2027-03``); this month when none is; a month outside the years
    dates may have (1900 to 2200, as :func:`~govhub.validation.parse_date`) is not found."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
    except (ValueError, TypeError):
        return today.replace(day=1)
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        raise NotFound()
    return dt.date(year, month, 1)


class MeetingsController(Controller):
    include_in_schema = False

    @get("/meetings", name="meetings", opt=PUBLIC_PAGE)
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

    @get("/meetings/{meeting_id:int}", name="meeting", opt=PUBLIC_PAGE, dependencies=MEETING)
    async def meeting(self, principal: Me, meeting: VisibleMeeting) -> HTMXBlockTemplate:
        manager = principal.can_manage_body(meeting.body.id)
        member = can_see_confidential(principal, meeting.body.id)
        show_agenda = meeting.agenda_state == AgendaState.published or manager
        # Exempt items come as stand-ins for the public: their number and reason, no more.
        items = await agenda_seen_by(principal, meeting) if show_agenda else []
        supplements_published = (
            await supplements.agenda_history(meeting, principal) if show_agenda else []
        )
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
        # Who counts and why, for the body's members once attendance is recorded: the public
        # reads who was present only in approved minutes.
        quorum = rule = None
        if manager or member:
            rule, sheet = await attendance.meeting_quorum(meeting)
            quorum = sheet.quorum(rule) if sheet.recorded else None
        return _page(
            "meetings/meeting.html",
            meeting=meeting,
            items=items,
            history=history,
            manager=manager,
            member=member,
            show_agenda=show_agenda,
            zone=get_settings().zone,
            extras=await item_extras(meeting, items),
            supplements=supplements_published,
            matters=matters,
            today=clock.today(),
            quorum=quorum,
            rule=rule,
            rsvp=await response_summary(principal, meeting),
        )


async def item_extras(meeting: Meeting, items: list[AgendaItem | ExemptItem]) -> dict:
    """Calls to action and papers per item (this page and the agenda's); none for an exempt
    item's stand-in."""
    ids = [i.id for i in items if not i.redacted]
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

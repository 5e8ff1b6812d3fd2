"""Building a meeting's agenda: adding, changing, moving and removing items, then publishing.

For the body's secretary and admins; anyone else is told "not found".
"""

from __future__ import annotations

from collections.abc import Awaitable

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub.governance.tables import CallToAction
from govhub.meetings import agenda, numbering, supplements
from govhub.meetings.controllers import item_extras
from govhub.meetings.deps import ITEM, MANAGED_MEETING, ManagedMeeting, MeetingItem
from govhub.meetings.tables import (
    SCHEDULE_12A,
    AgendaItem,
    AgendaItemCallToAction,
    AgendaState,
    Meeting,
    Purpose,
)
from govhub.settings import get_settings
from govhub.validation import FormError, parse_id
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page as _page

__all__ = ["AgendaController"]

PURPOSES = [(p.value, p.value.capitalize()) for p in Purpose]
EXEMPT_REASONS = [(str(n), f"Paragraph {n}: {text}") for n, text in SCHEDULE_12A.items()]


async def _agenda_page(
    meeting: Meeting,
    *,
    request: HTMXRequest | None = None,
    block: str | None = None,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    items = await agenda.items_of(meeting, confidential=True)
    calls = await CallToAction.objects().order_by(CallToAction.number)
    published = meeting.agenda_state == AgendaState.published
    places, usual = numbering.placements(items) if published else ([], "end")
    pending = await supplements.pending_changes(meeting) if published else []
    return _page(
        "meetings/agenda_edit.html",
        request,
        block,
        status_code=status_code,
        meeting=meeting,
        items=items,
        calls=calls,
        values={"purpose": "discussion", "after": usual, **(values or {})},
        errors=errors or {},
        purposes=PURPOSES,
        exempt_reasons=EXEMPT_REASONS,
        places=places,
        pending=[supplements.describe(change, change.item) for change in pending],
        zone=get_settings().zone,
        extras=await item_extras(meeting, items),
    )


async def _item_page(
    meeting: Meeting,
    item: AgendaItem,
    values: dict,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    calls = await CallToAction.objects().order_by(CallToAction.number)
    return _page(
        "meetings/item_form.html",
        status_code=status_code,
        meeting=meeting,
        item=item,
        values=values,
        errors=errors or {},
        calls=calls,
        purposes=PURPOSES,
        exempt_reasons=EXEMPT_REASONS,
        places=[],
    )


async def _item_values(request: Request) -> tuple[dict[str, str], list[int]]:
    values = await form_values(request, *agenda.ITEM_FIELDS, "after")
    form = await request.form()
    chosen = [n for v in form.getall("calls_to_action", []) if (n := parse_id(v))]
    return values, chosen


def _to_agenda(request: Request, meeting: Meeting, anchor: str) -> Redirect:
    path = request.app.route_reverse("agenda", meeting_id=meeting.id)
    return Redirect(f"{path}#{anchor}", status_code=303)


async def _after_change(request: HTMXRequest, meeting: Meeting) -> HTMXBlockTemplate | Redirect:
    if request.htmx:
        return await _agenda_page(meeting, request=request, block="items")
    return _to_agenda(request, meeting, "items")


async def _changed(
    request: Request, meeting: Meeting, change: Awaitable
) -> HTMXBlockTemplate | Redirect:
    """Make a change to the agenda; on a problem, the agenda again with the message."""
    try:
        await change
    except FormError as error:
        return await _agenda_page(meeting, errors=error.errors, status_code=400)
    return await _after_change(request, meeting)


class AgendaController(Controller):
    """A meeting's agenda, item by item: the body's secretary and admins only."""

    path = "/manage/meetings/{meeting_id:int}/agenda"
    guards = [requires_sign_in]
    dependencies = {**MANAGED_MEETING, **ITEM}
    include_in_schema = False

    @get("/", name="agenda")
    async def agenda_page(self, meeting: ManagedMeeting) -> HTMXBlockTemplate:
        return await _agenda_page(meeting)

    @post("/items", name="agenda_item_add")
    async def add_item(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        values, chosen = await _item_values(request)
        try:
            await agenda.save_item(principal, meeting, values, chosen)
        except FormError as error:
            return await _agenda_page(
                meeting, values={**values, "calls": chosen}, errors=error.errors, status_code=400
            )
        return _to_agenda(request, meeting, "items")

    @get("/items/{item_id:int}", name="agenda_item")
    async def edit_item(self, meeting: ManagedMeeting, item: MeetingItem) -> HTMXBlockTemplate:
        links = await AgendaItemCallToAction.select(AgendaItemCallToAction.call_to_action).where(
            AgendaItemCallToAction.item == item.id
        )
        values = {
            "title": item.title,
            "presenter": item.presenter,
            "purpose": item.purpose,
            "minutes_allotted": str(item.minutes_allotted or ""),
            "is_confidential": "yes" if item.is_confidential else "",
            "exempt_reason": str(item.exempt_reason or ""),
            "description": item.description,
            "calls": [link["call_to_action"] for link in links],
        }
        return await _item_page(meeting, item, values)

    @post("/items/{item_id:int}", name="agenda_item_update")
    async def update_item(
        self, request: Request, principal: Me, meeting: ManagedMeeting, item: MeetingItem
    ) -> HTMXBlockTemplate | Redirect:
        values, chosen = await _item_values(request)
        try:
            await agenda.save_item(principal, meeting, values, chosen, item)
        except FormError as error:
            return await _item_page(
                meeting, item, {**values, "calls": chosen}, error.errors, status_code=400
            )
        return _to_agenda(request, meeting, f"item-{item.id}")

    @post("/items/{item_id:int}/move", name="agenda_item_move")
    async def move(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting, item: MeetingItem
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "direction")
        if values["direction"] not in {"up", "down"}:
            return await _after_change(request, meeting)
        move = agenda.move_item(principal, meeting, item, values["direction"])
        return await _changed(request, meeting, move)

    @post("/items/{item_id:int}/remove", name="agenda_item_remove")
    async def remove(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting, item: MeetingItem
    ) -> HTMXBlockTemplate | Redirect:
        return await _changed(request, meeting, agenda.remove_item(principal, meeting, item))

    @post("/items/{item_id:int}/withdraw", name="agenda_item_withdraw")
    async def withdraw(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting, item: MeetingItem
    ) -> HTMXBlockTemplate | Redirect:
        return await _changed(request, meeting, agenda.withdraw_item(principal, meeting, item))

    @post("/supplement", name="agenda_supplement_publish")
    async def publish_supplement(
        self, request: Request, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        try:
            await supplements.publish_supplement(principal, meeting)
        except FormError as error:
            return await _agenda_page(meeting, errors=error.errors, status_code=400)
        return Redirect(
            request.app.route_reverse("meeting", meeting_id=meeting.id), status_code=303
        )

    @post("/standard", name="agenda_standard")
    async def standard(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        try:
            await agenda.add_standard_items(principal, meeting)
        except FormError as error:
            return await _agenda_page(meeting, errors=error.errors, status_code=400)
        return await _after_change(request, meeting)

    @post("/publish", name="agenda_publish")
    async def publish(
        self, request: Request, principal: Me, meeting: ManagedMeeting
    ) -> HTMXBlockTemplate | Redirect:
        try:
            await agenda.publish_agenda(principal, meeting)
        except FormError as error:
            return await _agenda_page(meeting, errors=error.errors, status_code=400)
        return Redirect(
            request.app.route_reverse("meeting", meeting_id=meeting.id), status_code=303
        )

"""Public pages of the governance structure."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest

from govhub import clock
from govhub.governance import services
from govhub.governance.deps import BODY, ORGANISATION, ShownOrganisation, VisibleBody
from govhub.governance.rules import build_tree, group_by_organisation
from govhub.governance.tables import BodyKind, Sector
from govhub.meetings.services import body_meetings
from govhub.meetings.terms import terms_summary
from govhub.web.guards import Me
from govhub.web.page_cache import PUBLIC_PAGE
from govhub.web.pages import page as _page

__all__ = ["GovernanceController"]


class GovernanceController(Controller):
    include_in_schema = False

    @get("/", name="home", opt=PUBLIC_PAGE)
    async def home(self, request: HTMXRequest, principal: Me) -> HTMXBlockTemplate:
        today = clock.today()
        bodies = await services.visible_bodies(principal)
        executive = next((b for b in bodies if b.kind == BodyKind.executive_group), None)
        boards = [b for b in bodies if executive and b.reports_to == executive.id]
        others = [b for b in bodies if b is not executive and b not in boards]
        plan, actions = await services.current_plan(today)
        return _page(
            "governance/home.html",
            request,
            executive=executive,
            boards=boards,
            others=others,
            plan=plan,
            actions=actions,
        )

    @get("/bodies", name="bodies", opt=PUBLIC_PAGE)
    async def bodies(self, request: HTMXRequest, principal: Me) -> HTMXBlockTemplate:
        roots = build_tree(await services.visible_bodies(principal))
        return _page("governance/bodies.html", request, roots=roots)

    @get("/bodies/{slug:str}", name="body", opt=PUBLIC_PAGE, dependencies=BODY)
    async def body(
        self,
        request: HTMXRequest,
        principal: Me,
        visible_body: VisibleBody,
        show: FromQuery[str | None] = None,
    ) -> HTMXBlockTemplate:
        body = visible_body
        today = clock.today()
        current, past = await services.memberships_of_body(body, today)
        children = [b for b in await services.visible_bodies(principal) if b.reports_to == body.id]
        return _page(
            "governance/body.html",
            request,
            block="members" if show is not None else None,
            body=body,
            parent=body.reports_to
            if body.reports_to and body.reports_to.id and principal.can_see_body(body.reports_to)
            else None,
            children=children,
            groups=group_by_organisation(current),
            past=past,
            show_past=show == "past",
            actions=await services.calls_to_action_for(body),
            terms=await terms_summary(body.id),
            meetings=await body_meetings(body, principal),
            manager=principal.can_manage_body(body.id),
        )

    @get("/organisations", name="organisations", opt=PUBLIC_PAGE)
    async def organisations(
        self,
        request: HTMXRequest,
        sector: FromQuery[str | None] = None,
    ) -> HTMXBlockTemplate:
        chosen = sector if sector in {s.value for s in Sector} else None
        orgs = await services.organisations(chosen)
        return _page(
            "governance/organisations.html",
            request,
            block="results",
            organisations=orgs,
            sectors=list(Sector),
            chosen=chosen,
        )

    @get(
        "/organisations/{slug:str}",
        name="organisation",
        opt=PUBLIC_PAGE,
        dependencies=ORGANISATION,
    )
    async def organisation(
        self, request: HTMXRequest, principal: Me, organisation: ShownOrganisation
    ) -> HTMXBlockTemplate:
        seats = await services.representation_of(organisation, clock.today(), principal)
        return _page(
            "governance/organisation.html", request, organisation=organisation, seats=seats
        )

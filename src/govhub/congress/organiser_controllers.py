"""The organisers' pages: the dashboard (live counts, waiting lists, access needs, export)
and the check-in desk. Who may see what is decided in :mod:`govhub.congress.organiser`."""

from __future__ import annotations

from urllib.parse import urlencode

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub.congress import editions, organiser
from govhub.congress.deps import DESK_EDITION, ORGANISED_EDITION, DeskEdition, OrganisedEdition
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page

__all__ = ["OrganiseCongressController"]


class OrganiseCongressController(Controller):
    path = "/congress/organise"
    guards = [requires_sign_in]
    include_in_schema = False

    @get("/", name="congress_organise")
    async def index(self, principal: Me) -> HTMXBlockTemplate:
        return page(
            "congress/organise_index.html",
            editions=await organiser.editions_to_run(principal),
            can_create=organiser.can_add_congress(principal),
        )

    @get("/{slug:str}", name="congress_dashboard", dependencies=ORGANISED_EDITION)
    async def dashboard(self, request: HTMXRequest, edition: OrganisedEdition) -> HTMXBlockTemplate:
        sessions = await editions.programme(edition)
        return page(
            "congress/organise.html",
            request,
            "counts",
            edition=edition,
            sessions=sessions,
            counts=await editions.counts(edition, sessions),
            waiting=await organiser.waiting_lists(edition, sessions),
            needs=await organiser.needs_summary(edition, sessions),
        )

    @get("/{slug:str}/registrations.csv", name="congress_export", dependencies=ORGANISED_EDITION)
    async def export(self, principal: Me, edition: OrganisedEdition) -> Response:
        text = await organiser.export_csv(principal, edition)
        return Response(
            # A byte-order mark, so spreadsheet programs read the names as UTF-8.
            ("\ufeff" + text).encode(),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="{edition.slug}-registrations.csv"',
                "cache-control": "no-store",
            },
        )

    async def _desk(
        self, request, edition, *, q="", values=None, errors=None, added=None, status_code=200
    ) -> HTMXBlockTemplate:
        return page(
            "congress/check_in.html",
            request,
            "results",
            status_code=status_code,
            edition=edition,
            people=await organiser.check_in_list(edition, q),
            q=q,
            counts=await editions.counts(edition),
            values=values or {"attending_as": "resident"},
            errors=errors or {},
            added=added,
        )

    @get("/{slug:str}/check-in", name="congress_check_in", dependencies=DESK_EDITION)
    async def check_in(
        self,
        request: HTMXRequest,
        edition: DeskEdition,
        q: FromQuery[str] = "",
        added: FromQuery[str] = "",
    ) -> HTMXBlockTemplate:
        walk_in = await organiser.walk_in_added(edition, added) if added else None
        return await self._desk(request, edition, q=q, added=walk_in)

    @post(
        "/{slug:str}/check-in/{registration_id:int}",
        name="congress_arrived",
        dependencies=DESK_EDITION,
    )
    async def arrived(
        self,
        request: HTMXRequest,
        principal: Me,
        edition: DeskEdition,
        registration_id: FromPath[int],
    ) -> HTMXBlockTemplate | Redirect:
        await organiser.mark_arrived(principal, edition, registration_id)
        values = await form_values(request, "q")
        if request.htmx:
            return await self._desk(request, edition, q=values["q"])
        desk = request.app.route_reverse("congress_check_in", slug=edition.slug)
        query = urlencode({"q": values["q"]})
        return Redirect(f"{desk}?{query}#person-{registration_id}", status_code=303)

    @post("/{slug:str}/walk-ins", name="congress_walk_in", dependencies=DESK_EDITION)
    async def walk_in(
        self, request: Request, principal: Me, edition: DeskEdition
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "name", "attending_as")
        try:
            added = await organiser.add_walk_in(principal, edition, values)
        except FormError as error:
            return await self._desk(
                None, edition, values=values, errors=error.errors, status_code=400
            )
        desk = request.app.route_reverse("congress_check_in", slug=edition.slug)
        return Redirect(desk, query_params={"added": added.reference}, status_code=303)

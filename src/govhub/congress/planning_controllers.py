"""The organisers' pages for planning a congress: a new edition, changing one, and its
programme. Who may do this is decided as for the dashboard (:mod:`govhub.congress.organiser`):
the organising body's secretary and admins; anyone else gets 404."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from govhub.congress import editions, organiser, planning
from govhub.congress.tables import CongressCallToAction, CongressSession, Edition
from govhub.governance.tables import CallToAction
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page

__all__ = ["PlanCongressController"]


async def _chosen(request: Request) -> list[int]:
    form = await request.form()
    return [int(v) for v in form.getall("calls_to_action", []) if str(v).isdigit()]


class PlanCongressController(Controller):
    path = "/congress/organise"
    guards = [requires_sign_in]
    include_in_schema = False

    async def _edition_form(
        self, principal, edition, values, chosen, errors=None, status_code=200
    ) -> HTMXBlockTemplate:
        return page(
            "congress/edition_form.html",
            status_code=status_code,
            edition=edition,
            values=values,
            chosen=chosen,
            errors=errors or {},
            actions=await CallToAction.objects().order_by(CallToAction.number),
            bodies=await planning.managed_bodies(principal) if edition is None else [],
        )

    # Editions

    @get("/new")
    async def new_edition(self, principal: Me) -> HTMXBlockTemplate:
        bodies = await planning.managed_bodies(principal)
        if not bodies:
            raise NotFoundException()
        values = {"starts": "10:00", "ends": "16:00", "capacity": "300", "opens_time": "09:00"}
        values["closes_time"] = "23:59"
        if len(bodies) == 1:
            values["organising_body"] = bodies[0][0]
        return await self._edition_form(principal, None, values, [])

    @post("/new")
    async def create_edition(self, request: Request, principal: Me) -> HTMXBlockTemplate | Redirect:
        if not await planning.managed_bodies(principal):
            raise NotFoundException()
        values = await form_values(request, *planning.EDITION_FIELDS)
        chosen = await _chosen(request)
        try:
            edition = await planning.create_edition(principal, values, chosen)
        except FormError as error:
            return await self._edition_form(
                principal, None, values, chosen, error.errors, status_code=400
            )
        return Redirect(f"/congress/organise/{edition.slug}", status_code=303)

    @get("/{slug:str}/edit")
    async def edit_edition(self, principal: Me, slug: FromPath[str]) -> HTMXBlockTemplate:
        edition = await organiser.organised_edition(slug, principal)
        links = await CongressCallToAction.select(CongressCallToAction.call_to_action).where(
            CongressCallToAction.edition == edition.id
        )
        return await self._edition_form(
            principal,
            edition,
            planning.edition_values(edition),
            [r["call_to_action"] for r in links],
        )

    @post("/{slug:str}/edit")
    async def update_edition(
        self, request: Request, principal: Me, slug: FromPath[str]
    ) -> HTMXBlockTemplate | Redirect:
        edition = await organiser.organised_edition(slug, principal)
        values = await form_values(request, *planning.EDITION_FIELDS)
        chosen = await _chosen(request)
        try:
            await planning.update_edition(principal, edition, values, chosen)
        except FormError as error:
            return await self._edition_form(
                principal, edition, values, chosen, error.errors, status_code=400
            )
        return Redirect(f"/congress/organise/{edition.slug}?changed=1", status_code=303)

    # The programme

    async def _programme(
        self, edition: Edition, *, values=None, errors=None, status_code=200
    ) -> HTMXBlockTemplate:
        sessions = await editions.programme(edition)
        return page(
            "congress/programme.html",
            status_code=status_code,
            edition=edition,
            sessions=sessions,
            counts=await editions.counts(edition, sessions),
            values=values or {"capacity": "30"},
            errors=errors or {},
        )

    @get("/{slug:str}/programme")
    async def programme(self, principal: Me, slug: FromPath[str]) -> HTMXBlockTemplate:
        return await self._programme(await organiser.organised_edition(slug, principal))

    @post("/{slug:str}/programme")
    async def add_session(
        self, request: Request, principal: Me, slug: FromPath[str]
    ) -> HTMXBlockTemplate | Redirect:
        edition = await organiser.organised_edition(slug, principal)
        values = await form_values(request, *planning.SESSION_FIELDS)
        try:
            await planning.save_session(principal, edition, values)
        except FormError as error:
            return await self._programme(
                edition, values=values, errors=error.errors, status_code=400
            )
        return Redirect(f"/congress/organise/{slug}/programme", status_code=303)

    async def _session(self, edition: Edition, session_id: int) -> CongressSession:
        session = (
            await CongressSession.objects()
            .where((CongressSession.id == session_id) & (CongressSession.edition == edition.id))
            .first()
        )
        if session is None:
            raise NotFoundException()
        return session

    def _session_form(
        self, edition, session, values, errors=None, status_code=200
    ) -> HTMXBlockTemplate:
        return page(
            "congress/session_form.html",
            status_code=status_code,
            edition=edition,
            session=session,
            values=values,
            errors=errors or {},
        )

    @get("/{slug:str}/programme/{session_id:int}")
    async def edit_session(
        self, principal: Me, slug: FromPath[str], session_id: FromPath[int]
    ) -> HTMXBlockTemplate:
        edition = await organiser.organised_edition(slug, principal)
        session = await self._session(edition, session_id)
        return self._session_form(edition, session, planning.session_values(session))

    @post("/{slug:str}/programme/{session_id:int}")
    async def update_session(
        self, request: Request, principal: Me, slug: FromPath[str], session_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        edition = await organiser.organised_edition(slug, principal)
        session = await self._session(edition, session_id)
        values = await form_values(request, *planning.SESSION_FIELDS)
        try:
            await planning.save_session(principal, edition, values, session)
        except FormError as error:
            return self._session_form(edition, session, values, error.errors, status_code=400)
        return Redirect(f"/congress/organise/{slug}/programme", status_code=303)

    @post("/{slug:str}/programme/{session_id:int}/remove")
    async def remove_session(
        self, principal: Me, slug: FromPath[str], session_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        edition = await organiser.organised_edition(slug, principal)
        await self._session(edition, session_id)
        try:
            await planning.remove_session(principal, edition, session_id)
        except FormError as error:
            return await self._programme(edition, errors=error.errors, status_code=400)
        return Redirect(f"/congress/organise/{slug}/programme", status_code=303)

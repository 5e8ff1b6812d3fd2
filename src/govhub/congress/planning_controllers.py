"""The organisers' pages for planning a congress: a new edition, changing one, and its
programme. Who may do this is decided as for the dashboard (:mod:`govhub.congress.organiser`,
loaded by :mod:`govhub.congress.deps`): the organising body's secretary and admins; anyone
else gets 404."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.response import Redirect

from govhub.congress import (
    edition_changes,
    edition_setup,
    editions,
    programme_planning,
)
from govhub.congress.deps import (
    NEW_CONGRESS,
    ORGANISED_EDITION,
    SESSION,
    BodiesToOrganise,
    OrganisedEdition,
    ProgrammeSession,
)
from govhub.congress.edition_setup import EDITION_FIELDS, edition_values
from govhub.congress.programme_planning import SESSION_FIELDS, session_values
from govhub.congress.tables import CongressSession, Edition
from govhub.governance.tables import CallToAction
from govhub.validation import FormError, parse_id
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page

__all__ = ["PlanCongressController"]


async def _chosen(request: Request) -> list[int]:
    form = await request.form()
    return [n for v in form.getall("calls_to_action", []) if (n := parse_id(v))]


async def _edition_form(
    edition: Edition | None,
    values,
    chosen,
    errors=None,
    status_code=200,
    bodies: list[tuple[str, str]] = (),
) -> HTMXBlockTemplate:
    """The edition form: a new one (choosing among ``bodies``), or ``edition``'s."""
    return page(
        "congress/edition_form.html",
        status_code=status_code,
        edition=edition,
        values=values,
        chosen=chosen,
        errors=errors or {},
        actions=await CallToAction.objects().order_by(CallToAction.number),
        bodies=list(bodies),
    )


async def _programme(
    edition: Edition, *, values=None, errors=None, status_code=200
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


def _session_form(
    edition: Edition, session: CongressSession, values, errors=None, status_code=200
) -> HTMXBlockTemplate:
    return page(
        "congress/session_form.html",
        status_code=status_code,
        edition=edition,
        session=session,
        values=values,
        errors=errors or {},
    )


def _to_programme(request: Request, edition: Edition) -> Redirect:
    url = request.app.route_reverse("congress_programme", slug=edition.slug)
    return Redirect(url, status_code=303)


class PlanCongressController(Controller):
    path = "/congress/organise"
    guards = [requires_sign_in]
    include_in_schema = False

    # Editions

    @get("/new", name="congress_new", dependencies=NEW_CONGRESS)
    async def new_edition(self, bodies: BodiesToOrganise) -> HTMXBlockTemplate:
        values = {"starts": "10:00", "ends": "16:00", "capacity": "300", "opens_time": "09:00"}
        values["closes_time"] = "23:59"
        if len(bodies) == 1:
            values["organising_body"] = bodies[0][0]
        return await _edition_form(None, values, [], bodies=bodies)

    @post("/new", name="congress_create", dependencies=NEW_CONGRESS)
    async def create_edition(
        self, request: Request, principal: Me, bodies: BodiesToOrganise
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *EDITION_FIELDS)
        chosen = await _chosen(request)
        try:
            edition = await edition_setup.create_edition(principal, values, chosen)
        except FormError as error:
            return await _edition_form(None, values, chosen, error.errors, 400, bodies)
        url = request.app.route_reverse("congress_dashboard", slug=edition.slug)
        return Redirect(url, status_code=303)

    @get("/{slug:str}/edit", name="congress_edit", dependencies=ORGANISED_EDITION)
    async def edit_edition(self, edition: OrganisedEdition) -> HTMXBlockTemplate:
        chosen = await edition_setup.chosen_calls_to_action(edition)
        return await _edition_form(edition, edition_values(edition), chosen)

    @post("/{slug:str}/edit", name="congress_update", dependencies=ORGANISED_EDITION)
    async def update_edition(
        self, request: Request, principal: Me, edition: OrganisedEdition
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *EDITION_FIELDS)
        chosen = await _chosen(request)
        try:
            await edition_changes.update_edition(principal, edition, values, chosen)
        except FormError as error:
            return await _edition_form(edition, values, chosen, error.errors, 400)
        url = request.app.route_reverse("congress_dashboard", slug=edition.slug)
        return Redirect(url + "?changed=1", status_code=303)

    # The programme

    @get("/{slug:str}/programme", name="congress_programme", dependencies=ORGANISED_EDITION)
    async def programme(self, edition: OrganisedEdition) -> HTMXBlockTemplate:
        return await _programme(edition)

    @post("/{slug:str}/programme", name="congress_add_session", dependencies=ORGANISED_EDITION)
    async def add_session(
        self, request: Request, principal: Me, edition: OrganisedEdition
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *SESSION_FIELDS)
        try:
            await programme_planning.save_session(principal, edition, values)
        except FormError as error:
            return await _programme(edition, values=values, errors=error.errors, status_code=400)
        return _to_programme(request, edition)

    @get("/{slug:str}/programme/{session_id:int}", name="congress_session", dependencies=SESSION)
    async def edit_session(
        self, edition: OrganisedEdition, programme_session: ProgrammeSession
    ) -> HTMXBlockTemplate:
        return _session_form(edition, programme_session, session_values(programme_session))

    @post(
        "/{slug:str}/programme/{session_id:int}",
        name="congress_update_session",
        dependencies=SESSION,
    )
    async def update_session(
        self,
        request: Request,
        principal: Me,
        edition: OrganisedEdition,
        programme_session: ProgrammeSession,
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *SESSION_FIELDS)
        try:
            await programme_planning.save_session(principal, edition, values, programme_session)
        except FormError as error:
            return _session_form(edition, programme_session, values, error.errors, 400)
        return _to_programme(request, edition)

    @post(
        "/{slug:str}/programme/{session_id:int}/remove",
        name="congress_remove_session",
        dependencies=SESSION,
    )
    async def remove_session(
        self,
        request: Request,
        principal: Me,
        edition: OrganisedEdition,
        programme_session: ProgrammeSession,
    ) -> HTMXBlockTemplate | Redirect:
        try:
            await programme_planning.remove_session(principal, edition, programme_session.id)
        except FormError as error:
            return await _programme(edition, errors=error.errors, status_code=400)
        return _to_programme(request, edition)

"""Admin pages for organisations and people (partnership admins only)."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub.accounts.services import invite_user
from govhub.accounts.tables import User
from govhub.admin import directory
from govhub.admin.deps import ORGANISATION, PERSON, ChosenOrganisation, ChosenPerson
from govhub.db import contains
from govhub.governance.tables import Organisation, Person, Sector
from govhub.mail.services import dispatch
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_admin
from govhub.web.pages import page as _page
from govhub.web.pagination import paginate

__all__ = ["AdminController", "choices"]

ORG_FIELDS = ("name", "short_name", "sector", "website")
PERSON_FIELDS = ("name", "email", "phone")


def choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class AdminController(Controller):
    """Partnership admins only."""

    path = "/admin"
    guards = [requires_admin]
    include_in_schema = False

    @get("/", name="admin")
    async def index(self) -> HTMXBlockTemplate:
        return _page("admin/index.html")

    # Organisations

    @get("/organisations", name="admin_organisations")
    async def organisations(
        self,
        request: HTMXRequest,
        q: FromQuery[str | None] = None,
        sector: FromQuery[str | None] = None,
        page: FromQuery[int | None] = None,
    ) -> HTMXBlockTemplate:
        where = Organisation.id.is_not_null()
        if q:
            where &= contains(Organisation.name, q)
        if sector in {s.value for s in Sector}:
            where &= Organisation.sector == sector
        listing = await paginate(
            Organisation.objects().where(where).order_by(Organisation.name),
            Organisation.count().where(where),
            page,
            {"q": q or "", "sector": sector or ""},
        )
        return _page(
            "admin/organisations.html",
            request,
            "results",
            listing=listing,
            q=q or "",
            sector=sector or "",
            sectors=choices(Sector),
        )

    @get("/organisations/new", name="admin_new_organisation")
    async def new_organisation(self) -> HTMXBlockTemplate:
        return _organisation_form(None, {}, {})

    @get("/organisations/{org_id:int}", name="admin_organisation", dependencies=ORGANISATION)
    async def edit_organisation(self, organisation: ChosenOrganisation) -> HTMXBlockTemplate:
        values = {f: getattr(organisation, f) or "" for f in ORG_FIELDS}
        return _organisation_form(organisation, values, {})

    @post("/organisations/new")
    async def create_organisation(
        self, request: Request, principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        return await _save_organisation(request, principal, None)

    @post("/organisations/{org_id:int}", dependencies=ORGANISATION)
    async def update_organisation(
        self, request: Request, principal: Me, organisation: ChosenOrganisation
    ) -> HTMXBlockTemplate | Redirect:
        return await _save_organisation(request, principal, organisation)

    # People

    @get("/people", name="admin_people")
    async def people(
        self,
        request: HTMXRequest,
        q: FromQuery[str | None] = None,
        page: FromQuery[int | None] = None,
    ) -> HTMXBlockTemplate:
        where = Person.id.is_not_null()
        if q:
            where &= contains(Person.name, q) | contains(Person.email, q)
        listing = await paginate(
            Person.objects().where(where).order_by(Person.name),
            Person.count().where(where),
            page,
            {"q": q or ""},
        )
        return _page("admin/people.html", request, "results", listing=listing, q=q or "")

    @get("/people/new", name="admin_new_person")
    async def new_person(self) -> HTMXBlockTemplate:
        return _person_form(None, {}, {})

    @get("/people/{person_id:int}", name="admin_person", dependencies=PERSON)
    async def edit_person(
        self, person: ChosenPerson, invited: FromQuery[str | None] = None
    ) -> HTMXBlockTemplate:
        values = {f: getattr(person, f) or "" for f in PERSON_FIELDS}
        account = await User.objects().where(User.person == person.id).first()
        return _person_form(person, values, {}, account=account, invited=bool(invited))

    @post("/people/{person_id:int}/invite", name="admin_invite_person", dependencies=PERSON)
    async def invite_person(
        self, request: Request, principal: Me, person: ChosenPerson
    ) -> Redirect:
        await dispatch(await invite_user(principal, person))
        url = request.app.route_reverse("admin_person", person_id=person.id)
        return Redirect(f"{url}?invited=1", status_code=303)

    @post("/people/new")
    async def create_person(self, request: Request, principal: Me) -> HTMXBlockTemplate | Redirect:
        return await _save_person(request, principal, None)

    @post("/people/{person_id:int}", dependencies=PERSON)
    async def update_person(
        self, request: Request, principal: Me, person: ChosenPerson
    ) -> HTMXBlockTemplate | Redirect:
        return await _save_person(request, principal, person)


def _organisation_form(org, values, errors, status_code=200) -> HTMXBlockTemplate:
    return _page(
        "admin/organisation_form.html",
        status_code=status_code,
        values=values,
        errors=errors,
        org=org,
        sectors=choices(Sector),
    )


async def _save_organisation(request: Request, principal, org) -> HTMXBlockTemplate | Redirect:
    values = await form_values(request, *ORG_FIELDS)
    try:
        await directory.save_organisation(principal, values, org)
    except FormError as error:
        return _organisation_form(org, values, error.errors, status_code=400)
    return Redirect(request.app.route_reverse("admin_organisations"), status_code=303)


def _person_form(
    person, values, errors, *, account=None, invited=False, status_code=200
) -> HTMXBlockTemplate:
    return _page(
        "admin/person_form.html",
        status_code=status_code,
        values=values,
        errors=errors,
        person=person,
        account=account,
        invited=invited,
    )


async def _save_person(request: Request, principal, person) -> HTMXBlockTemplate | Redirect:
    values = await form_values(request, *PERSON_FIELDS)
    try:
        await directory.save_person(principal, values, person)
    except FormError as error:
        return _person_form(person, values, error.errors, status_code=400)
    return Redirect(request.app.route_reverse("admin_people"), status_code=303)

"""Admin pages for organisations, people and bodies; memberships for secretaries and admins."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub import clock
from govhub.db import contains
from govhub.governance import admin
from govhub.governance.rules import is_current
from govhub.governance.tables import (
    Body,
    BodyCallToAction,
    BodyKind,
    CallToAction,
    Membership,
    Organisation,
    Person,
    Role,
    Sector,
)
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_admin, requires_sign_in
from govhub.web.pages import page as _page
from govhub.web.pagination import paginate

__all__ = ["AdminController", "MembershipController"]

ORG_FIELDS = ("name", "short_name", "sector", "website")
PERSON_FIELDS = ("name", "email", "phone")
BODY_FIELDS = (
    "name",
    "short_name",
    "kind",
    "reports_to",
    "purpose",
    "is_public",
    "reminder_days",
    "agenda_notice_days",
)


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


async def _get(table, object_id: int):
    row = await table.objects().where(table.id == object_id).first()
    if row is None:
        raise NotFoundException()
    return row


class AdminController(Controller):
    """Partnership admins only."""

    path = "/admin"
    guards = [requires_admin]
    include_in_schema = False

    @get("/")
    async def index(self) -> HTMXBlockTemplate:
        return _page("admin/index.html")

    # Organisations

    @get("/organisations")
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
            sectors=_choices(Sector),
        )

    @get("/organisations/new")
    async def new_organisation(self) -> HTMXBlockTemplate:
        return _page(
            "admin/organisation_form.html", values={}, errors={}, org=None, sectors=_choices(Sector)
        )

    @get("/organisations/{org_id:int}")
    async def edit_organisation(self, org_id: FromPath[int]) -> HTMXBlockTemplate:
        org = await _get(Organisation, org_id)
        values = {f: getattr(org, f) or "" for f in ORG_FIELDS}
        return _page(
            "admin/organisation_form.html",
            values=values,
            errors={},
            org=org,
            sectors=_choices(Sector),
        )

    @post("/organisations/new")
    async def create_organisation(
        self, request: Request, principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        return await self._save_organisation(request, principal, None)

    @post("/organisations/{org_id:int}")
    async def update_organisation(
        self, request: Request, principal: Me, org_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        return await self._save_organisation(request, principal, await _get(Organisation, org_id))

    async def _save_organisation(self, request, principal, org) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *ORG_FIELDS)
        try:
            await admin.save_organisation(principal, values, org)
        except FormError as error:
            return _page(
                "admin/organisation_form.html",
                status_code=400,
                values=values,
                errors=error.errors,
                org=org,
                sectors=_choices(Sector),
            )
        return Redirect("/admin/organisations", status_code=303)

    # People

    @get("/people")
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

    @get("/people/new")
    async def new_person(self) -> HTMXBlockTemplate:
        return _page(
            "admin/person_form.html", values={}, errors={}, person=None, account=None, invited=False
        )

    @get("/people/{person_id:int}")
    async def edit_person(
        self, person_id: FromPath[int], invited: FromQuery[str | None] = None
    ) -> HTMXBlockTemplate:
        from govhub.accounts.tables import User

        person = await _get(Person, person_id)
        values = {f: getattr(person, f) or "" for f in PERSON_FIELDS}
        account = await User.objects().where(User.person == person.id).first()
        return _page(
            "admin/person_form.html",
            values=values,
            errors={},
            person=person,
            account=account,
            invited=bool(invited),
        )

    @post("/people/{person_id:int}/invite")
    async def invite_person(self, principal: Me, person_id: FromPath[int]) -> Redirect:
        from govhub.accounts.services import invite_user
        from govhub.mail.services import dispatch

        person = await _get(Person, person_id)
        await dispatch(await invite_user(principal, person))
        return Redirect(f"/admin/people/{person.id}?invited=1", status_code=303)

    @post("/people/new")
    async def create_person(self, request: Request, principal: Me) -> HTMXBlockTemplate | Redirect:
        return await self._save_person(request, principal, None)

    @post("/people/{person_id:int}")
    async def update_person(
        self, request: Request, principal: Me, person_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        return await self._save_person(request, principal, await _get(Person, person_id))

    async def _save_person(self, request, principal, person) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *PERSON_FIELDS)
        try:
            await admin.save_person(principal, values, person)
        except FormError as error:
            return _page(
                "admin/person_form.html",
                status_code=400,
                values=values,
                errors=error.errors,
                person=person,
                account=None,
                invited=False,
            )
        return Redirect("/admin/people", status_code=303)

    # Bodies

    @get("/bodies")
    async def bodies(self) -> HTMXBlockTemplate:
        bodies = await Body.objects(Body.reports_to).order_by(Body.name)
        return _page("admin/bodies.html", bodies=bodies)

    @get("/bodies/new")
    async def new_body(self) -> HTMXBlockTemplate:
        defaults = {"is_public": "yes", "reminder_days": "7,1", "agenda_notice_days": "5"}
        return await self._body_form(None, defaults, [], {})

    @get("/bodies/{body_id:int}")
    async def edit_body(self, body_id: FromPath[int]) -> HTMXBlockTemplate:
        body = await _get(Body, body_id)
        values = {f: getattr(body, f) for f in BODY_FIELDS}
        values["is_public"] = "yes" if body.is_public else ""
        values["reports_to"] = str(body.reports_to or "")
        links = await BodyCallToAction.select(BodyCallToAction.call_to_action).where(
            BodyCallToAction.body == body.id
        )
        return await self._body_form(body, values, [r["call_to_action"] for r in links], {})

    async def _body_form(self, body, values, chosen, errors, status_code=200) -> HTMXBlockTemplate:
        others = await Body.select(Body.id, Body.name).order_by(Body.name)
        actions = await CallToAction.objects().order_by(CallToAction.number)
        return _page(
            "admin/body_form.html",
            status_code=status_code,
            body=body,
            values=values,
            errors=errors,
            chosen=chosen,
            actions=actions,
            kinds=_choices(BodyKind),
            parents=[(str(b["id"]), b["name"]) for b in others if not body or b["id"] != body.id],
        )

    @post("/bodies/new")
    async def create_body(self, request: Request, principal: Me) -> HTMXBlockTemplate | Redirect:
        return await self._save_body(request, principal, None)

    @post("/bodies/{body_id:int}")
    async def update_body(
        self, request: Request, principal: Me, body_id: FromPath[int]
    ) -> HTMXBlockTemplate | Redirect:
        return await self._save_body(request, principal, await _get(Body, body_id))

    async def _save_body(self, request, principal, body) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, *BODY_FIELDS)
        form = await request.form()
        chosen = [int(v) for v in form.getall("calls_to_action", []) if str(v).isdigit()]
        try:
            saved = await admin.save_body(principal, values, chosen, body)
        except FormError as error:
            return await self._body_form(body, values, chosen, error.errors, status_code=400)
        return Redirect(f"/manage/bodies/{saved.slug}", status_code=303)


class MembershipController(Controller):
    """A body's memberships: its secretary and admins change them; nobody else sees this."""

    path = "/manage/bodies/{slug:str}"
    guards = [requires_sign_in]
    include_in_schema = False

    async def _body(self, slug: str, principal) -> Body:
        body = await Body.objects().where(Body.slug == slug).first()
        if body is None or not principal.can_manage_body(body.id):
            raise NotFoundException()
        return body

    async def _view(
        self, body, *, values=None, errors=None, status_code=200, request=None, block=None
    ) -> HTMXBlockTemplate:
        today = clock.today()
        rows = (
            await Membership.objects(Membership.person, Membership.organisation)
            .where(Membership.body == body.id)
            .order_by(Membership.start_date)
        )
        current = sorted(
            [m for m in rows if is_current(m, today) or m.start_date > today],
            key=lambda m: (Role(m.role).rank, m.person.name),
        )
        past = [m for m in rows if m.end_date is not None and m.end_date < today]
        orgs = await Organisation.select(Organisation.id, Organisation.name).order_by(
            Organisation.name
        )
        return _page(
            "admin/memberships.html",
            request,
            block,
            status_code=status_code,
            body=body,
            current=current,
            past=past,
            today=today,
            values=values or {},
            errors=errors or {},
            roles=_choices(Role),
            organisations=[(str(o["id"]), o["name"]) for o in orgs],
        )

    @get("/")
    async def memberships(self, slug: FromPath[str], principal: Me) -> HTMXBlockTemplate:
        return await self._view(await self._body(slug, principal))

    @post("/memberships")
    async def add(
        self, request: HTMXRequest, slug: FromPath[str], principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        body = await self._body(slug, principal)
        values = await form_values(
            request, "email", "name", "organisation", "role", "start_date", "end_date"
        )
        try:
            await admin.add_membership(principal, body, values)
        except FormError as error:
            return await self._view(body, values=values, errors=error.errors, status_code=400)
        return Redirect(f"/manage/bodies/{body.slug}", status_code=303)

    async def _membership(self, body: Body, membership_id: int) -> Membership:
        membership = (
            await Membership.objects()
            .where((Membership.id == membership_id) & (Membership.body == body.id))
            .first()
        )
        if membership is None:
            raise NotFoundException()
        return membership

    @post("/memberships/{membership_id:int}/role")
    async def role(
        self, request: HTMXRequest, slug: FromPath[str], membership_id: FromPath[int], principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        body = await self._body(slug, principal)
        membership = await self._membership(body, membership_id)
        values = await form_values(request, "role")
        try:
            await admin.change_role(principal, membership, values["role"])
        except FormError as error:
            return await self._view(
                body,
                errors={f"role-{membership_id}": error.errors["role"]},
                status_code=400,
                request=request,
                block="current",
            )
        return await self._after_change(request, body)

    @post("/memberships/{membership_id:int}/end")
    async def end(
        self, request: HTMXRequest, slug: FromPath[str], membership_id: FromPath[int], principal: Me
    ) -> HTMXBlockTemplate | Redirect:
        body = await self._body(slug, principal)
        membership = await self._membership(body, membership_id)
        values = await form_values(request, "end_date")
        try:
            await admin.end_membership(principal, membership, values["end_date"])
        except FormError as error:
            return await self._view(
                body,
                errors={f"end-{membership_id}": error.errors["end_date"]},
                values={f"end-{membership_id}": values["end_date"]},
                status_code=400,
                request=request,
                block="current",
            )
        return await self._after_change(request, body)

    async def _after_change(self, request: HTMXRequest, body: Body) -> HTMXBlockTemplate | Redirect:
        if request.htmx:
            return await self._view(body, request=request, block="current")
        return Redirect(f"/manage/bodies/{body.slug}", status_code=303)

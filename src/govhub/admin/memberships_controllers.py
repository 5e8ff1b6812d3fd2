"""A body's memberships: its secretary and admins change them; nobody else sees this."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, get, post
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect

from govhub import clock
from govhub.admin import memberships
from govhub.admin.controllers import choices
from govhub.admin.deps import MEMBERSHIP, ChosenMembership
from govhub.governance.deps import MANAGED_BODY, ManagedBody
from govhub.governance.rules import is_current
from govhub.governance.tables import Body, Membership, Organisation, Role
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page as _page

__all__ = ["MembershipController"]


class MembershipController(Controller):
    path = "/manage/bodies/{slug:str}"
    guards = [requires_sign_in]
    include_in_schema = False

    @get("/", name="memberships", dependencies=MANAGED_BODY)
    async def memberships(self, managed_body: ManagedBody) -> HTMXBlockTemplate:
        return await _view(managed_body)

    @post("/memberships", name="add_membership", dependencies=MANAGED_BODY)
    async def add(
        self, request: HTMXRequest, principal: Me, managed_body: ManagedBody
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(
            request, "email", "name", "organisation", "role", "start_date", "end_date"
        )
        try:
            await memberships.add_membership(principal, managed_body, values)
        except FormError as error:
            return await _view(managed_body, values=values, errors=error.errors, status_code=400)
        url = request.app.route_reverse("memberships", slug=managed_body.slug)
        return Redirect(url, status_code=303)

    @post("/memberships/{membership_id:int}/role", name="membership_role", dependencies=MEMBERSHIP)
    async def role(
        self,
        request: HTMXRequest,
        principal: Me,
        managed_body: ManagedBody,
        membership: ChosenMembership,
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "role")
        try:
            await memberships.change_role(principal, membership, values["role"])
        except FormError as error:
            return await _view(
                managed_body,
                errors={f"role-{membership.id}": error.errors["role"]},
                status_code=400,
                request=request,
                block="current",
            )
        return await _after_change(request, managed_body)

    @post("/memberships/{membership_id:int}/end", name="end_membership", dependencies=MEMBERSHIP)
    async def end(
        self,
        request: HTMXRequest,
        principal: Me,
        managed_body: ManagedBody,
        membership: ChosenMembership,
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "end_date")
        try:
            await memberships.end_membership(principal, membership, values["end_date"])
        except FormError as error:
            return await _view(
                managed_body,
                errors={f"end-{membership.id}": error.errors["end_date"]},
                values={f"end-{membership.id}": values["end_date"]},
                status_code=400,
                request=request,
                block="current",
            )
        return await _after_change(request, managed_body)


async def _view(
    body, *, values=None, errors=None, status_code=200, request=None, block=None
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
    orgs = await Organisation.select(Organisation.id, Organisation.name).order_by(Organisation.name)
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
        roles=choices(Role),
        organisations=[(str(o["id"]), o["name"]) for o in orgs],
    )


async def _after_change(request: HTMXRequest, body: Body) -> HTMXBlockTemplate | Redirect:
    if request.htmx:
        return await _view(body, request=request, block="current")
    return Redirect(request.app.route_reverse("memberships", slug=body.slug), status_code=303)

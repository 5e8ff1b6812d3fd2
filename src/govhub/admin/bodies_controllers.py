"""Admin pages for bodies: add one, change it, delete one created by mistake."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.response import Redirect

from govhub.admin import bodies
from govhub.admin.controllers import choices
from govhub.admin.deps import EXISTING_BODY, ExistingBody
from govhub.errors import Refused
from govhub.governance.tables import Body, BodyCallToAction, BodyKind, CallToAction
from govhub.validation import FormError, parse_id
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_admin
from govhub.web.pages import page as _page

__all__ = ["AdminBodiesController"]

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


class AdminBodiesController(Controller):
    """Partnership admins only."""

    path = "/admin/bodies"
    guards = [requires_admin]
    include_in_schema = False

    @get("/", name="admin_bodies")
    async def bodies(self) -> HTMXBlockTemplate:
        rows = await Body.objects(Body.reports_to).order_by(Body.name)
        return _page("admin/bodies.html", bodies=rows)

    @get("/new", name="admin_new_body")
    async def new_body(self) -> HTMXBlockTemplate:
        defaults = {"is_public": "yes", "reminder_days": "7,1", "agenda_notice_days": "5"}
        return await _body_form(None, defaults, [], {})

    @get("/{body_id:int}", name="admin_body", dependencies=EXISTING_BODY)
    async def edit_body(self, existing_body: ExistingBody) -> HTMXBlockTemplate:
        return await _body_form(existing_body, *await _saved_values(existing_body), {})

    @post("/new")
    async def create_body(self, request: Request, principal: Me) -> HTMXBlockTemplate | Redirect:
        return await _save_body(request, principal, None)

    @post("/{body_id:int}", dependencies=EXISTING_BODY)
    async def update_body(
        self, request: Request, principal: Me, existing_body: ExistingBody
    ) -> HTMXBlockTemplate | Redirect:
        return await _save_body(request, principal, existing_body)

    @post("/{body_id:int}/delete", name="admin_delete_body", dependencies=EXISTING_BODY)
    async def delete_body(
        self, request: Request, principal: Me, existing_body: ExistingBody
    ) -> HTMXBlockTemplate | Redirect:
        """Refused (with the reason on the body's page) once the body has a history."""
        try:
            await bodies.delete_body(principal, existing_body)
        except Refused as refusal:
            values, chosen = await _saved_values(existing_body)
            return await _body_form(
                existing_body, values, chosen, {}, refusal=refusal.message, status_code=409
            )
        return Redirect(request.app.route_reverse("admin_bodies"), status_code=303)


async def _saved_values(body: Body) -> tuple[dict, list[int]]:
    """The form's values as the body stands, and the calls to action it is linked to."""
    values = {f: getattr(body, f) for f in BODY_FIELDS}
    values["is_public"] = "yes" if body.is_public else ""
    values["reports_to"] = str(body.reports_to or "")
    links = await BodyCallToAction.select(BodyCallToAction.call_to_action).where(
        BodyCallToAction.body == body.id
    )
    return values, [r["call_to_action"] for r in links]


async def _body_form(
    body, values, chosen, errors, *, refusal: str | None = None, status_code=200
) -> HTMXBlockTemplate:
    others = await Body.select(Body.id, Body.name).order_by(Body.name)
    actions = await CallToAction.objects().order_by(CallToAction.number)
    return _page(
        "admin/body_form.html",
        status_code=status_code,
        body=body,
        values=values,
        errors=errors,
        refusal=refusal,
        chosen=chosen,
        actions=actions,
        kinds=choices(BodyKind),
        parents=[(str(b["id"]), b["name"]) for b in others if not body or b["id"] != body.id],
    )


async def _save_body(request: Request, principal, body) -> HTMXBlockTemplate | Redirect:
    values = await form_values(request, *BODY_FIELDS)
    form = await request.form()
    chosen = [n for v in form.getall("calls_to_action", []) if (n := parse_id(v))]
    try:
        saved = await bodies.save_body(principal, values, chosen, body)
    except FormError as error:
        return await _body_form(body, values, chosen, error.errors, status_code=400)
    return Redirect(request.app.route_reverse("memberships", slug=saved.slug), status_code=303)

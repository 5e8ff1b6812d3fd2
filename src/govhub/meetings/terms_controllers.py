"""Terms of reference pages: the version in force, its history and differences, and the draft.

Anyone who may see the body reads its approved and superseded versions; drafts, and every
change, are for its secretary and admins (anyone else is told "not found").
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from govhub import clock
from govhub.governance.deps import BODY, MANAGED_BODY, ManagedBody, VisibleBody
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, Role, Sector
from govhub.i18n import format_date
from govhub.meetings import terms, terms_diff
from govhub.meetings import terms_rules as rules
from govhub.meetings.deps import (
    COMPARISON,
    DRAFT,
    VERSION,
    TermsComparison,
    TermsDraft,
    TermsVersion,
)
from govhub.meetings.tables import Meeting, TermsOfReference
from govhub.settings import get_settings
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in

__all__ = ["TermsController"]

APPROVAL_FIELDS = ("approved_on", "approved_at")


def _meeting_label(meeting: Meeting | None) -> str:
    """Like "Board meeting, 3 March 2026", dated in the partnership's time zone."""
    if meeting is None or meeting.id is None:
        return ""
    return f"{meeting.title}, {format_date(meeting.starts_at.astimezone(get_settings().zone))}"


class TermsController(Controller):
    path = "/bodies/{slug:str}/terms"
    include_in_schema = False

    @get("/", name="terms", dependencies=BODY)
    async def current(self, visible_body: VisibleBody, principal: Me) -> Template:
        body = visible_body
        return await self._version_page(body, principal, await terms.current_terms(body.id))

    @get("/versions/{number:int}", name="terms_version", dependencies=VERSION)
    async def version(
        self, visible_body: VisibleBody, tor: TermsVersion, principal: Me
    ) -> Template:
        return await self._version_page(visible_body, principal, tor)

    async def _version_page(self, body: Body, principal: Principal, tor) -> Template:
        manages = principal.can_manage_body(body.id)
        return Template(
            template_name="meetings/terms_view.html",
            context={
                "body": body,
                "tor": tor,
                "fields": [(label, rules.field_text(tor, name)) for name, label in rules.FIELDS]
                if tor
                else [],
                "meeting": _meeting_label(tor.approved_at) if tor else "",
                "manages": manages,
                "draft": await terms.draft_of(body.id) if manages else None,
            },
        )

    @get("/history", name="terms_history", dependencies=BODY)
    async def history(self, visible_body: VisibleBody, principal: Me) -> Template:
        body = visible_body
        versions = await terms.versions_of(body.id, principal.can_manage_body(body.id))
        return Template(
            template_name="meetings/terms_history.html",
            context={
                "body": body,
                "versions": [(v, _meeting_label(v.approved_at)) for v in versions],
                "numbers": [v.version for v in versions],
                "options": [(v.version, f"Version {v.version}") for v in versions],
            },
        )

    @get("/compare", name="terms_compare", dependencies=COMPARISON)
    async def compare(self, visible_body: VisibleBody, comparison: TermsComparison) -> Template:
        body = visible_body
        before, after = comparison.before, comparison.after
        diffs = terms_diff.compare(before, after)
        return Template(
            template_name="meetings/terms_compare.html",
            context={
                "body": body,
                "before": before,
                "after": after,
                "diffs": diffs,
                "changed": [d for d in diffs if d.changed],
            },
        )

    # The secretary's draft

    @get("/draft", name="terms_draft", guards=[requires_sign_in], dependencies=MANAGED_BODY)
    async def draft(
        self, managed_body: ManagedBody, saved: FromQuery[str | None] = None
    ) -> Template:
        return await self._draft_page(managed_body, saved=bool(saved))

    @post("/draft", name="terms_draft_save", guards=[requires_sign_in], dependencies=MANAGED_BODY)
    async def save_draft(
        self, request: Request, managed_body: ManagedBody, principal: Me
    ) -> Template | Redirect:
        body = managed_body
        values = await form_values(request, *rules.FORM_FIELDS)
        roles = [str(r) for r in (await request.form()).getall("quorum_required_roles", [])]
        try:
            await terms.save_draft(principal, body, values, roles)
        except FormError as error:
            return await self._draft_page(
                body, values=(values, roles), errors=error.errors, status_code=400
            )
        path = request.app.route_reverse("terms_draft", slug=body.slug)
        return Redirect(f"{path}?saved=1", status_code=303)

    @post("/draft/approve", name="terms_approve", guards=[requires_sign_in], dependencies=DRAFT)
    async def approve(
        self, request: Request, managed_body: ManagedBody, draft: TermsDraft, principal: Me
    ) -> Template | Redirect:
        """Approve ``draft`` (there must be one: "not found" otherwise)."""
        body = managed_body
        values = await form_values(request, *APPROVAL_FIELDS)
        try:
            await terms.approve_draft(principal, body, values)
        except FormError as error:
            return await self._draft_page(
                body, approval=values, errors=error.errors, status_code=400
            )
        return Redirect(request.app.route_reverse("terms", slug=body.slug), status_code=303)

    async def _draft_page(
        self,
        body: Body,
        *,
        values: tuple[dict[str, str], list[str]] | None = None,
        approval: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        saved: bool = False,
    ) -> Template:
        draft = await terms.draft_of(body.id)
        source: TermsOfReference | None = draft or await terms.starting_point(body.id)
        if values is None:
            values = rules.values_for_form(source) if source else ({"quorum_members": "3"}, [])
        if draft is None:
            numbers = [v.version for v in await terms.versions_of(body.id, with_drafts=True)]
            number = rules.next_version_number(numbers)
        else:
            number = draft.version
        meetings = await terms.approvable_meetings(body.id) if draft else []
        return Template(
            template_name="meetings/terms_draft.html",
            status_code=status_code,
            context={
                "body": body,
                "draft": draft,
                "source": source,
                "number": number,
                "values": values[0],
                "roles": values[1],
                "role_choices": [(role.value, role.label) for role in Role],
                "sector_choices": [
                    (s.value, s.label, rules.SECTOR_FIELDS[s.value]) for s in Sector
                ],
                "sector_fields": list(rules.SECTOR_FIELDS.values()),
                "approval": approval or {},
                "meetings": [(str(m.id), _meeting_label(m)) for m in meetings],
                "errors": errors or {},
                "saved": saved,
                "today": clock.today(),
            },
        )

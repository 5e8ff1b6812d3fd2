"""Terms of reference pages: the version in force, its history and differences, and the draft.

Anyone who may see the body reads its approved and superseded versions; drafts, and every
change, are for its secretary and admins (anyone else is told "not found").
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from govhub import clock
from govhub.governance.principal import Principal
from govhub.governance.services import body_by_slug
from govhub.governance.tables import Body, Role
from govhub.i18n import format_date
from govhub.meetings import terms, terms_diff
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


async def _body(slug: str, principal: Principal) -> Body:
    body = await body_by_slug(slug, principal)
    if body is None:
        raise NotFoundException()
    return body


async def _managed_body(slug: str, principal: Principal) -> Body:
    body = await body_by_slug(slug, principal)
    if body is None or not principal.can_manage_body(body.id):
        raise NotFoundException()
    return body


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None


class TermsController(Controller):
    path = "/bodies/{slug:str}/terms"
    include_in_schema = False

    @get("/")
    async def current(self, slug: FromPath[str], principal: Me) -> Template:
        body = await _body(slug, principal)
        return await self._version_page(body, principal, await terms.current_terms(body.id))

    @get("/versions/{number:int}")
    async def version(self, slug: FromPath[str], number: FromPath[int], principal: Me) -> Template:
        body = await _body(slug, principal)
        tor = await terms.version_of(body.id, number, principal.can_manage_body(body.id))
        if tor is None:
            raise NotFoundException()
        return await self._version_page(body, principal, tor)

    async def _version_page(self, body: Body, principal: Principal, tor) -> Template:
        manages = principal.can_manage_body(body.id)
        return Template(
            template_name="meetings/terms_view.html",
            context={
                "body": body,
                "tor": tor,
                "fields": [(label, terms.field_text(tor, name)) for name, label in terms.FIELDS]
                if tor
                else [],
                "meeting": _meeting_label(tor.approved_at) if tor else "",
                "manages": manages,
                "draft": await terms.draft_of(body.id) if manages else None,
            },
        )

    @get("/history")
    async def history(self, slug: FromPath[str], principal: Me) -> Template:
        body = await _body(slug, principal)
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

    @get("/compare")
    async def compare(
        self,
        slug: FromPath[str],
        principal: Me,
        old: Annotated[str | None, QueryParameter(name="from")] = None,
        to: FromQuery[str | None] = None,
    ) -> Template:
        body = await _body(slug, principal)
        drafts = principal.can_manage_body(body.id)
        versions = {v.version: v for v in await terms.versions_of(body.id, drafts)}
        before, after = versions.get(_number(old)), versions.get(_number(to))
        if before is None or after is None:
            raise NotFoundException()
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

    @get("/draft", guards=[requires_sign_in])
    async def draft(
        self, slug: FromPath[str], principal: Me, saved: FromQuery[str | None] = None
    ) -> Template:
        body = await _managed_body(slug, principal)
        return await self._draft_page(body, saved=bool(saved))

    @post("/draft", guards=[requires_sign_in])
    async def save_draft(
        self, request: Request, slug: FromPath[str], principal: Me
    ) -> Template | Redirect:
        body = await _managed_body(slug, principal)
        values = await form_values(request, *terms.EDITABLE)
        roles = [str(r) for r in (await request.form()).getall("quorum_required_roles", [])]
        try:
            await terms.save_draft(principal, body, values, roles)
        except FormError as error:
            return await self._draft_page(
                body, values=(values, roles), errors=error.errors, status_code=400
            )
        return Redirect(f"/bodies/{body.slug}/terms/draft?saved=1", status_code=303)

    @post("/draft/approve", guards=[requires_sign_in])
    async def approve(
        self, request: Request, slug: FromPath[str], principal: Me
    ) -> Template | Redirect:
        body = await _managed_body(slug, principal)
        if await terms.draft_of(body.id) is None:
            raise NotFoundException()
        values = await form_values(request, *APPROVAL_FIELDS)
        try:
            await terms.approve_draft(principal, body, values)
        except FormError as error:
            return await self._draft_page(
                body, approval=values, errors=error.errors, status_code=400
            )
        return Redirect(f"/bodies/{body.slug}/terms", status_code=303)

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
            values = terms.values_for_form(source) if source else ({"quorum_members": "3"}, [])
        if draft is None:
            numbers = [v.version for v in await terms.versions_of(body.id, with_drafts=True)]
            number = terms.next_version_number(numbers)
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
                "approval": approval or {},
                "meetings": [(str(m.id), _meeting_label(m)) for m in meetings],
                "errors": errors or {},
                "saved": saved,
                "today": clock.today(),
            },
        )

"""Papers and agenda packs: uploading and removing papers, downloading them, reading packs."""

from __future__ import annotations

import logging

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import File, Redirect, Template

from govhub.meetings import packs, papers
from govhub.meetings.access import load_item, load_managed_meeting
from govhub.meetings.tables import AgendaItem, Meeting, Paper
from govhub.validation import FormError
from govhub.web.forms import form_values, safe_next
from govhub.web.guards import Me, requires_sign_in

__all__ = ["PapersController"]

logger = logging.getLogger(__name__)

MANAGE = "/manage/meetings/{meeting_id:int}/items/{item_id:int}/papers"


def _papers_page(
    request: HTMXRequest,
    meeting: Meeting,
    item: AgendaItem,
    item_papers: list[Paper],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    """The item's papers page, or just its papers block for htmx (as embedded on the agenda)."""
    values = values or {}
    return HTMXBlockTemplate(
        template_name="meetings/paper_form.html",
        block_name="papers" if request.htmx else None,
        status_code=status_code,
        context={
            "meeting": meeting,
            "item": item,
            "papers": item_papers,
            "can_manage": True,
            "values": values,
            "errors": errors or {},
            # Only a path on this site: it becomes a link and a redirect.
            "return_to": safe_next(values.get("return_to"), "") or None,
        },
    )


async def _after_change(
    request: HTMXRequest, meeting: Meeting, item: AgendaItem, return_to: str
) -> HTMXBlockTemplate | Redirect:
    if request.htmx:
        item_papers = await papers.papers_for_item(item)
        return _papers_page(request, meeting, item, item_papers, values={"return_to": return_to})
    default = f"/manage/meetings/{meeting.id}/items/{item.id}/papers"
    return Redirect(safe_next(return_to, default), status_code=303)


class PapersController(Controller):
    include_in_schema = False

    @get(MANAGE, guards=[requires_sign_in])
    async def papers_page(
        self,
        request: HTMXRequest,
        principal: Me,
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        return_to: FromQuery[str | None] = None,
    ) -> HTMXBlockTemplate:
        """``?return_to=/manage/meetings/1/agenda``: where the back link and the forms go after."""
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await load_item(meeting, item_id, principal)
        item_papers = await papers.papers_for_item(item)
        return _papers_page(
            request, meeting, item, item_papers, values={"return_to": return_to or ""}
        )

    @post(
        MANAGE,
        guards=[requires_sign_in],
        # Above the 10MB limit, so an 11MB file is refused next to the field, not with a 413.
        request_max_body_size=papers.UPLOAD_REQUEST_LIMIT,
    )
    async def upload(
        self,
        request: HTMXRequest,
        principal: Me,
        meeting_id: FromPath[int],
        item_id: FromPath[int],
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await load_item(meeting, item_id, principal)
        values = await form_values(request, "title", "return_to")
        upload = (await request.form()).get("file")
        try:
            await papers.upload_paper(principal, meeting, item, values["title"], upload)
        except FormError as error:
            return _papers_page(
                request,
                meeting,
                item,
                await papers.papers_for_item(item),
                values=values,
                errors=error.errors,
                status_code=400,
            )
        return await _after_change(request, meeting, item, values["return_to"])

    @post(MANAGE + "/{paper_id:int}/remove", guards=[requires_sign_in])
    async def remove(
        self,
        request: HTMXRequest,
        principal: Me,
        meeting_id: FromPath[int],
        item_id: FromPath[int],
        paper_id: FromPath[int],
    ) -> HTMXBlockTemplate | Redirect:
        meeting = await load_managed_meeting(meeting_id, principal)
        item = await load_item(meeting, item_id, principal)
        paper = (
            await Paper.objects().where((Paper.id == paper_id) & (Paper.item == item.id)).first()
        )
        if paper is None:
            raise NotFoundException()
        values = await form_values(request, "return_to")
        await papers.remove_paper(principal, meeting, paper)
        return await _after_change(request, meeting, item, values["return_to"])

    @get("/papers/{paper_id:int}/{filename:str}")
    async def download(
        self, principal: Me, paper_id: FromPath[int], filename: FromPath[str]
    ) -> File:
        """``filename`` is only for people reading the address: the id decides."""
        paper, item, meeting = await papers.load_downloadable_paper(paper_id, principal)
        path = papers.paper_path(paper)
        if not path.is_file():
            logger.error("the file of paper %s is missing: %s", paper.id, path)
            raise NotFoundException()
        name = papers.download_name(paper.original_name, paper.title, paper.kind)
        return File(
            path=path,
            media_type=papers.CONTENT_TYPES[paper.kind],
            headers={
                "content-disposition": papers.content_disposition(name),
                "cache-control": papers.cache_control(item, meeting),
            },
        )

    @get("/meetings/{meeting_id:int}/pack")
    async def pack(self, principal: Me, meeting_id: FromPath[int]) -> Template:
        pack = await packs.load_pack(meeting_id, principal)
        return Template(
            template_name="meetings/pack.html",
            context=packs.pack_context(pack, pdf=False),
            headers={"cache-control": packs.cache_control(pack)},
        )

    @get("/meetings/{meeting_id:int}/pack.pdf")
    async def pack_pdf(
        self, request: Request, principal: Me, meeting_id: FromPath[int]
    ) -> Response:
        pack = await packs.load_pack(meeting_id, principal)
        template = request.app.template_engine.get_template("meetings/pack.html")
        try:
            pdf = await packs.render_pack_pdf(pack, lambda context: template.render(**context))
        except packs.PdfUnavailable as exc:
            logger.error("agenda pack PDF unavailable: %s", exc)
            return Template(
                template_name="errors/error.html",
                status_code=503,
                context={
                    "status": 503,
                    "title": "The PDF of this pack is not available",
                    "detail": "The PDF of this pack cannot be made at the moment. "
                    "You can still read and print the pack from its web page.",
                },
            )
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "content-disposition": papers.content_disposition(packs.pack_filename(pack)),
                "cache-control": packs.cache_control(pack),
            },
        )

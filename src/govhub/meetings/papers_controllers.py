"""Papers and agenda packs: uploading and removing papers, downloading them, reading packs."""

from __future__ import annotations

import logging

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import File, Redirect, Template

from govhub.meetings import file_kinds, packs, packs_build, papers
from govhub.meetings.deps import (
    DOWNLOAD,
    MANAGED_ITEM,
    MANAGED_PAPER,
    PACK,
    ItemPaper,
    ManagedMeeting,
    MeetingItem,
    PaperDownload,
    ReadablePack,
)
from govhub.meetings.tables import AgendaItem, Meeting, Paper
from govhub.validation import FormError
from govhub.web.forms import form_values, safe_next
from govhub.web.guards import Me, requires_sign_in

__all__ = ["PapersController"]

logger = logging.getLogger(__name__)

MANAGE = "/manage/meetings/{meeting_id:int}/items/{item_id:int}/papers"
PACK_RETRY_SECONDS = 5


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
    default = request.app.route_reverse("item_papers", meeting_id=meeting.id, item_id=item.id)
    return Redirect(safe_next(return_to, default), status_code=303)


class PapersController(Controller):
    include_in_schema = False

    @get(MANAGE, name="item_papers", guards=[requires_sign_in], dependencies=MANAGED_ITEM)
    async def papers_page(
        self,
        request: HTMXRequest,
        meeting: ManagedMeeting,
        item: MeetingItem,
        return_to: FromQuery[str | None] = None,
    ) -> HTMXBlockTemplate:
        """``?return_to=/manage/meetings/1/agenda``: where the back link and the forms go after."""
        item_papers = await papers.papers_for_item(item)
        return _papers_page(
            request, meeting, item, item_papers, values={"return_to": return_to or ""}
        )

    @post(
        MANAGE,
        name="paper_upload",
        guards=[requires_sign_in],
        dependencies=MANAGED_ITEM,
        # Above the 10MB limit, so an 11MB file is refused next to the field, not with a 413.
        request_max_body_size=papers.UPLOAD_REQUEST_LIMIT,
    )
    async def upload(
        self, request: HTMXRequest, principal: Me, meeting: ManagedMeeting, item: MeetingItem
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "title", "return_to")
        upload = (await request.form()).get("file")
        filename, source = ("", None)
        if isinstance(upload, UploadFile):
            filename, source = upload.filename or "", upload.file
        try:
            await papers.upload_paper(principal, meeting, item, values["title"], filename, source)
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

    @post(
        MANAGE + "/{paper_id:int}/replace",
        name="paper_replace",
        guards=[requires_sign_in],
        dependencies=MANAGED_PAPER,
        request_max_body_size=papers.UPLOAD_REQUEST_LIMIT,
    )
    async def replace(
        self,
        request: HTMXRequest,
        principal: Me,
        meeting: ManagedMeeting,
        item: MeetingItem,
        paper: ItemPaper,
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "return_to")
        upload = (await request.form()).get("file")
        filename, source = ("", None)
        if isinstance(upload, UploadFile):
            filename, source = upload.filename or "", upload.file
        try:
            await papers.replace_paper(principal, meeting, item, paper, filename, source)
        except FormError as error:
            return _papers_page(
                request,
                meeting,
                item,
                await papers.papers_for_item(item),
                values=values,
                errors={f"replace-{paper.id}": error.errors["file"]},
                status_code=400,
            )
        return await _after_change(request, meeting, item, values["return_to"])

    @post(
        MANAGE + "/{paper_id:int}/remove",
        name="paper_remove",
        guards=[requires_sign_in],
        dependencies=MANAGED_PAPER,
    )
    async def remove(
        self,
        request: HTMXRequest,
        principal: Me,
        meeting: ManagedMeeting,
        item: MeetingItem,
        paper: ItemPaper,
    ) -> HTMXBlockTemplate | Redirect:
        values = await form_values(request, "return_to")
        await papers.remove_paper(principal, meeting, paper)
        return await _after_change(request, meeting, item, values["return_to"])

    @get("/papers/{paper_id:int}/{filename:str}", name="paper", dependencies=DOWNLOAD)
    async def download(self, download: PaperDownload) -> File:
        """The address's ``{filename}`` is only for people reading it: the id decides."""
        paper = download.paper
        name = file_kinds.download_name(paper.original_name, paper.title, paper.kind)
        return File(
            path=download.path,
            media_type=file_kinds.CONTENT_TYPES[paper.kind],
            headers={
                "content-disposition": file_kinds.content_disposition(name),
                "cache-control": papers.cache_control(download.item, download.meeting),
            },
        )

    @get("/meetings/{meeting_id:int}/pack", name="meeting_pack", dependencies=PACK)
    async def pack(self, pack: ReadablePack) -> Template:
        return Template(
            template_name="meetings/pack.html",
            context=packs.pack_context(pack, pdf=False),
            headers={"cache-control": packs.cache_control(pack)},
        )

    @get("/meetings/{meeting_id:int}/pack.pdf", name="meeting_pack_pdf", dependencies=PACK)
    async def pack_pdf(self, request: Request, pack: ReadablePack) -> Response:
        """The pack's stored PDF; while it is being built, a page saying so (202)."""
        try:
            path = await packs_build.ready_or_queued(pack)
        except packs_build.PdfUnavailable as exc:
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
        if path is None:
            return _pack_preparing(request, pack)
        return File(
            path=path,
            media_type="application/pdf",
            headers={
                "content-disposition": file_kinds.content_disposition(packs.pack_filename(pack)),
                "cache-control": packs.cache_control(pack),
            },
        )


def _pack_preparing(request: Request, pack: packs.Pack) -> Response:
    """202 Accepted: the pack is being built. Browsers get a page that asks again by itself."""
    headers = {
        "retry-after": str(PACK_RETRY_SECONDS),
        "refresh": str(PACK_RETRY_SECONDS),
        "cache-control": "no-store",
    }
    if "text/html" not in request.headers.get("accept", ""):
        return Response(
            "The agenda pack is being prepared. Try again in a few seconds.",
            status_code=202,
            media_type="text/plain",
            headers=headers,
        )
    return Template(
        template_name="meetings/pack_preparing.html",
        status_code=202,
        headers=headers,
        context={"meeting": pack.meeting, "for_members": pack.for_members},
    )

"""Agenda packs: a meeting's agenda and papers as one print-friendly page, or one PDF.

Who you are decides which pack you get. The public pack leaves confidential items out
entirely; the members' pack (the body's members and admins) marks them "Confidential".
Only published agendas have packs, except that those who manage the body may preview a draft.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import anyio
import anyio.to_thread

from govhub import clock
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.meetings import file_kinds
from govhub.meetings import papers as paper_files
from govhub.meetings.access import can_see_confidential, load_meeting
from govhub.meetings.tables import AgendaItem, AgendaState, Meeting, MeetingStatus, Paper
from govhub.settings import PROJECT_ROOT, get_settings
from govhub.validation import slugify

__all__ = [
    "PACK_BASE_URL",
    "Pack",
    "PackItem",
    "PdfUnavailable",
    "cache_control",
    "format_when",
    "load_pack",
    "pack_context",
    "pack_filename",
    "print_url",
    "render_pack_pdf",
    "static_file_for",
]

logger = logging.getLogger(__name__)

STATIC_DIR = PROJECT_ROOT / "static"
PACK_BASE_URL = "https://govhub.invalid/"
"""The pack's base URL for WeasyPrint: only ``/static/...`` under it is served, from disk."""

_PDF_RENDERS_AT_ONCE = 2


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded here (usually: Pango is not installed)."""


@dataclass(frozen=True)
class PackItem:
    number: str  # the item's number as published
    item: AgendaItem
    papers: list[Paper]


@dataclass(frozen=True)
class Pack:
    meeting: Meeting
    items: list[PackItem]
    for_members: bool
    is_draft: bool

    @property
    def pdf_papers(self) -> list[tuple[PackItem, Paper]]:
        return [(entry, p) for entry in self.items for p in entry.papers if p.kind == "pdf"]


async def load_pack(meeting_id: int, principal: Principal) -> Pack:
    """The pack ``principal`` may read, or 404 (an unpublished agenda, a hidden meeting)."""
    meeting = await load_meeting(meeting_id, principal)
    body_id = meeting.body.id
    is_draft = meeting.agenda_state != AgendaState.published
    if is_draft and not principal.can_manage_body(body_id):
        raise NotFound()
    for_members = can_see_confidential(principal, body_id)
    query = AgendaItem.objects().where(AgendaItem.meeting == meeting.id)
    if not for_members:
        query = query.where(AgendaItem.is_confidential.eq(False))
    items = await query.order_by(AgendaItem.position, AgendaItem.id)
    grouped = await paper_files.papers_by_item([item.id for item in items])
    entries = [PackItem(number=item.number, item=item, papers=grouped[item.id]) for item in items]
    return Pack(meeting=meeting, items=entries, for_members=for_members, is_draft=is_draft)


def cache_control(pack: Pack) -> str:
    """The members' pack and draft previews must never be stored."""
    return paper_files.PRIVATE if pack.for_members or pack.is_draft else "no-cache"


def format_when(starts_at: dt.datetime, ends_at: dt.datetime | None, zone: ZoneInfo) -> str:
    """``Tuesday 3 March 2026, 6pm to 8pm`` in the partnership's time zone (GOV.UK style)."""
    start = starts_at.astimezone(zone)
    text = f"{start:%A} {start.day} {start:%B %Y}, {_clock(start)}"
    if ends_at is not None:
        end = ends_at.astimezone(zone)
        text += f" to {_clock(end)}" if end.date() == start.date() else ""
    return text


def _clock(moment: dt.datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def pack_context(
    pack: Pack,
    *,
    pdf: bool,
    attached: dict[int, int] | None = None,
    starts: dict[int, int] | None = None,
) -> dict:
    """What ``meetings/pack.html`` needs.

    For the PDF: ``attached`` maps the papers appended to it to their number of pages,
    ``starts`` to the page of the pack each begins on.
    """
    meeting = pack.meeting
    return {
        "pack": pack,
        "meeting": meeting,
        "body_name": meeting.body.name,
        "when": format_when(meeting.starts_at, meeting.ends_at, get_settings().zone),
        "is_cancelled": meeting.status == MeetingStatus.cancelled,
        "pdf": pdf,
        "attached": attached or {},
        "starts": starts or {},
        "download_url": paper_files.download_url,
        "format_size": file_kinds.format_size,
        "kind_labels": file_kinds.KIND_LABELS,
        "pdf_url": f"/meetings/{meeting.id}/pack.pdf",
        "print_url": print_url,
        "produced_at": clock.now(),
    }


def print_url(paper: Paper) -> str:
    """A paper's full address to print in the PDF: readable, since the name part is cosmetic."""
    stem = slugify(paper.title)[:60].strip("-") or "paper"
    return f"{get_settings().base_url}/papers/{paper.id}/{stem}.{paper.kind}"


def pack_filename(pack: Pack) -> str:
    """``health-and-wellbeing-board-2026-03-03-agenda-pack.pdf`` (members' and draft marked)."""
    meeting = pack.meeting
    day = meeting.starts_at.astimezone(get_settings().zone).date().isoformat()
    name = f"{slugify(meeting.body.name)[:60] or 'meeting'}-{day}-agenda-pack"
    if pack.for_members:
        name += "-members"
    if pack.is_draft:
        name += "-draft"
    return f"{name}.pdf"


def static_file_for(url: str) -> Path | None:
    """The file under static/ that a pack URL names, or None for anything else."""
    base = urlsplit(PACK_BASE_URL)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    relative = unquote(parts.path).removeprefix("/")
    if not relative.startswith("static/"):
        return None
    path = (PROJECT_ROOT / relative).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        return None
    return path


_limiter: anyio.CapacityLimiter | None = None


def _pdf_limiter() -> anyio.CapacityLimiter:
    """PDF rendering is CPU-heavy: a few at a time, so uploads and pages keep their threads."""
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(_PDF_RENDERS_AT_ONCE)
    return _limiter


def _import_weasyprint():
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(str(exc)) from exc

    class StaticOnlyFetcher(URLFetcher):
        """Serves the pack's stylesheet from disk; nothing else, and never the network."""

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            if path is None:
                raise ValueError(f"the pack may not load {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return weasyprint, StaticOnlyFetcher


async def render_pack_pdf(pack: Pack, render_html: Callable[[dict], str]) -> bytes:
    """The pack as a tagged PDF, its PDF papers appended, rendered in a worker thread.

    ``render_html`` turns :func:`pack_context` into the HTML of ``meetings/pack.html``.
    Raises :class:`PdfUnavailable` when WeasyPrint cannot be loaded.
    """
    weasyprint, fetcher = _import_weasyprint()

    def layout(attached: dict[int, int], starts: dict[int, int], total: int | None):
        html = render_html(pack_context(pack, pdf=True, attached=attached, starts=starts))
        # With papers appended, "Page n of N" counts their pages too: N is given, not counted.
        extra = [weasyprint.CSS(string=_page_total_css(total))] if total else []
        document = weasyprint.HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=fetcher())
        return document.render(stylesheets=extra, pdf_tags=True)

    def build() -> bytes:
        from pypdf import PdfWriter

        readable = [(e, p, r) for e, p in pack.pdf_papers if (r := _open_pdf(p)) is not None]
        attached = {paper.id: len(reader.pages) for _, paper, reader in readable}
        # First lay out with wide stand-in page numbers, then with the real ones (once more
        # in the rare case the real numbers move the agenda onto another page).
        document = layout(attached, dict.fromkeys(attached, 999), None)
        for _ in range(3 if attached else 0):
            agenda_pages = len(document.pages)
            starts, page = {}, agenda_pages + 1
            for paper_id, count in attached.items():
                starts[paper_id], page = page, page + count
            document = layout(attached, starts, page - 1)
            if len(document.pages) == agenda_pages:
                break
        pdf = document.write_pdf(pdf_tags=True)
        if not readable:
            return pdf
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        for entry, paper, reader in readable:
            writer.append(reader, outline_item=f"{entry.number}. {paper.title}")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return await anyio.to_thread.run_sync(build, limiter=_pdf_limiter())


def _page_total_css(total: int) -> str:
    # A user stylesheet: "!important" lets it win over pack.css's counter(pages).
    footer = f'content: "Page " counter(page) " of {int(total)}" !important;'
    return f"@page {{ @bottom-center {{ {footer} }} }}"


def _open_pdf(paper: Paper):
    """A reader for a PDF paper, or None when it cannot be appended (missing, encrypted, broken):
    such a paper is listed as available to download instead."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(paper_files.paper_path(paper))
        if reader.is_encrypted or len(reader.pages) == 0:
            return None
        return reader
    except Exception:  # any failure to parse means "not appended", never a failed pack
        logger.warning("paper %s could not be appended to a pack", paper.id, exc_info=True)
        return None

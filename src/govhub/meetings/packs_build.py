"""Building a pack's PDF: WeasyPrint lays out the pack, pypdf binds in the PDF papers.

The pack is laid out once with stand-in page numbers, then again with the real ones. Each
item's PDF papers go straight after its divider page; then every page, the papers' own pages
included, is stamped with "Page n of m", and every page of a confidential item's papers with
a CONFIDENTIAL band (stamps WeasyPrint makes, merged onto each page as artifacts).
"""

from __future__ import annotations

import io
import logging
import mimetypes
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import anyio
import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from govhub import i18n, queue
from govhub.calendar.feeds import PARTNERSHIP_NAME
from govhub.governance.principal import ANONYMOUS
from govhub.meetings import papers as paper_files
from govhub.meetings.access import can_see_meeting
from govhub.meetings.packs import Pack, PackItem, pack_context, pack_for, pack_version
from govhub.meetings.packs_store import (
    has_failed,
    mark_failed,
    queue_pack_build,
    store_pack,
    stored_pack,
)
from govhub.meetings.tables import AgendaState, Meeting, Paper
from govhub.settings import PROJECT_ROOT

__all__ = [
    "PACK_BASE_URL",
    "PdfUnavailable",
    "build_meeting_packs",
    "build_pack",
    "check_pdf_available",
    "ready_or_queued",
    "render_pack_pdf",
    "static_file_for",
]

logger = logging.getLogger(__name__)

STATIC_DIR = PROJECT_ROOT / "static"
PACK_BASE_URL = "https://govhub.invalid/"
"""The pack's base URL for WeasyPrint: only ``/static/...`` under it is served, from disk."""

_PDF_RENDERS_AT_ONCE = 2
_PASSES = 3  # of a build job: once, and again for what changed meanwhile
_STAND_IN_PAGE = 999  # as wide as a real page number, for the first layout
# The stamps number every page, so the stylesheet's own page footer is left out of the PDF.
_NO_PAGE_FOOTER = "@page { @bottom-center { content: none !important } }"


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded here (usually: Pango is not installed)."""


# Built once per version, served from storage.


async def build_meeting_packs(
    ctx: dict | None, meeting_id: int, preview: bool = False
) -> list[str]:
    """Job: build the meeting's packs that are not built yet (its members' pack, and its
    public pack when the public may see the meeting). Doing it twice does nothing more.

    A draft agenda's packs only when a preview is asked for (not on every paper uploaded).
    What changed while it built (a paper uploaded meanwhile) is built too: a second job for
    the meeting is not queued while this one runs. A pack that fails to build is marked so
    (its route then says the PDF is unavailable).
    """
    stored: list[str] = []
    for _ in range(_PASSES):
        built = await _build_missing(meeting_id, preview)
        stored += built
        if not built:
            break
    return stored


async def _build_missing(meeting_id: int, preview: bool) -> list[str]:
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()
    if meeting is None or (meeting.agenda_state != AgendaState.published and not preview):
        return []
    built = []
    for for_members in (True, False):
        if not for_members and not can_see_meeting(ANONYMOUS, meeting):
            continue
        pack = await pack_for(meeting, for_members=for_members)
        version = pack_version(pack)
        if stored_pack(meeting_id, version, pack.kind) or has_failed(
            meeting_id, version, pack.kind
        ):
            continue
        try:
            built.append((await build_pack(pack)).name)
        except PdfUnavailable as exc:
            logger.error("the packs of meeting %s cannot be built: %s", meeting_id, exc)
            return []
        except Exception:  # marked failed by build_pack; the other pack may still build
            logger.exception("a pack of meeting %s failed to build", meeting_id)
    return built


async def build_pack(pack: Pack) -> Path:
    """The stored PDF of ``pack``'s version, building and storing it if it is not there."""
    meeting_id, version = pack.meeting.id, pack_version(pack)
    path = stored_pack(meeting_id, version, pack.kind)
    if path is not None:
        return path
    try:
        pdf = await render_pack_pdf(pack)
    except PdfUnavailable:
        raise
    except Exception:
        # Said once, not tried on every request: a change to the pack makes a new version.
        mark_failed(meeting_id, version, pack.kind)
        raise
    path = await anyio.to_thread.run_sync(store_pack, meeting_id, version, pack.kind, pdf)
    logger.info("built the %s pack of meeting %s (version %s)", pack.kind, meeting_id, version)
    return path


async def ready_or_queued(pack: Pack) -> Path | None:
    """The stored PDF of ``pack`` as it is now; else None, its build queued.

    With no job queue in this process, the pack is built here and now.
    Raises :class:`PdfUnavailable` when no PDF can be made.
    """
    meeting_id, version = pack.meeting.id, pack_version(pack)

    def stored() -> Path | None:
        if has_failed(meeting_id, version, pack.kind):
            raise PdfUnavailable(f"the {pack.kind} pack of meeting {meeting_id} failed to build")
        return stored_pack(meeting_id, version, pack.kind)

    if (path := stored()) is not None:
        return path
    check_pdf_available()
    if queue.current_queue() is None:
        return await build_pack(pack)
    await queue_pack_build(meeting_id, preview=pack.is_draft)
    return stored()  # a queue that runs its jobs as they are queued (the tests') built it


# Rendering.


@lru_cache(maxsize=1)
def _templates() -> Environment:
    """The pack's templates, outside any web request (jobs render them too)."""
    environment = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["date"] = i18n.format_date
    environment.globals["site_name"] = PARTNERSHIP_NAME
    return environment


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


def check_pdf_available() -> None:
    """Raise :class:`PdfUnavailable` when WeasyPrint cannot be loaded here."""
    _import_weasyprint()


async def render_pack_pdf(pack: Pack) -> bytes:
    """The pack as a tagged PDF, its PDF papers bound in, rendered in a worker thread."""
    return await anyio.to_thread.run_sync(_PackPdf(pack).build, limiter=_pdf_limiter())


@dataclass
class _Plan:
    """Where everything falls in the finished PDF (pages counted from 1, indexes from 0)."""

    pages: dict[str, int]  # item-<n>-papers and paper-<id>: the page each begins on
    insertions: list[tuple[int, PackItem, Paper]]  # (index to insert at, item, PDF paper)
    confidential: set[int] = field(default_factory=set)  # indexes of pages to band


class _PackPdf:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.weasyprint, self.fetcher = _import_weasyprint()
        self.readers = {
            paper.id: reader
            for _, paper in pack.papers
            if paper.kind == "pdf" and (reader := _open_pdf(paper)) is not None
        }
        self.attached = {paper_id: len(r.pages) for paper_id, r in self.readers.items()}
        self.dividers = [entry for entry in pack.items if entry.item is not None and entry.papers]

    def build(self) -> bytes:
        from pypdf import PdfWriter

        stand_in = {f"item-{e.number}-papers": _STAND_IN_PAGE for e in self.dividers}
        document = self._layout(stand_in | {f"paper-{i}": _STAND_IN_PAGE for i in self.attached})
        plan = self._plan(document)
        for _ in range(3 if self.dividers else 0):  # again if the real numbers move a page
            document = self._layout(plan.pages)
            replanned = self._plan(document)
            if replanned.pages == plan.pages:
                break
            plan = replanned
        writer = PdfWriter(clone_from=io.BytesIO(document.write_pdf(pdf_tags=True)))
        for index, entry, paper in plan.insertions:
            outline = f"{entry.number}. {paper.title}"
            writer.merge(index, self.readers[paper.id], outline_item=outline)
        self._stamp(writer, plan.confidential)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def _layout(self, pages: dict[str, int]):
        context = pack_context(self.pack, pdf=True, attached=self.attached, pages=pages)
        html = _templates().get_template("meetings/pack.html").render(context)
        document = self.weasyprint.HTML(
            string=html, base_url=PACK_BASE_URL, url_fetcher=self.fetcher()
        )
        footer = self.weasyprint.CSS(string=_NO_PAGE_FOOTER)
        return document.render(stylesheets=[footer], pdf_tags=True)

    def _plan(self, document) -> _Plan:
        """Each item's papers go after its divider; the pages after them move on."""
        first_page: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                first_page.setdefault(anchor, index)
        starts = [first_page[f"item-{e.number}-papers"] for e in self.dividers]
        ends = [*starts[1:], len(document.pages)][: len(starts)]
        plan, moved = _Plan(pages={}, insertions=[]), 0
        for entry, start, end in zip(self.dividers, starts, ends, strict=True):
            plan.pages[f"item-{entry.number}-papers"] = start + moved + 1
            confidential = bool(entry.item.is_confidential)
            if confidential:
                plan.confidential.update(range(start + moved, end + moved))
            index = end + moved
            for paper in entry.papers:
                if paper.id not in self.attached:
                    continue
                count = self.attached[paper.id]
                plan.pages[f"paper-{paper.id}"] = index + 1
                plan.insertions.append((index, entry, paper))
                if confidential:
                    plan.confidential.update(range(index, index + count))
                index += count
                moved += count
        return plan

    def _stamp(self, writer, confidential: set[int]) -> None:
        """ "Page n of m" on every page, the CONFIDENTIAL band on those in ``confidential``."""
        from pypdf import PdfWriter

        sheets = []
        for index, page in enumerate(writer.pages):
            if page.rotation:
                page.transfer_rotation_to_content()
            box = page.mediabox
            size = (round(float(box.width), 2), round(float(box.height), 2))
            sheets.append({"size": size, "confidential": index in confidential})
        sizes = {
            size: f"size-{n}" for n, size in enumerate(dict.fromkeys(s["size"] for s in sheets))
        }
        html = (
            _templates()
            .get_template("meetings/pack_stamps.html")
            .render(sheets=sheets, sizes=sizes, total=len(sheets))
        )
        stamps = PdfWriter(
            clone_from=io.BytesIO(
                self.weasyprint.HTML(
                    string=html, base_url=PACK_BASE_URL, url_fetcher=self.fetcher()
                ).write_pdf()
            )
        )
        if len(stamps.pages) != len(sheets):
            raise RuntimeError(f"{len(stamps.pages)} stamps made for {len(sheets)} pages")
        for page, stamp in zip(writer.pages, stamps.pages, strict=True):
            _as_artifact(stamp)
            box = page.mediabox
            page.merge_translated_page(stamp, float(box.left), float(box.bottom))


def _as_artifact(page) -> None:
    """Mark a stamp's content as an artifact: assistive technology skips page furniture."""
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(b"/Artifact BMC\n" + page.get_contents().get_data() + b"\nEMC\n")
    page.replace_contents(stream)


def _open_pdf(paper: Paper):
    """A reader for a PDF paper, or None when it cannot be bound in (missing, encrypted,
    broken): such a paper is listed as available to download instead."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(paper_files.paper_path(paper))
        if reader.is_encrypted or len(reader.pages) == 0:
            return None
        for page in reader.pages:  # parse every page now: a broken one fails here, not later
            page.mediabox  # noqa: B018
        return reader
    except Exception:  # any failure to parse means "not bound in", never a failed pack
        logger.warning("paper %s could not be bound into a pack", paper.id, exc_info=True)
        return None

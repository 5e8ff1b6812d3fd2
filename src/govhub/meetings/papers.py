"""Papers: files attached to agenda items, their type decided from the content, never the name.

Files live under ``var_dir/papers/`` with a random name and no extension; the row keeps the
display name, size, sha256 and kind. Every upload and removal is audited.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import anyio.to_thread

from govhub.audit.services import record, snapshot
from govhub.db import id_of
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.meetings.access import can_see_confidential, load_meeting
from govhub.meetings.packs_store import queue_pack_build
from govhub.meetings.tables import AgendaItem, AgendaState, Meeting, Paper
from govhub.settings import get_settings
from govhub.validation import FormError, require

__all__ = [
    "CONTENT_TYPES",
    "KIND_LABELS",
    "MAX_BYTES",
    "PRIVATE",
    "UPLOAD_REQUEST_LIMIT",
    "cache_control",
    "content_disposition",
    "display_name",
    "download_name",
    "download_url",
    "format_size",
    "load_downloadable_paper",
    "paper_path",
    "papers_by_item",
    "papers_for_item",
    "remove_paper",
    "sniff_kind",
    "upload_paper",
]

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
"""The largest paper accepted (10MB)."""

UPLOAD_REQUEST_LIMIT = 12 * 1024 * 1024
"""The upload route's body limit: above ``MAX_BYTES`` so a slightly bigger file reaches the
handler and is refused with a message next to the field, not a bare 413."""

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word", "odt": "OpenDocument text", "xlsx": "Excel"}

WRONG_TYPE = (
    "The selected file must be a PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX) file"
)
TOO_BIG = "The selected file must be smaller than 10MB"
EMPTY = "The selected file is empty"
NO_FILE = "Select a file"

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
)
PRIVATE = "private, no-store"
"""Cache-Control for anything only some people may see (the security layer may tighten it)."""

_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


# What a file is, and what to call it: pure functions.


def sniff_kind(source: BinaryIO) -> str | None:
    """``pdf``, ``docx``, ``odt`` or ``xlsx`` from the bytes of a seekable file; None otherwise.

    Macro-enabled Office files (with a ``vbaProject.bin``) are refused too.
    """
    try:
        source.seek(0)
        head = source.read(5)
        if head == b"%PDF-":
            return "pdf"
        if head.startswith(b"PK\x03\x04"):
            source.seek(0)
            return _sniff_zip(source)
        return None
    finally:
        source.seek(0)


def _sniff_zip(source: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                entry = archive.getinfo("mimetype")
                # Read only a small entry: a zip bomb named "mimetype" is not an ODT.
                if entry.file_size == len(_ODT_MIMETYPE) and archive.read(entry) == _ODT_MIMETYPE:
                    return "odt"
            if "[Content_Types].xml" not in names or any(
                name.endswith("vbaProject.bin") for name in names
            ):
                return None
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except _ZIP_ERRORS:
        return None
    return None


def display_name(name: str) -> str:
    """An uploaded file's name, safe to show: no folders, control or direction characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(c) == "Zs" else c
        for c in name
        if unicodedata.category(c) == "Zs" or unicodedata.category(c)[0] not in "CZ"
    )
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:255]
    return name


def download_name(original_name: str, title: str, kind: str) -> str:
    """The name a paper is saved under: its original name (or title) with its real extension."""
    stem = display_name(original_name)
    stem = stem.rpartition(".")[0] or stem
    stem = stem or display_name(title) or "paper"
    return f"{stem[:200]}.{kind}"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name in RFC 5987 form."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", ascii_name).strip(" .") or "paper"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def format_size(size: int) -> str:
    """``120 KB``, ``2.4 MB``: for the attachment line under a paper's title."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def download_url(paper: Paper) -> str:
    """``/papers/12/Budget%20report.pdf``: the id decides, the name is for people.

    (``meetings/_papers.html`` builds the same address with Jinja's ``urlencode``.)
    """
    return f"/papers/{paper.id}/{quote(paper.original_name or f'paper.{paper.kind}', safe='')}"


# Files on disk.


def papers_dir() -> Path:
    return get_settings().var_dir / "papers"


def paper_path(paper: Paper) -> Path:
    if not _STORED_NAME.match(paper.stored_name or ""):
        raise ValueError(f"paper {paper.id} has an unexpected stored name")
    return papers_dir() / paper.stored_name


@dataclass(frozen=True)
class _Stored:
    name: str
    size: int
    sha256: str


def _store(source: BinaryIO) -> _Stored:
    """Copy ``source`` into the papers folder under a new random name, hashing as it goes."""
    folder = papers_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as out:
        try:
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise
    os.replace(out.name, folder / name)
    return _Stored(name=name, size=size, sha256=digest.hexdigest())


def _file_size(source: BinaryIO) -> int:
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


def _check_file(source: BinaryIO) -> tuple[str | None, str | None]:
    """(kind, error message): the file checks, in the order a person would want to hear them."""
    size = _file_size(source)
    if size == 0:
        return None, EMPTY
    if size > MAX_BYTES:
        return None, TOO_BIG
    kind = sniff_kind(source)
    return kind, None if kind else WRONG_TYPE


# Services.


async def upload_paper(
    actor: Principal,
    meeting: Meeting,
    item: AgendaItem,
    title: str,
    filename: str,
    source: BinaryIO | None,
) -> Paper:
    """Attach the file ``source``, sent as ``filename``, to ``item``; FormError names what is
    wrong. No file chosen: an empty ``filename`` or no ``source``."""
    errors: dict[str, str] = {}
    title = require({"title": title}, errors, "title", "Enter the paper's title", max_length=300)
    kind = None
    if source is None or not filename:
        errors["file"] = NO_FILE
    else:
        kind, problem = await anyio.to_thread.run_sync(_check_file, source)
        if problem:
            errors["file"] = problem
    if errors:
        raise FormError(errors)
    assert source is not None and kind is not None

    stored = await anyio.to_thread.run_sync(_store, source)
    paper = Paper(
        item=item.id,
        title=title,
        original_name=display_name(filename),
        stored_name=stored.name,
        kind=kind,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor.user_id,
    )
    try:
        async with Paper._meta.db.transaction():
            await paper.save()
            await record(
                actor,
                "paper.uploaded",
                paper,
                summary=f"{title} ({item.title})",
                body_id=id_of(meeting.body),
                after=snapshot(paper),
            )
    except BaseException:
        (papers_dir() / stored.name).unlink(missing_ok=True)
        raise
    await queue_pack_build(meeting.id)
    return paper


async def remove_paper(actor: Principal, meeting: Meeting, paper: Paper) -> None:
    """Delete the row (audited) and then its file."""
    async with Paper._meta.db.transaction():
        before = snapshot(paper)
        await Paper.delete().where(Paper.id == paper.id)
        await record(
            actor,
            "paper.removed",
            paper,
            summary=paper.title,
            body_id=id_of(meeting.body),
            before=before,
        )
    try:
        paper_path(paper).unlink(missing_ok=True)
    except (OSError, ValueError):
        logger.exception("could not delete the file of removed paper %s", paper.id)
    await queue_pack_build(meeting.id)


async def papers_for_item(item: AgendaItem) -> list[Paper]:
    return await Paper.objects().where(Paper.item == item.id).order_by(Paper.id)


async def papers_by_item(item_ids: list[int]) -> dict[int, list[Paper]]:
    """Each item's papers, oldest first, in one query (for an agenda page or a pack)."""
    grouped: dict[int, list[Paper]] = {item_id: [] for item_id in item_ids}
    if item_ids:
        rows = await Paper.objects().where(Paper.item.is_in(item_ids)).order_by(Paper.id)
        for paper in rows:
            grouped[paper.item].append(paper)
    return grouped


async def load_downloadable_paper(
    paper_id: int, principal: Principal
) -> tuple[Paper, AgendaItem, Meeting]:
    """A paper ``principal`` may download, or 404 exactly as if it did not exist.

    Public items of published agendas: anyone who may see the meeting. Confidential
    items: the body's members and admins. Draft agendas: those who manage the body.
    """
    paper = await Paper.objects().where(Paper.id == paper_id).first()
    if paper is None:
        raise NotFound()
    item = await AgendaItem.objects().where(AgendaItem.id == paper.item).first()
    if item is None:
        raise NotFound()
    meeting = await load_meeting(item.meeting, principal)
    body_id = id_of(meeting.body)
    if item.is_confidential and not can_see_confidential(principal, body_id):
        raise NotFound()
    if meeting.agenda_state != AgendaState.published and not principal.can_manage_body(body_id):
        raise NotFound()
    return paper, item, meeting


def cache_control(item: AgendaItem, meeting: Meeting) -> str:
    """Public papers may be kept if revalidated; any other paper must never be stored."""
    public = (
        not item.is_confidential
        and meeting.agenda_state == AgendaState.published
        and meeting.is_public
        and getattr(meeting.body, "is_public", False)
    )
    return "no-cache" if public else PRIVATE

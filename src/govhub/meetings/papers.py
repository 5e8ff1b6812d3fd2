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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import anyio.to_thread

from govhub import clock
from govhub.audit.services import record, snapshot
from govhub.db import id_of
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.meetings.access import can_see_confidential, load_meeting
from govhub.meetings.file_kinds import (
    display_name,
    sniff_kind,
)
from govhub.meetings.packs_store import queue_pack_build
from govhub.meetings.supplements import note_change
from govhub.meetings.tables import AgendaChangeKind, AgendaItem, AgendaState, Meeting, Paper
from govhub.settings import get_settings
from govhub.validation import FormError, require

__all__ = [
    "MAX_BYTES",
    "PRIVATE",
    "UPLOAD_REQUEST_LIMIT",
    "cache_control",
    "download_url",
    "load_downloadable_paper",
    "paper_path",
    "papers_by_item",
    "papers_for_item",
    "remove_paper",
    "replace_paper",
    "upload_paper",
]

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
"""The largest paper accepted (10MB)."""

UPLOAD_REQUEST_LIMIT = 12 * 1024 * 1024
"""The upload route's body limit: above ``MAX_BYTES`` so a slightly bigger file reaches the
handler and is refused with a message next to the field, not a bare 413."""

WRONG_TYPE = (
    "The selected file must be a PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX) file"
)
TOO_BIG = "The selected file must be smaller than 10MB"
EMPTY = "The selected file is empty"
NO_FILE = "Select a file"

PRIVATE = "private, no-store"
"""Cache-Control for anything only some people may see (the security layer may tighten it)."""

_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


# What a file is, and what to call it: pure functions.


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
    title = require(
        {"title": title}, errors, "title", "Enter the paper's title", column=Paper.title
    )
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
            await note_change(actor, meeting, AgendaChangeKind.paper_added, item, detail=title)
    except BaseException:
        (papers_dir() / stored.name).unlink(missing_ok=True)
        raise
    await queue_pack_build(meeting.id)
    return paper


async def replace_paper(
    actor: Principal,
    meeting: Meeting,
    item: AgendaItem,
    paper: Paper,
    filename: str,
    source: BinaryIO | None,
) -> Paper:
    """Put a new file in the paper's place, under the same title and address. Once the agenda
    is published the paper is marked revised (with the date) and the change kept for the
    supplementary agenda."""
    if source is None or not filename:
        raise FormError({"file": NO_FILE})
    kind, problem = await anyio.to_thread.run_sync(_check_file, source)
    if problem:
        raise FormError({"file": problem})
    stored = await anyio.to_thread.run_sync(_store, source)
    old_path = paper_path(paper)
    before = snapshot(paper)
    paper.original_name = display_name(filename)
    paper.stored_name, paper.kind = stored.name, kind
    paper.size, paper.sha256 = stored.size, stored.sha256
    columns = [Paper.original_name, Paper.stored_name, Paper.kind, Paper.size, Paper.sha256]
    if meeting.agenda_state == AgendaState.published:
        paper.revised_at = clock.now()
        columns.append(Paper.revised_at)
    try:
        async with Paper._meta.db.transaction():
            await paper.save(columns)
            await note_change(
                actor, meeting, AgendaChangeKind.paper_revised, item, detail=paper.title
            )
            await record(
                actor,
                "paper.replaced",
                paper,
                summary=f"{paper.title} ({item.title})",
                body_id=id_of(meeting.body),
                before=before,
                after=snapshot(paper),
            )
    except BaseException:
        (papers_dir() / stored.name).unlink(missing_ok=True)
        raise
    old_path.unlink(missing_ok=True)
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

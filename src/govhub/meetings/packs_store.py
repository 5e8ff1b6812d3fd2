"""Where built packs are kept, and asking for them to be built.

``var_dir/packs/<meeting>/<version>-<public|members>.pdf``: a file is written whole (to a
temporary name, then renamed) so a reader never sees half a pack, and never changes once
written, since its version names its content.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from govhub import queue
from govhub.settings import get_settings

__all__ = [
    "BUILD_JOB",
    "has_failed",
    "mark_failed",
    "queue_pack_build",
    "store_pack",
    "stored_pack",
]


BUILD_JOB = "build_meeting_packs"
"""The job that builds a meeting's packs (``packs_build.build_meeting_packs``)."""

_KINDS = ("public", "members")
_KEEP_REPLACED_FOR = 300
"""Seconds a replaced version is kept: a download that began just before may still read it."""


def _folder(meeting_id: int) -> Path:
    return get_settings().var_dir / "packs" / str(int(meeting_id))


def _path(meeting_id: int, version: str, kind: str) -> Path:
    if kind not in _KINDS or not version.isalnum():
        raise ValueError(f"not a pack: {version}-{kind}")
    return _folder(meeting_id) / f"{version}-{kind}.pdf"


def stored_pack(meeting_id: int, version: str, kind: str) -> Path | None:
    """The stored PDF of this version of the pack, if it has been built."""
    path = _path(meeting_id, version, kind)
    return path if path.is_file() else None


def store_pack(meeting_id: int, version: str, kind: str, pdf: bytes) -> Path:
    """Keep ``pdf`` as this version of the pack; older versions of it go after a while."""
    path = _path(meeting_id, version, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".building-", delete=False) as out:
        try:
            out.write(pdf)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise
    os.replace(out.name, path)
    _prune(path, kind)
    return path


def mark_failed(meeting_id: int, version: str, kind: str) -> None:
    """Remember that this version of the pack could not be built (its error is logged)."""
    path = _path(meeting_id, version, kind).with_suffix(".failed")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def has_failed(meeting_id: int, version: str, kind: str) -> bool:
    return _path(meeting_id, version, kind).with_suffix(".failed").is_file()


def _prune(current: Path, kind: str) -> None:
    cutoff = time.time() - _KEEP_REPLACED_FOR
    for old in [*current.parent.glob(f"*-{kind}.pdf"), *current.parent.glob(f"*-{kind}.failed")]:
        try:
            if old != current and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:  # gone already: another build pruned it
            continue


async def queue_pack_build(meeting_id: int, *, preview: bool = False) -> None:
    """Ask for the meeting's packs to be built (after the change that prompted it committed);
    ``preview``: a draft agenda's too.

    One job per meeting waits at a time: it builds whatever version is current when it runs.
    Never fails the change that asked: a pack not built now is built when someone asks for it.
    """
    if queue.current_queue() is None:
        return  # no queue in this process (a command): the pack route builds on demand
    job_id = f"meeting-packs:{int(meeting_id)}{':preview' if preview else ''}"
    # Not worth a notice: a pack not built now is built when someone asks for it.
    await queue.hand_over(BUILD_JOB, meeting_id, preview, _job_id=job_id, _tell=False)

"""What changed between two versions of terms of reference? Field by field, word by word."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govhub.meetings.terms_rules import FIELDS, field_text

__all__ = ["FieldDiff", "Segment", "compare", "diff_text"]


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same in both versions, or only in the old ("removed") or new
    ("added") one."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    old: str
    new: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


_TOKENS = re.compile(r"\s+|[^\s]+")


def _opcodes(old: Sequence[str], new: Sequence[str]):
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _word_diff(old: str, new: str) -> list[Segment]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    raw = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            raw.append(Segment("same", "".join(a[i1:i2])))
            continue
        raw.append(Segment("removed", "".join(a[i1:i2])))
        raw.append(Segment("added", "".join(b[j1:j2])))
    return raw


def diff_text(old: str, new: str) -> list[Segment]:
    """The difference between two texts: line by line, then word by word within changed lines."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            raw.append(Segment("same", before))
        elif tag == "replace":
            raw.extend(_word_diff(before, after))
        else:
            raw += [Segment("removed", before), Segment("added", after)]
    return _joined(raw)


def _joined(raw: list[Segment]) -> list[Segment]:
    """Runs of changes become one removal then one addition, so a rewritten phrase reads whole:
    a space or a single word ("by") left alone between two changes belongs to the run."""
    raw = [s for s in raw if s.text]
    out: list[Segment] = []
    removed = added = ""

    def emit(kind: str, text: str) -> None:
        if out and out[-1].kind == kind:
            text = out.pop().text + text
        out.append(Segment(kind, text))

    def flush() -> None:
        nonlocal removed, added
        if removed.strip():
            emit("removed", removed)
        if added.strip():
            emit("added", added)
        if not removed.strip() and not added.strip() and (removed or added):
            emit("same", added or removed)
        removed = added = ""

    for i, seg in enumerate(raw):
        between_changes = (removed or added) and i + 1 < len(raw) and raw[i + 1].kind != "same"
        lone = len(seg.text.split()) <= 1 and "\n" not in seg.text
        if seg.kind == "same" and lone and between_changes:
            removed, added = removed + seg.text, added + seg.text
        elif seg.kind == "removed":
            removed += seg.text
        elif seg.kind == "added":
            added += seg.text
        else:
            flush()
            emit("same", seg.text)
    flush()
    return out


def compare(old: Any, new: Any) -> list[FieldDiff]:
    """Each field of two versions, with the difference between them."""
    diffs = []
    for name, label in FIELDS:
        before, after = field_text(old, name), field_text(new, name)
        segments = diff_text(before, after) if before != after else [Segment("same", after)]
        diffs.append(FieldDiff(name, label, before, after, tuple(segments)))
    return diffs

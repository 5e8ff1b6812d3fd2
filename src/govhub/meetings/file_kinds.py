"""What kind of file a paper is, decided from its content, never its name; and what it is
called when downloaded (names, sizes, Content-Disposition)."""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from typing import BinaryIO
from urllib.parse import quote

__all__ = [
    "CONTENT_TYPES",
    "KIND_LABELS",
    "content_disposition",
    "display_name",
    "download_name",
    "format_size",
    "sniff_kind",
]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word", "odt": "OpenDocument text", "xlsx": "Excel"}

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

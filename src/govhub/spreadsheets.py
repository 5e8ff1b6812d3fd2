"""Cells for CSV exports that a spreadsheet shows as text and never runs as a formula.

Every CSV govhub writes goes through :func:`neutralise_cell` (OWASP, "CSV Injection")."""

from __future__ import annotations

__all__ = ["FORMULA_START", "neutralise_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula."""


def neutralise_cell(value: object) -> str:
    """``value`` as text, with a quote before it when it starts like a formula (OWASP's advice:
    prefix a single quote to anything starting with = + - @, tab or carriage return)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text

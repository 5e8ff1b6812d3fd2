"""A faster ``ForeignKey.__getattribute__`` for Piccolo 1.38.0, with the same results.

Piccolo's version starts every attribute read of a foreign key column (``Meeting.body``,
``Action.meeting.starts_at``, and the hundreds of reads inside each query it builds) with
``name not in dir(self)``, which lists and sorts every attribute of the column. That check only
matters for a lazy reference whose proxy columns are not set yet, so here it comes last, after
the cheap questions. It was a quarter of the time of an uncached meeting page.

It replaces one of Piccolo's internals, so it is written for one Piccolo release: pyproject.toml
pins that release, :func:`install` keeps Piccolo's own on any other, and
tests/unit/test_piccolo_speedups.py compares the two (joins, proxy columns, lazy references, call
chains) and fails on an upgrade until the body below has been checked against the new release's
and ``WRITTEN_FOR`` raised.
"""

from __future__ import annotations

from typing import Any

import piccolo
from piccolo.columns.base import Column
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.reference import LazyTableReference

__all__ = ["WRITTEN_FOR", "install"]

WRITTEN_FOR = "1.38.0"
"""The Piccolo release whose ``ForeignKey.__getattribute__`` the body below mirrors."""
PICCOLOS_OWN = ForeignKey.__getattribute__


def _getattribute(self: ForeignKey, name: str) -> Any:
    if not name.startswith("_"):
        try:
            meta = object.__getattribute__(self, "_foreign_key_meta")
        except AttributeError:
            pass
        else:
            if (
                meta.proxy_columns == []
                and isinstance(meta.references, LazyTableReference)
                and name not in dir(self)
            ):
                object.__getattribute__(self, "set_proxy_columns")()

    value = object.__getattribute__(self, name)
    if name.startswith("_"):
        return value

    foreignkey_class = object.__getattribute__(self, "__class__")
    if isinstance(value, foreignkey_class):  # a foreign key of the referenced table: a join
        new_column = value.copy()
        new_column._meta.call_chain.append(self)
        if len(new_column._meta.call_chain) >= 10:
            raise Exception("Call chain too long!")  # as Piccolo says it
        foreign_key_meta = object.__getattribute__(new_column, "_foreign_key_meta")
        for proxy_column in foreign_key_meta.proxy_columns:
            try:
                delattr(new_column, proxy_column._meta.name)
            except Exception:  # noqa: S110 (Piccolo's own behaviour)
                pass
        foreign_key_meta.proxy_columns = []
        for column in value._foreign_key_meta.resolved_references._meta.columns:
            copied: Column = column.copy()
            copied._meta.call_chain = list(new_column._meta.call_chain)
            setattr(new_column, copied._meta.name, copied)
            foreign_key_meta.proxy_columns.append(copied)
        return new_column
    if issubclass(type(value), Column):
        new_column = value.copy()
        column_meta = object.__getattribute__(self, "_meta")
        new_column._meta.call_chain = column_meta.call_chain.copy()
        new_column._meta.call_chain.append(self)
        return new_column
    return value


def install() -> bool:
    """Use the faster lookup; False (and Piccolo's own) on a Piccolo it was not written for."""
    if piccolo.__VERSION__ != WRITTEN_FOR:
        return False
    ForeignKey.__getattribute__ = _getattribute  # type: ignore[method-assign]
    return True

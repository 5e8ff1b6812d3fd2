"""The faster foreign-key lookup gives exactly what Piccolo's own gives, on the pinned Piccolo.

Each check runs twice, with govhub's lookup and with Piccolo's, and compares what comes out:
the SQL of queries with joins, proxy columns and their call chains, lazy references, errors.
"""

import datetime as dt
import hashlib
import inspect
import re
import sys
from collections.abc import Callable
from typing import Any

import piccolo
import pytest
from piccolo.columns import Column, ForeignKey, Varchar
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from govhub import piccolo_speedups
from govhub.governance.tables import Body, Membership
from govhub.meetings.tables import Action, Meeting
from govhub.settings import PROJECT_ROOT

pytestmark = pytest.mark.no_db

PICCOLOS_OWN_SOURCE_SHA256 = "0f3e348150c5efd8423dce1ce57b8574c532634964d00fbed6e741f5b67a3d6d"
"""Of ``inspect.getsource(ForeignKey.__getattribute__)`` in Piccolo 1.38.0."""


def test_piccolo_is_the_release_the_faster_lookup_was_written_for():
    pin = re.search(r'"piccolo\[[^\]]*\]==([^"]+)"', (PROJECT_ROOT / "pyproject.toml").read_text())
    assert pin and pin.group(1) == piccolo_speedups.WRITTEN_FOR, "pyproject.toml pins another"
    assert piccolo.__VERSION__ == piccolo_speedups.WRITTEN_FOR, (
        f"Piccolo is {piccolo.__VERSION__}: compare its ForeignKey.__getattribute__ with "
        "govhub.piccolo_speedups._getattribute, bring that up to date, then raise WRITTEN_FOR, "
        "the pin and the digest here"
    )
    source = inspect.getsource(piccolo_speedups.PICCOLOS_OWN).encode()
    assert hashlib.sha256(source).hexdigest() == PICCOLOS_OWN_SOURCE_SHA256


def test_the_faster_lookup_is_in_place():
    assert ForeignKey.__getattribute__ is piccolo_speedups._getattribute


def both(monkeypatch, work: Callable[[], Any]) -> tuple[Any, Any]:
    """``work()`` with govhub's lookup, then with Piccolo's own."""
    faster = work()
    with monkeypatch.context() as patch:
        patch.setattr(ForeignKey, "__getattribute__", piccolo_speedups.PICCOLOS_OWN)
        own = work()
    return faster, own


def described(value: Any) -> Any:
    """What a caller can see of a value, without identities."""
    if isinstance(value, Column):
        meta = object.__getattribute__(value, "_meta")
        seen = {
            "class": type(value).__name__,
            "name": meta.name,
            "table": meta.table._meta.tablename,
            "full name": meta.get_full_name(),
            "call chain": [c._meta.get_full_name() for c in meta.call_chain],
        }
        if isinstance(value, ForeignKey):
            fk = object.__getattribute__(value, "_foreign_key_meta")
            seen["proxies"] = [
                (c._meta.name, [link._meta.name for link in c._meta.call_chain])
                for c in fk.proxy_columns
            ]
        return seen
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return repr(value)


def outcome(read: Callable[[], Any]) -> Any:
    try:
        return described(read())
    except Exception as error:  # the same error, with the same words
        return f"{type(error).__name__}: {error}"


READS = {
    "proxy column": lambda: Meeting.body.name,
    "proxy primary key": lambda: Membership.body.id,
    "join": lambda: Meeting.body.reports_to,
    "join's column": lambda: Meeting.body.reports_to.name,
    "self join": lambda: Meeting.minutes_approved_at.body.slug,
    "long chain": lambda: Action.meeting.body.reports_to.reports_to.reports_to.slug,
    "chain too long": lambda: (
        Body.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to.reports_to
    ),
    "method": lambda: Meeting.body.get_select_string,
    "plain attribute": lambda: Meeting.body.value_type,
    "private attribute": lambda: Meeting.body._meta.name,
    "missing attribute": lambda: Meeting.body.no_such_column,
    "dir": lambda: sorted(n for n in dir(Meeting.body.reports_to) if not n.startswith("_")),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_reading_through_a_foreign_key_gives_what_piccolo_gives(monkeypatch, read):
    faster, own = both(monkeypatch, lambda: outcome(read))
    assert faster == own


def test_queries_with_joins_build_the_same_sql(monkeypatch):
    def queries() -> list[str]:
        before = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
        return [
            str(
                Action.objects(Action.owner, Action.organisation, Action.meeting).where(
                    (Action.body == 1) & (Action.meeting.starts_at < before)
                )
            ),
            str(Meeting.objects(Meeting.body).where(Meeting.body.slug == "csp")),
            str(Membership.select(Membership.person.name, Membership.body.reports_to.name)),
            str(Meeting.objects(Meeting.body, Meeting.minutes_approved_at)),
            str(Action.select(Action.meeting.body.all_columns(), Action.meeting.all_columns())),
            str(Membership.select().where(Membership.body.reports_to.slug.is_in(["a", "b"]))),
        ]

    faster, own = both(monkeypatch, queries)
    assert faster == own


def _lazy_tables(referenced_first: bool) -> tuple[type[Table], type[Table]]:
    """A fresh pair of tables joined by a lazy reference (resolved through this module)."""
    module = sys.modules[__name__]

    def manager() -> type[Table]:
        class LazyManager(Table):
            name = Varchar()

        module.LazyManager = LazyManager  # type: ignore[attr-defined]
        return LazyManager

    if referenced_first:
        managers = manager()
    reference = LazyTableReference("LazyManager", module_path=__name__)

    class LazyBand(Table):
        name = Varchar()
        manager = ForeignKey(reference)

    if not referenced_first:
        managers = manager()
    return LazyBand, managers


@pytest.mark.parametrize("referenced_first", [True, False], ids=["defined before", "after"])
def test_lazy_references_give_what_piccolo_gives(monkeypatch, referenced_first):
    def reads() -> list[Any]:
        band, _ = _lazy_tables(referenced_first)  # fresh: proxy columns not yet set
        return [
            outcome(lambda: band.manager.name),
            outcome(lambda: band.manager.id),
            str(band.select(band.name, band.manager.name).where(band.manager.name == "Guido")),
        ]

    faster, own = both(monkeypatch, reads)
    assert faster == own

"""Pure rules about bodies and memberships: no database, unit-tested on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["TreeNode", "build_tree", "group_by_organisation", "is_current", "term_label"]


class _Term(Protocol):
    start_date: dt.date
    end_date: dt.date | None


def is_current(term: _Term, on: dt.date) -> bool:
    """A membership counts from its start date to its end date, both inclusive."""
    return term.start_date <= on and (term.end_date is None or term.end_date >= on)


def term_label(term: _Term, format_date) -> str:
    """``since 1 April 2024`` or ``1 April 2024 to 31 March 2026``."""
    if term.end_date is None:
        return f"since {format_date(term.start_date)}"
    return f"{format_date(term.start_date)} to {format_date(term.end_date)}"


@dataclass
class TreeNode:
    body: Any
    children: list[TreeNode] = field(default_factory=list)


def build_tree(bodies: Sequence[Any]) -> list[TreeNode]:
    """Nest bodies under the body each reports into.

    A body whose parent is not in ``bodies`` (hidden, or none) becomes a root, and a
    cycle in the data cannot loop: each body is placed once.
    """
    nodes = {body.id: TreeNode(body) for body in bodies}
    roots: list[TreeNode] = []
    for body in bodies:
        parent_id = body.reports_to
        parent_id = getattr(parent_id, "id", parent_id)
        parent = nodes.get(parent_id)
        if parent is None or parent_id == body.id or _is_descendant(nodes[body.id], parent):
            roots.append(nodes[body.id])
        else:
            parent.children.append(nodes[body.id])
    return roots


def _is_descendant(node: TreeNode, candidate: TreeNode) -> bool:
    stack = list(node.children)
    while stack:
        current = stack.pop()
        if current is candidate:
            return True
        stack.extend(current.children)
    return False


def group_by_organisation(memberships: Iterable[Any]) -> list[tuple[Any, list[Any]]]:
    """Members grouped by the organisation they represent, chairs first within a group.

    Groups are ordered by organisation name; people representing no organisation
    come last, under ``None``.
    """
    groups: dict[Any, list[Any]] = {}
    orgs: dict[Any, Any] = {}
    for membership in memberships:
        org = membership.organisation
        key = getattr(org, "id", None)
        orgs[key] = org if key is not None else None
        groups.setdefault(key, []).append(membership)
    ordered = sorted(groups, key=lambda key: (key is None, orgs[key].name if key else ""))
    return [
        (orgs[key], sorted(groups[key], key=lambda m: (_role_rank(m.role), m.person.name)))
        for key in ordered
    ]


def _role_rank(role: str) -> int:
    from govhub.governance.tables import Role

    return Role(role).rank

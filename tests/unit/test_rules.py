"""Pure rules: terms, the governance tree, grouping members by organisation."""

import datetime as dt
from types import SimpleNamespace as NS

import pytest

from govhub.governance.rules import build_tree, group_by_organisation, is_current

pytestmark = pytest.mark.no_db

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "on", "expected"),
    [
        (D(2024, 4, 1), None, D(2024, 4, 1), True),  # first day counts
        (D(2024, 4, 1), None, D(2024, 3, 31), False),  # not yet started
        (D(2024, 4, 1), D(2025, 3, 31), D(2025, 3, 31), True),  # last day counts
        (D(2024, 4, 1), D(2025, 3, 31), D(2025, 4, 1), False),  # ended: history
    ],
)
def test_a_membership_is_current_between_its_start_and_end_inclusive(start, end, on, expected):
    assert is_current(NS(start_date=start, end_date=end), on) is expected


def body(id, name, reports_to=None):
    return NS(id=id, name=name, reports_to=reports_to)


def test_boards_nest_under_the_body_they_report_into():
    peg = body(1, "Executive")
    roots = build_tree([peg, body(2, "Health", 1), body(3, "THT", 2), body(4, "Safety", 1)])
    assert [n.body.name for n in roots] == ["Executive"]
    assert [n.body.name for n in roots[0].children] == ["Health", "Safety"]
    assert [n.body.name for n in roots[0].children[0].children] == ["THT"]


def test_a_body_whose_parent_is_hidden_becomes_a_root():
    roots = build_tree([body(2, "Health", reports_to=99)])
    assert [n.body.name for n in roots] == ["Health"]


def test_a_reporting_cycle_in_the_data_does_not_loop_or_lose_a_body():
    a, b = body(1, "A", 2), body(2, "B", 1)
    roots = build_tree([a, b])
    seen = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        seen.append(node.body.name)
        stack.extend(node.children)
    assert sorted(seen) == ["A", "B"]


def test_members_are_grouped_by_organisation_with_the_chair_first():
    council = NS(id=1, name="Council")
    cvs = NS(id=2, name="CVS")

    def m(name, org, role):
        return NS(person=NS(name=name), organisation=org, role=role)

    groups = group_by_organisation(
        [
            m("Zara", council, "member"),
            m("Abdul", council, "chair"),
            m("Hodan", cvs, "vice_chair"),
            m("Nobody", None, "observer"),
        ]
    )
    assert [(org.name if org else None) for org, _ in groups] == ["CVS", "Council", None]
    assert [x.person.name for x in groups[1][1]] == ["Abdul", "Zara"]

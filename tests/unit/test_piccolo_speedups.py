"""The faster foreign-key lookup builds exactly the SQL Piccolo's own does."""

import datetime as dt

import pytest
from piccolo.columns.column_types import ForeignKey

from govhub import piccolo_speedups
from govhub.governance.tables import Membership
from govhub.meetings.tables import Action, Meeting

pytestmark = pytest.mark.no_db


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
    ]


def test_the_faster_lookup_is_in_place_and_builds_the_same_sql(monkeypatch):
    assert ForeignKey.__getattribute__ is piccolo_speedups._getattribute
    faster = queries()
    monkeypatch.setattr(ForeignKey, "__getattribute__", piccolo_speedups.PICCOLOS_OWN)
    assert queries() == faster

"""Series rules: the right days, the same local time either side of the clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhub.meetings.recurrence import describe, occurrences, rule_for

pytestmark = pytest.mark.no_db
LONDON = ZoneInfo("Europe/London")


def test_first_tuesday_of_each_quarter():
    first = dt.date(2026, 1, 6)  # the first Tuesday of January 2026
    rule = rule_for("quarterly", first, 4)
    assert rule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=+1TU;COUNT=4"
    assert describe("quarterly", first) == "the first Tuesday of each quarter"
    starts = occurrences(rule, dt.datetime(2026, 1, 6, 18, 0), LONDON)
    assert [s.date() for s in starts] == [
        dt.date(2026, 1, 6),
        dt.date(2026, 4, 7),
        dt.date(2026, 7, 7),
        dt.date(2026, 10, 6),
    ]


def test_the_local_time_holds_across_both_clock_changes():
    rule = rule_for("monthly", dt.date(2026, 2, 3), 10)
    starts = occurrences(rule, dt.datetime(2026, 2, 3, 18, 0), LONDON)
    assert {s.hour for s in starts} == {18}
    utc_hours = {s.astimezone(dt.UTC).hour for s in starts}
    assert utc_hours == {17, 18}  # 18:00 BST is 17:00 UTC; 18:00 GMT is 18:00 UTC


def test_a_fifth_weekday_means_the_last_one():
    first = dt.date(2026, 3, 31)  # the fifth Tuesday of March
    assert rule_for("monthly", first, 3).endswith("BYDAY=-1TU;COUNT=3")
    starts = occurrences(rule_for("monthly", first, 3), dt.datetime(2026, 3, 31, 10), LONDON)
    assert [s.date() for s in starts] == [
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 28),
        dt.date(2026, 5, 26),
    ]


def test_exception_dates_are_skipped():
    rule = rule_for("weekly", dt.date(2026, 12, 15), 3)
    starts = occurrences(rule, dt.datetime(2026, 12, 15, 10), LONDON, exdates=["2026-12-22"])
    assert [s.date().isoformat() for s in starts] == ["2026-12-15", "2026-12-29"]

"""A local time typed in a form: refused when the clocks skip it, asked about when they pass
it twice, taken as it is otherwise. Instants written out by hand, not computed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhub.wall_clock import local_instant, occurrences_of

pytestmark = pytest.mark.no_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def instant(day, time, choice=""):
    errors: dict[str, str] = {}
    value = local_instant(day, time, LONDON, errors, choice=choice)
    return value, errors


@pytest.mark.parametrize("time", [dt.time(1, 0), dt.time(1, 30), dt.time(1, 59)])
def test_a_time_the_clocks_skip_is_refused(time):
    value, errors = instant(dt.date(2027, 3, 28), time)
    assert value is None
    assert errors == {
        "time": f"There is no {time:%H:%M} on 28 March 2027: the clocks go forward an hour "
        "that night. Enter a time before or after the change"
    }


def test_a_time_the_clocks_pass_twice_needs_a_choice():
    value, errors = instant(dt.date(2027, 10, 31), dt.time(1, 30))
    assert value is None and "happens twice" in errors["fold"]
    labels = [o.label for o in occurrences_of(dt.datetime(2027, 10, 31, 1, 30), LONDON)]
    assert labels == ["first 01:30 (BST)", "second 01:30 (GMT)"]
    first, _ = instant(dt.date(2027, 10, 31), dt.time(1, 30), "first")
    second, _ = instant(dt.date(2027, 10, 31), dt.time(1, 30), "second")
    assert first.astimezone(UTC) == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert second.astimezone(UTC) == dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        (dt.date(2027, 3, 28), dt.time(0, 59), dt.datetime(2027, 3, 28, 0, 59, tzinfo=UTC)),
        (dt.date(2027, 3, 28), dt.time(2, 0), dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
        (dt.date(2027, 10, 31), dt.time(0, 59), dt.datetime(2027, 10, 30, 23, 59, tzinfo=UTC)),
        (dt.date(2027, 10, 31), dt.time(2, 0), dt.datetime(2027, 10, 31, 2, 0, tzinfo=UTC)),
        (dt.date(2027, 1, 5), dt.time(18, 0), dt.datetime(2027, 1, 5, 18, 0, tzinfo=UTC)),
    ],
)
def test_other_times_are_taken_as_they_are(day, time, expected):
    value, errors = instant(day, time, "second")  # a choice is ignored where none is needed
    assert errors == {} and value.astimezone(UTC) == expected
    assert occurrences_of(dt.datetime.combine(day, time), LONDON) == []

"""Series of meetings: RFC 5545 rules expanded in the partnership's local time.

Occurrences are computed on naive local wall-clock times and only then given the time
zone, so "6pm on the first Tuesday of each quarter" stays 6pm across the clock changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

__all__ = ["MAX_OCCURRENCES", "PATTERNS", "describe", "occurrences", "rule_for"]

MAX_OCCURRENCES = 24

PATTERNS = {
    "weekly": "Every week, on the same day",
    "monthly": "Every month, on the same weekday (for example the first Tuesday)",
    "quarterly": "Every quarter, on the same weekday (for example the first Tuesday)",
}

_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def _nth_weekday(day: dt.date) -> int:
    """1 for the first such weekday of its month ... 4; the fifth is called the last (-1)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def rule_for(pattern: str, first: dt.date, count: int) -> str:
    """The RRULE for a pattern starting on ``first``: e.g. FREQ=MONTHLY;INTERVAL=3;BYDAY=+1TU."""
    day = _DAYS[first.weekday()]
    if pattern == "weekly":
        return f"FREQ=WEEKLY;BYDAY={day};COUNT={count}"
    interval = {"monthly": 1, "quarterly": 3}[pattern]
    return f"FREQ=MONTHLY;INTERVAL={interval};BYDAY={_nth_weekday(first):+d}{day};COUNT={count}"


def describe(pattern: str, first: dt.date) -> str:
    """In words: "the first Tuesday of each quarter"."""
    day = _DAY_NAMES[first.weekday()]
    if pattern == "weekly":
        return f"every {day}"
    period = {"monthly": "month", "quarterly": "quarter"}[pattern]
    return f"the {_ORDINALS[_nth_weekday(first)]} {day} of each {period}"


def occurrences(
    rule: str, first_local: dt.datetime, zone: ZoneInfo, exdates: list[str] | tuple[str, ...] = ()
) -> list[dt.datetime]:
    """Every start, as aware datetimes in ``zone``, skipping the ISO dates in ``exdates``."""
    if first_local.tzinfo is not None:
        first_local = first_local.astimezone(zone).replace(tzinfo=None)
    skipped = set(exdates)
    starts = []
    for local in rrulestr(rule, dtstart=first_local):
        if len(starts) >= MAX_OCCURRENCES:
            break
        if local.date().isoformat() in skipped:
            continue
        starts.append(local.replace(tzinfo=zone))
    return starts

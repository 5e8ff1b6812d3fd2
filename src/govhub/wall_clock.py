"""A local date and time typed in a form, as one instant: refused when the clocks skip it
(the spring change), and asked about when they pass it twice (the autumn change).

Plain rules on dates, no database: the meeting forms read their date and time through
:func:`local_instant`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "FIRST",
    "SECOND",
    "Occurrence",
    "local_instant",
    "occurrences_of",
    "skipped_message",
]

FIRST = "first"
SECOND = "second"


@dataclass(frozen=True)
class Occurrence:
    """One of the two instants a local time names on the night the clocks go back."""

    value: str  # FIRST or SECOND: what the form sends
    label: str  # "first 01:30 (BST)"


def _day(naive: dt.datetime) -> str:
    return f"{naive.day} {naive:%B %Y}"


def _exists(naive: dt.datetime, zone: ZoneInfo) -> bool:
    there_and_back = naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == naive


def _twice(naive: dt.datetime, zone: ZoneInfo) -> bool:
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    return _exists(naive, zone) and first.utcoffset() != second.utcoffset()


def skipped_message(naive: dt.datetime, zone: ZoneInfo) -> str | None:
    """What to tell someone who chose ``naive``, when the clocks skip it (else None)."""
    if _exists(naive, zone):
        return None
    return (
        f"There is no {naive:%H:%M} on {_day(naive)}: the clocks go forward an hour that "
        "night. Enter a time before or after the change"
    )


def occurrences_of(naive: dt.datetime, zone: ZoneInfo) -> list[Occurrence]:
    """The two instants a local time names when the clocks pass it twice, else none."""
    if not _twice(naive, zone):
        return []
    clock = f"{naive:%H:%M}"
    return [
        Occurrence(FIRST, f"first {clock} ({naive.replace(tzinfo=zone, fold=0).tzname()})"),
        Occurrence(SECOND, f"second {clock} ({naive.replace(tzinfo=zone, fold=1).tzname()})"),
    ]


def local_instant(
    day: dt.date,
    time: dt.time,
    zone: ZoneInfo,
    errors: dict[str, str],
    *,
    field: str = "time",
    choice_field: str = "fold",
    choice: str = "",
) -> dt.datetime | None:
    """``day`` at ``time`` in ``zone`` as an aware datetime (``fold`` set for the second of
    two), or None with a message in ``errors``: under ``field`` for a time the clocks skip,
    under ``choice_field`` for one they pass twice and no ``choice`` says which."""
    naive = dt.datetime.combine(day, time)
    if message := skipped_message(naive, zone):
        errors[field] = message
        return None
    if not _twice(naive, zone):
        return naive.replace(tzinfo=zone)
    if choice not in (FIRST, SECOND):
        errors[choice_field] = (
            f"{naive:%H:%M} on {_day(naive)} happens twice, as the clocks go back an hour: "
            f"choose which {naive:%H:%M} you mean"
        )
        return None
    return naive.replace(tzinfo=zone, fold=1 if choice == SECOND else 0)

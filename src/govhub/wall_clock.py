"""A local date and time typed in a form, as one instant: refused when the clocks skip it
(the spring change), and asked about when they pass it twice (the autumn change).

Plain rules on dates, no database: the meeting forms read their date and time through
:func:`local_instant`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from govhub.i18n import format_date, gettext

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


def _words(naive: dt.datetime) -> dict[str, str]:
    return {"time": f"{naive:%H:%M}", "day": format_date(naive)}


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
    return gettext(
        "There is no %(time)s on %(day)s: the clocks go forward an hour that night. Enter a "
        "time before or after the change"
    ) % _words(naive)


def occurrences_of(naive: dt.datetime, zone: ZoneInfo) -> list[Occurrence]:
    """The two instants a local time names when the clocks pass it twice, else none."""
    if not _twice(naive, zone):
        return []
    time = f"{naive:%H:%M}"
    first = naive.replace(tzinfo=zone, fold=0).tzname()
    second = naive.replace(tzinfo=zone, fold=1).tzname()
    return [
        Occurrence(FIRST, gettext("first %(time)s (%(zone)s)") % {"time": time, "zone": first}),
        Occurrence(SECOND, gettext("second %(time)s (%(zone)s)") % {"time": time, "zone": second}),
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
        errors[choice_field] = gettext(
            "%(time)s on %(day)s happens twice, as the clocks go back an hour: choose which "
            "%(time)s you mean"
        ) % _words(naive)
        return None
    return naive.replace(tzinfo=zone, fold=1 if choice == SECOND else 0)

"""Congress rules that are only about dates, numbers and text: no database here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from govhub.i18n import N_

__all__ = [
    "DIET",
    "LANGUAGES",
    "NEEDS",
    "NEED_LABELS",
    "Slot",
    "change_state",
    "clashes",
    "edition_dates",
    "next_edition",
    "next_open_edition",
    "normalise_postcode",
    "registration_state",
    "retention_cutoff",
]

# Access needs, as structured choices. The labels are translated where they are shown.
NEEDS = {
    "step_free": N_("Step-free access (no stairs)"),
    "bsl": N_("British Sign Language (BSL) interpreter"),
    "hearing_loop": N_("Hearing loop"),
    "large_print": N_("Large print"),
    "childcare": N_("Childcare (a crèche on the day)"),
}
LANGUAGES = {
    "lang_bengali": N_("Bengali"),
    "lang_sylheti": N_("Sylheti"),
    "lang_somali": N_("Somali"),
    "lang_urdu": N_("Urdu"),
    "lang_other": N_("Another language"),
}
DIET = {
    "diet_halal": N_("Halal"),
    "diet_vegetarian": N_("Vegetarian"),
    "diet_vegan": N_("Vegan"),
    "diet_gluten_free": N_("Gluten-free"),
    "diet_other": N_("Other dietary needs"),
}
NEED_LABELS = {**NEEDS, **LANGUAGES, **DIET}
"""Every code a registration's ``access_needs`` may hold, with its label."""

# How an organiser reads a count: "12 need Bengali interpreting, 3 BSL".
SUMMARY_LABELS = {
    "step_free": "step-free access",
    "bsl": "BSL",
    "hearing_loop": "hearing loop",
    "large_print": "large print",
    "childcare": "childcare",
    "lang_bengali": "Bengali interpreting",
    "lang_sylheti": "Sylheti interpreting",
    "lang_somali": "Somali interpreting",
    "lang_urdu": "Urdu interpreting",
    "lang_other": "other interpreting",
    "diet_halal": "halal food",
    "diet_vegetarian": "vegetarian food",
    "diet_vegan": "vegan food",
    "diet_gluten_free": "gluten-free food",
    "diet_other": "other dietary needs",
}


class Slot(Protocol):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def clashes(sessions: Sequence[Slot]) -> list[tuple[Slot, Slot]]:
    """Every pair of the chosen sessions that overlap in time (touching end to start is fine)."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            pairs.append((first, second))
    return pairs


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


SEASON_MONTHS = {"spring": 3, "autumn": 10}
SATURDAY = 5


@dataclass(frozen=True)
class EditionDates:
    season: str
    year: int
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    opens_at: dt.datetime
    closes_at: dt.datetime

    @property
    def slug(self) -> str:
        return f"{self.season}-{self.year}"


def edition_dates(season: str, year: int, zone: dt.tzinfo) -> EditionDates:
    """A congress is on the second Saturday of March (spring) or October (autumn), 10am to
    3:30pm; registration opens eight weeks before at 9am and closes on the Thursday before at
    5pm, so the venue, interpreters and crèche can be booked for the numbers."""
    day = _nth_weekday(year, SEASON_MONTHS[season], SATURDAY, 2)
    at = lambda d, h, m=0: dt.datetime.combine(d, dt.time(h, m), tzinfo=zone)  # noqa: E731
    return EditionDates(
        season=season,
        year=year,
        day=day,
        starts_at=at(day, 10),
        ends_at=at(day, 15, 30),
        opens_at=at(day - dt.timedelta(weeks=8), 9),
        closes_at=at(day - dt.timedelta(days=2), 17),
    )


def next_edition(today: dt.date, zone: dt.tzinfo) -> EditionDates:
    """The next congress on or after ``today``."""
    for year in (today.year, today.year + 1):
        for season in ("spring", "autumn"):
            dates = edition_dates(season, year, zone)
            if dates.day >= today:
                return dates
    raise AssertionError("unreachable: there is a congress every year")


def next_open_edition(now: dt.datetime, zone: dt.tzinfo) -> EditionDates:
    """The next congress whose registration has not closed yet."""
    day = now.astimezone(zone).date()
    while True:
        dates = next_edition(day, zone)
        if dates.closes_at > now:
            return dates
        day = dates.day + dt.timedelta(days=1)


def registration_state(now: dt.datetime, opens_at: dt.datetime, closes_at: dt.datetime) -> str:
    """``"not_open"``, ``"open"`` or ``"closed"``."""
    if now < opens_at:
        return "not_open"
    if now >= closes_at:
        return "closed"
    return "open"


def change_state(now: dt.datetime, closes_at: dt.datetime, ends_at: dt.datetime) -> str:
    """Whether a registrant may still change sessions or cancel: ``"open"``, ``"closed"``
    (registration has closed) or ``"over"`` (the congress has ended). Seeing, downloading and
    erasing a registration are always allowed."""
    if now >= ends_at:
        return "over"
    if now >= closes_at:
        return "closed"
    return "open"


def retention_cutoff(now: dt.datetime, days: int) -> dt.datetime:
    """Registrations for congresses that ended before this are erased."""
    return now - dt.timedelta(days=days)


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(value: str) -> str | None:
    """A UK postcode in capitals with one space (``E1 4NS``), or its first half (``E1``);
    None when it is neither."""
    text = re.sub(r"\s+", "", value.upper())
    if match := _POSTCODE.match(text):
        return f"{match.group(1)} {match.group(2)}"
    if _OUTWARD.match(text):
        return text
    return None


def summarise_needs(counts: dict[str, int], order: Iterable[str] = SUMMARY_LABELS) -> str:
    """``"12 need Bengali interpreting, 3 BSL"``: the biggest first, none when there are none."""
    shown = sorted(
        ((n, code) for code in order if (n := counts.get(code, 0))),
        key=lambda pair: -pair[0],
    )
    parts = [f"{n} {SUMMARY_LABELS[code]}" for n, code in shown]
    if not parts:
        return "no access needs given"
    return f"{parts[0].split(' ', 1)[0]} need {parts[0].split(' ', 1)[1]}" + "".join(
        f", {part}" for part in parts[1:]
    )

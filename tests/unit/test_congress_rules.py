"""Congress rules about dates, numbers and text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from govhub.congress.rules import (
    clashes,
    edition_dates,
    next_edition,
    next_open_edition,
    normalise_postcode,
    registration_state,
    summarise_needs,
)
from govhub.spreadsheets import neutralise_cell

pytestmark = pytest.mark.no_db
LONDON = ZoneInfo("Europe/London")


@dataclass
class S:
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def at(h: int, m: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, 13, h, m, tzinfo=LONDON)


def test_congresses_are_on_the_second_saturday_of_march_and_october():
    spring = edition_dates("spring", 2027, LONDON)
    assert spring.day == dt.date(2027, 3, 13) and spring.day.weekday() == 5
    assert spring.starts_at.hour == 10 and spring.slug == "spring-2027"
    assert edition_dates("autumn", 2026, LONDON).day == dt.date(2026, 10, 10)
    assert spring.opens_at.date() == dt.date(2027, 1, 16)
    assert spring.closes_at.date() == dt.date(2027, 3, 11)


def test_the_next_congress():
    assert next_edition(dt.date(2026, 11, 21), LONDON).slug == "spring-2027"
    assert next_edition(dt.date(2027, 3, 13), LONDON).slug == "spring-2027"
    assert next_edition(dt.date(2027, 3, 14), LONDON).slug == "autumn-2027"
    # Two days before, registration has closed: the demo offers the one after.
    friday = dt.datetime(2027, 3, 12, 12, 0, tzinfo=LONDON)
    assert next_open_edition(friday, LONDON).slug == "autumn-2027"


def test_registration_window():
    opens, closes = at(9), at(17)
    assert registration_state(at(8), opens, closes) == "not_open"
    assert registration_state(at(9), opens, closes) == "open"
    assert registration_state(at(17), opens, closes) == "closed"


def test_sessions_clash_when_they_overlap_not_when_they_touch():
    a, b, c = S(1, at(11), at(12)), S(2, at(11, 30), at(13)), S(3, at(13), at(14))
    assert clashes([a, b, c]) == [(a, b)]
    assert clashes([a, c]) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Amina Begum", "Amina Begum"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, shown):
    assert neutralise_cell(value) == shown


def test_postcodes():
    assert normalise_postcode("e14ns") == "E1 4NS"
    assert normalise_postcode(" E1  4NS ") == "E1 4NS"
    assert normalise_postcode("e1") == "E1"
    assert normalise_postcode("E14 2BB") == "E14 2BB"
    assert normalise_postcode("XYZ") is None


def test_needs_summary_reads_like_a_sentence():
    assert summarise_needs({"bsl": 3, "lang_bengali": 12}) == "12 need Bengali interpreting, 3 BSL"
    assert summarise_needs({}) == "no access needs given"

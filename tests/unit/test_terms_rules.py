"""Pure rules of terms of reference: the quorum in words, version numbers, checking a draft and
an approval, and the difference between two versions."""

import datetime as dt
from types import SimpleNamespace as NS

import pytest

from govhub.meetings.terms_diff import Segment, compare, diff_text
from govhub.meetings.terms_rules import (
    clean_approval,
    clean_terms,
    describe_quorum,
    next_version_number,
    values_for_form,
)
from govhub.validation import FormError

pytestmark = pytest.mark.no_db


def tor(**overrides):
    values = {
        "purpose": "To improve health.",
        "membership": "NHS, council, voluntary sector.",
        "quorum_members": 5,
        "quorum_min_organisations": None,
        "quorum_required_roles": "",
        "quorum_sectors": "",
        "meeting_frequency": "Every two months",
        "reporting": "Reports to the executive group.",
        "decision_making": "By consensus.",
        "review_date": None,
    }
    return NS(**{**values, **overrides})


@pytest.mark.parametrize(
    ("members", "orgs", "roles", "expected"),
    [
        (5, None, "", "5 members"),
        (1, None, "", "1 member"),
        (5, 3, "", "5 members from at least 3 organisations"),
        (2, 1, "", "2 members from at least 1 organisation"),
        (
            5,
            3,
            "vice_chair,chair",
            "5 members from at least 3 organisations, including the chair or vice-chair",
        ),
        (4, None, "chair", "4 members, including the chair"),
        (
            4,
            None,
            "secretary,chair,vice_chair",
            "4 members, including the chair, vice-chair or secretary",
        ),
        (4, None, "chair,nonsense", "4 members, including the chair"),
    ],
)
def test_the_quorum_reads_as_a_sentence(members, orgs, roles, expected):
    rule = tor(quorum_members=members, quorum_min_organisations=orgs, quorum_required_roles=roles)
    assert describe_quorum(rule) == expected


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [
        (
            "voluntary:1",
            "5 members from at least 3 organisations, with at least 1 from the "
            "voluntary and community sector, including the chair",
        ),
        (
            "nhs:2,council:1,voluntary:1",
            "5 members from at least 3 organisations, with at "
            "least 2 from the NHS, 1 from the council sector and 1 from the voluntary and "
            "community sector, including the chair",
        ),
    ],
)
def test_sector_minimums_read_as_part_of_the_sentence(sectors, expected):
    rule = tor(quorum_min_organisations=3, quorum_required_roles="chair", quorum_sectors=sectors)
    assert describe_quorum(rule) == expected


@pytest.mark.parametrize(("numbers", "expected"), [([], 1), ([1], 2), ([1, 2, 3], 4), ([3, 1], 4)])
def test_versions_count_up_from_the_highest_so_far(numbers, expected):
    assert next_version_number(iter(numbers)) == expected


def form(**overrides):
    values = {
        "purpose": "To improve health.",
        "membership": "",
        "quorum_members": "5",
        "quorum_min_organisations": "",
        "meeting_frequency": "",
        "reporting": "",
        "decision_making": "",
        "review_date": "",
    }
    return {**values, **overrides}


def errors_for(values, roles=()):
    with pytest.raises(FormError) as raised:
        clean_terms(values, list(roles))
    return raised.value.errors


def test_a_good_draft_becomes_its_columns():
    clean = clean_terms(
        form(quorum_min_organisations="3", review_date="31/3/2027"), ["vice_chair", "chair"]
    )
    assert clean["quorum_members"] == 5
    assert clean["quorum_min_organisations"] == 3
    assert clean["quorum_required_roles"] == "chair,vice_chair"
    assert clean["review_date"] == dt.date(2027, 3, 31)
    assert clean_terms(form(), [])["quorum_min_organisations"] is None
    # Browsers send textarea line breaks as CRLF: stored as plain newlines.
    assert clean_terms(form(purpose="One.\r\n\r\nTwo."), [])["purpose"] == "One.\n\nTwo."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter how many members make a quorum"),
        ("five", "Enter the quorum as a whole number, like 5"),
        ("5.5", "Enter the quorum as a whole number, like 5"),
        ("-1", "Enter the quorum as a whole number, like 5"),
        ("0", "The quorum must be between 1 and 100 members"),
        ("101", "The quorum must be between 1 and 100 members"),
    ],
)
def test_the_quorum_is_a_whole_number_from_1_to_100(typed, message):
    assert errors_for(form(quorum_members=typed))["quorum_members"] == message


@pytest.mark.parametrize(
    ("members", "orgs", "message"),
    [
        ("5", "x", "Enter the number of organisations as a whole number"),
        ("5", "0", "The number of organisations must be between 1 and 50"),
        ("60", "51", "The number of organisations must be between 1 and 50"),
        (
            "3",
            "4",
            "The number of organisations cannot be more than the number of members in the quorum",
        ),
    ],
)
def test_the_organisations_are_blank_or_1_to_50_and_no_more_than_the_quorum(members, orgs, message):
    errors = errors_for(form(quorum_members=members, quorum_min_organisations=orgs))
    assert errors["quorum_min_organisations"] == message


def test_sector_minimums_come_from_a_box_per_sector_and_are_stored_as_one_text():
    clean = clean_terms(form(quorum_sector_voluntary="1", quorum_sector_nhs=" 2 "), [])
    assert clean["quorum_sectors"] == "nhs:2,voluntary:1"
    assert clean_terms(form(quorum_sector_faith="0"), [])["quorum_sectors"] == ""
    assert clean_terms(form(), [])["quorum_sectors"] == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "one",
            "Enter the members needed from the voluntary and community sector as a whole "
            "number, like 1",
        ),
        (
            "1.5",
            "Enter the members needed from the voluntary and community sector as a whole "
            "number, like 1",
        ),
        (
            "-1",
            "Enter the members needed from the voluntary and community sector as a whole "
            "number, like 1",
        ),
        (
            "101",
            "The members needed from the voluntary and community sector must be between 0 and 100",
        ),
    ],
)
def test_a_sector_minimum_that_is_not_a_number_is_explained_next_to_its_box(typed, message):
    errors = errors_for(form(quorum_sector_voluntary=typed))
    assert errors == {"quorum_sector_voluntary": message}


def test_sector_minimums_cannot_add_up_to_more_than_the_quorum():
    errors = errors_for(
        form(quorum_members="3", quorum_sector_nhs="2", quorum_sector_voluntary="2")
    )
    assert errors == {
        "quorum_sector_nhs": "The members needed from each sector add up to 4, more than the 3 "
        "needed for a quorum"
    }


def test_other_mistakes_are_each_named_by_field():
    errors = errors_for(
        form(purpose="", meeting_frequency="x" * 201, review_date="30/2/2027"),
        roles=["chair", "emperor"],
    )
    assert errors == {
        "purpose": "Enter the body's purpose",
        "meeting_frequency": "Shorten this to 200 characters or fewer",
        "quorum_required_roles": "Choose roles from the list",
        "review_date": "The review date must be a real date, like 31/3/2027",
    }


def test_a_version_fills_the_form_it_was_saved_from():
    values, roles = values_for_form(
        tor(quorum_required_roles="chair,vice_chair", review_date=dt.date(2027, 3, 31))
    )
    assert values["quorum_members"] == "5" and values["quorum_min_organisations"] == ""
    assert values["review_date"] == "2027-03-31" and roles == ["chair", "vice_chair"]
    assert clean_terms(values, roles)["review_date"] == dt.date(2027, 3, 31)
    values, _ = values_for_form(tor(quorum_sectors="nhs:2,voluntary:1"))
    assert values["quorum_sector_nhs"] == "2" and values["quorum_sector_voluntary"] == "1"
    assert "quorum_sector_faith" not in values
    assert clean_terms(values, [])["quorum_sectors"] == "nhs:2,voluntary:1"


TODAY = dt.date(2026, 11, 21)


def test_an_approval_needs_a_date_not_in_the_future_and_one_of_the_bodys_meetings():
    assert clean_approval({"approved_on": "2026-11-21", "approved_at": ""}, TODAY, [7]) == (
        TODAY,
        None,
    )
    assert clean_approval({"approved_on": "1/11/2026", "approved_at": "7"}, TODAY, [7]) == (
        dt.date(2026, 11, 1),
        7,
    )
    with pytest.raises(FormError) as raised:
        clean_approval({"approved_on": "2026-11-22", "approved_at": "8"}, TODAY, [7])
    assert raised.value.errors == {
        "approved_on": "The approval date must be today or in the past",
        "approved_at": "Choose one of this body's meetings, or none",
    }
    with pytest.raises(FormError) as raised:
        clean_approval({"approved_on": ""}, TODAY, [])
    assert raised.value.errors == {"approved_on": "Enter the approval date"}


def kinds(segments):
    return [(s.kind, s.text) for s in segments]


def test_a_changed_word_shows_as_removed_then_added_with_the_rest_unchanged():
    assert kinds(diff_text("Meets every two months.", "Meets every three months.")) == [
        ("same", "Meets every "),
        ("removed", "two"),
        ("added", "three"),
        ("same", " months."),
    ]


def test_a_rewritten_phrase_reads_as_one_removal_and_one_addition():
    segments = diff_text(
        "The board agrees by consensus of those present.",
        "The board decides by a simple majority of those present.",
    )
    assert kinds(segments) == [
        ("same", "The board "),
        ("removed", "agrees by consensus"),
        ("added", "decides by a simple majority"),
        ("same", " of those present."),
    ]


def test_separate_edits_stay_separate_and_changed_lines_show_only_the_changed_words():
    assert kinds(diff_text("The chair and the vice-chair.", "A chair and a vice-chair.")) == [
        ("removed", "The"),
        ("added", "A"),
        ("same", " chair and "),
        ("removed", "the"),
        ("added", "a"),
        ("same", " vice-chair."),
    ]
    assert kinds(diff_text("one\ntwo\nthree", "one\n2\nthree")) == [
        ("same", "one\n"),
        ("removed", "two"),
        ("added", "2"),
        ("same", "\nthree"),
    ]


def test_added_and_removed_paragraphs_keep_their_lines():
    old = "First paragraph.\n\nSecond paragraph.\n"
    new = "First paragraph.\n\nA new paragraph.\n\nSecond paragraph.\n"
    segments = diff_text(old, new)
    assert "".join(s.text for s in segments if s.kind != "removed") == new
    assert "".join(s.text for s in segments if s.kind != "added") == old
    assert [s for s in segments if s.kind == "added"] == [Segment("added", "A new paragraph.\n\n")]
    assert not [s for s in segments if s.kind == "removed"]


def test_identical_texts_have_no_changes():
    assert kinds(diff_text("Same.", "Same.")) == [("same", "Same.")]
    assert diff_text("", "") == []


def test_comparing_versions_goes_field_by_field_in_words():
    old = tor(purpose="To improve health in Tower Hamlets.", quorum_members=5)
    new = tor(
        purpose="To improve health and wellbeing in Tower Hamlets.",
        quorum_members=6,
        review_date=dt.date(2027, 4, 1),
    )
    diffs = {d.name: d for d in compare(old, new)}
    assert [d.label for d in compare(old, new)][:3] == ["Purpose", "Membership", "Quorum"]
    assert [name for name, d in diffs.items() if d.changed] == ["purpose", "quorum", "review_date"]
    assert kinds(diffs["quorum"].segments) == [
        ("removed", "5"),
        ("added", "6"),
        ("same", " members"),
    ]
    assert ("added", "and wellbeing ") in kinds(diffs["purpose"].segments)
    assert diffs["review_date"].old == "Not set" and diffs["review_date"].new == "1 April 2027"
    assert kinds(diffs["membership"].segments) == [("same", "NHS, council, voluntary sector.")]

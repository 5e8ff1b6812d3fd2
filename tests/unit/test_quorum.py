"""Quorum: who counts, how many organisations, whether the chair or vice-chair is there."""

import pytest

from govhub.meetings.quorum import (
    Attendee,
    QuorumRule,
    assess_quorum,
    default_rule,
    format_sector_minimums,
    parse_roles,
    parse_sector_minimums,
)

pytestmark = pytest.mark.no_db


def member(org, status="present", role="member", sector=None):
    return Attendee(status=status, organisation=org, role=role, sector=sector)


def substitute(org, sector=None):
    return Attendee(
        status="present", organisation=org, role="substitute", is_substitute=True, sector=sector
    )


GUEST = Attendee(status="present", is_guest=True, role="guest")


def test_enough_members_from_enough_organisations_with_the_chair_is_quorate():
    rule = QuorumRule(members=5, min_organisations=3, required_roles=("chair", "vice_chair"))
    people = [member("nhs", role="chair"), member("nhs"), member("council"), member("cvs")]
    people += [member("cvs"), member("police")]
    result = assess_quorum(rule, people)
    assert result.met
    assert result.present_count == 6 and result.organisations_count == 4
    assert result.reasons == [
        "6 members are present; 5 are needed",
        "4 organisations are represented; 3 are needed",
        "The chair is present",
    ]


def test_too_few_members_present_is_not_quorate_and_says_so():
    people = [member("a"), member("b"), member("c", "apologies"), member("d", "absent")]
    result = assess_quorum(QuorumRule(members=3), people)
    assert not result.met
    assert result.present_count == 2
    assert result.reasons == ["Only 2 members are present; 3 are needed"]


def test_too_few_organisations_is_not_quorate_even_with_enough_people():
    people = [member("nhs"), member("nhs"), member("council"), member("council")]
    result = assess_quorum(QuorumRule(members=3, min_organisations=3), people)
    assert not result.met
    assert "Only 2 organisations are represented; 3 are needed" in result.reasons


def test_neither_the_chair_nor_the_vice_chair_present_is_not_quorate():
    people = [
        member("a", role="secretary"),
        member("b"),
        member("c", role="chair", status="absent"),
    ]
    result = assess_quorum(QuorumRule(members=2, required_roles=("chair", "vice_chair")), people)
    assert not result.met
    assert result.reasons[-1] == "Neither the chair nor the vice-chair is present"
    one = assess_quorum(QuorumRule(members=1, required_roles=("chair",)), people)
    assert one.reasons[-1] == "The chair is not present" and not one.met


def test_the_vice_chair_alone_is_enough_when_either_will_do():
    people = [member("a", role="vice_chair"), member("b")]
    result = assess_quorum(QuorumRule(members=2, required_roles=("chair", "vice_chair")), people)
    assert result.met
    assert "The vice-chair is present" in result.reasons


def test_a_substitute_counts_for_the_organisation_they_stand_in_for():
    people = [member("nhs"), member("council", "apologies"), substitute("council")]
    result = assess_quorum(QuorumRule(members=2, min_organisations=2), people)
    assert result.met
    assert result.present_count == 2 and result.organisations_count == 2


def test_a_substitute_for_an_organisation_already_all_present_adds_nothing():
    people = [member("nhs"), member("council"), substitute("council")]
    result = assess_quorum(QuorumRule(members=3), people)
    assert not result.met
    assert result.present_count == 2
    assert "1 substitute is not counted: nobody from their organisation is away" in result.reasons


def test_a_substitute_never_stands_in_for_the_chair():
    people = [member("nhs", role="chair", status="apologies"), substitute("nhs"), member("cvs")]
    result = assess_quorum(QuorumRule(members=2, required_roles=("chair",)), people)
    assert result.present_count == 2
    assert not result.met and "The chair is not present" in result.reasons


def test_guests_and_observers_never_count():
    people = [member("a"), GUEST, GUEST, member("b", role="observer")]
    result = assess_quorum(QuorumRule(members=2), people)
    assert not result.met
    assert result.present_count == 1 and result.organisations_count == 1
    assert result.reasons == ["Only 1 member is present; 2 are needed"]


@pytest.mark.parametrize(("seats", "needed"), [(0, 1), (1, 1), (4, 3), (7, 4), (10, 6)])
def test_without_terms_of_reference_a_majority_of_members_is_needed(seats, needed):
    rule = default_rule(seats)
    assert rule.members == needed and rule.is_default
    present = [member(str(i)) for i in range(needed)]
    assert assess_quorum(rule, present).met
    assert not assess_quorum(rule, present[:-1]).met


def test_three_required_roles_are_listed_in_plain_english():
    rule = QuorumRule(members=1, required_roles=parse_roles("chair, vice-chair,secretary,chair"))
    assert rule.required_roles == ("chair", "vice_chair", "secretary")
    result = assess_quorum(rule, [member("a")])
    assert result.reasons[-1] == "None of the chair, the vice-chair or the secretary is present"


# A minimum per sector ("at least 1 member from the voluntary and community sector")


def test_enough_members_but_nobody_from_the_voluntary_sector_is_not_quorate():
    rule = QuorumRule(members=3, sector_minimums=(("voluntary", 1),))
    people = [member("nhs", sector="nhs"), member("council", sector="council")]
    people += [member("police", sector="police"), member("cvs", "apologies", sector="voluntary")]
    result = assess_quorum(rule, people)
    assert not result.met
    assert result.reasons == [
        "3 members are present; 3 are needed",
        "Only 0 members from the voluntary and community sector are present; 1 is needed",
    ]


def test_each_sector_minimum_is_checked_and_explained():
    rule = QuorumRule(members=3, sector_minimums=(("nhs", 2), ("voluntary", 1)))
    people = [member("trust", sector="nhs"), member("icb", sector="nhs")]
    people += [member("cvs", sector="voluntary"), member("council", sector="council")]
    result = assess_quorum(rule, people)
    assert result.met
    assert result.reasons[1:] == [
        "2 members from the NHS are present; 2 are needed",
        "1 member from the voluntary and community sector is present; 1 is needed",
    ]
    fewer = assess_quorum(rule, people[1:])
    assert not fewer.met
    assert "Only 1 member from the NHS is present; 2 are needed" in fewer.reasons


def test_only_those_who_count_count_for_their_sector():
    """A guest from a charity, or a substitute whose organisation is all present, adds nothing."""
    rule = QuorumRule(members=1, sector_minimums=(("voluntary", 1),))
    guest = Attendee(status="present", is_guest=True, role="observer", sector="voluntary")
    people = [member("cvs", sector="voluntary", status="absent"), member("nhs", sector="nhs")]
    assert not assess_quorum(rule, [*people, guest]).met
    with_spare = [member("cvs", sector="voluntary"), substitute("cvs", sector="voluntary")]
    spare = assess_quorum(QuorumRule(members=1, sector_minimums=(("voluntary", 2),)), with_spare)
    assert not spare.met
    assert "Only 1 member from the voluntary and community sector is present; 2 are needed" in (
        spare.reasons
    )
    # Standing in for someone from the charity who is away, the substitute counts for it.
    standing_in = [*people, substitute("cvs", sector="voluntary")]
    assert assess_quorum(rule, standing_in).met


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        (None, ()),
        ("voluntary:1", (("voluntary", 1),)),
        (" Voluntary : 1 , nhs:2 ", (("nhs", 2), ("voluntary", 1))),
        ("council:2;police:1", (("council", 2), ("police", 1))),
        ("voluntary:0,faith:1,", (("faith", 1),)),
    ],
)
def test_sector_minimums_are_read_from_their_stored_text(text, expected):
    assert parse_sector_minimums(text) == expected


@pytest.mark.parametrize(
    "text", ["voluntary", "charities:1", "voluntary:one", "voluntary:-1", "nhs:101", "nhs:1,nhs:2"]
)
def test_sector_minimums_that_make_no_sense_are_refused(text):
    with pytest.raises(ValueError):
        parse_sector_minimums(text)


def test_sector_minimums_are_stored_in_the_sectors_order_without_zeros():
    assert (
        format_sector_minimums([("voluntary", 1), ("faith", 0), ("nhs", 2)]) == "nhs:2,voluntary:1"
    )
    assert format_sector_minimums([]) == ""
    stored = format_sector_minimums(parse_sector_minimums("voluntary:1, council:2"))
    assert stored == "council:2,voluntary:1"
    assert parse_sector_minimums(stored) == (("council", 2), ("voluntary", 1))

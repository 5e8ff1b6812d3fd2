"""Numbers on a published agenda: the next one at the end, or a letter after an item."""

import pytest

from govhub.meetings.numbering import base_number, next_number, number_after
from govhub.validation import FormError

pytestmark = pytest.mark.no_db


def test_the_base_of_a_number_ignores_its_letter():
    assert [base_number(n) for n in ["7", "6a", "12b", "", "x"]] == [7, 6, 12, 0, 0]


def test_a_new_item_at_the_end_takes_the_next_whole_number():
    assert next_number(["1", "2", "2a", "3"]) == "4"
    assert next_number([]) == "1"


def test_an_item_after_another_takes_the_next_free_letter():
    assert number_after(["5", "6", "7"], 6) == "6a"
    assert number_after(["5", "6", "6a", "7"], 6) == "6b"


def test_the_letters_run_out_with_a_message():
    numbers = ["6"] + [f"6{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"]
    with pytest.raises(FormError):
        number_after(numbers, 6)

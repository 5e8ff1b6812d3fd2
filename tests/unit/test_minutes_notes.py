"""Minutes notes as the editor compares them: one kind of line ending, and a fingerprint that
tells notes sent back untouched from notes someone edited."""

import pytest

from govhub.meetings.minutes import clean_notes, notes_digest
from govhub.meetings.minutes_editor import shown_again

pytestmark = pytest.mark.no_db


def test_notes_are_stored_with_one_kind_of_line_ending_and_no_surrounding_space():
    assert (
        clean_notes("  Agreed.\r\nTwo abstained.\rNoted.\n\n") == "Agreed.\nTwo abstained.\nNoted."
    )
    assert clean_notes(None) == ""


def test_a_browser_sending_notes_back_unchanged_gives_the_same_fingerprint():
    shown = "Agreed.\nTwo abstained."
    assert notes_digest("Agreed.\r\nTwo abstained.\r\n") == notes_digest(shown)  # as sent
    assert notes_digest("Agreed.\nThree abstained.") != notes_digest(shown)
    assert notes_digest(None) == notes_digest("")


def test_untouched_notes_are_not_shown_again_as_typed_but_edited_ones_are():
    values = {
        "notes-1": "As it was",
        "notes_seen-1": notes_digest("As it was"),
        "notes-2": "Edited",
        "notes_seen-2": notes_digest("Before"),
        "notes-3": "Sent without a fingerprint",
        "decision_text": "Keep the reserves",
    }
    again = shown_again(values)
    assert "notes-1" not in again  # its box shows the notes as saved now
    assert again["notes-2"] == "Edited" and again["notes-3"] == "Sent without a fingerprint"
    assert again["decision_text"] == "Keep the reserves"

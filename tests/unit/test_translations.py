"""The Bengali catalogue: every message the code and templates mark is translated, keeps its
placeholders, and the committed .mo is the compiled .po."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from govhub.i18n import LOCALE_DIR, translations_for
from govhub.settings import PROJECT_ROOT

pytestmark = pytest.mark.no_db

PO = LOCALE_DIR / "bn" / "LC_MESSAGES" / "messages.po"
MO = LOCALE_DIR / "bn" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")

METHODS = [
    ("src/govhub/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/emails/**.txt", "jinja2"),
]
OPTIONS = {
    "templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"},
    "templates/emails/**.txt": {"extensions": "jinja2.ext.i18n"},
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _marked_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, METHODS, OPTIONS, KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_marked_message_has_a_bengali_translation():
    catalogue = _catalogue()
    missing = []
    for message in _marked_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        strings = entry.string if entry else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(key)
    assert not missing, f"run `make translations` and translate: {sorted(missing)}"


def test_translations_keep_their_placeholders():
    for entry in _catalogue():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.id


def test_the_committed_mo_is_the_compiled_po():
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    with MO.open("rb") as handle:
        committed = read_mo(handle)
    fresh = read_mo(io.BytesIO(compiled.getvalue()))

    def pairs(catalogue) -> dict:
        return {_key(m.id): _key(m.string) for m in catalogue if m.id}

    assert pairs(committed) == pairs(fresh), "the .mo is out of date: run `make translations`"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_bengali_is_loaded_and_english_is_the_source_text():
    assert translations_for("bn").gettext("Register") == "নিবন্ধন করুন"
    assert translations_for("en").gettext("Register") == "Register"
    assert translations_for("xx").gettext("Register") == "Register"

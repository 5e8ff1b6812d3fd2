"""A return address (``next=``, ``return_to``) only ever leads to a path on this site."""

import pytest

from govhub.web.forms import safe_next

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize(
    "target", ["/dashboard", "/meetings/3?tab=papers#item-2", "/manage/meetings/1/agenda"]
)
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",  # browsers strip the tab: //evil.example
        "/\n/evil.example",
        "/\r\n/evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/a\x00b",
        "/ /evil.example",
        "",
        None,
    ],
)
def test_anything_else_goes_to_the_default(target):
    assert safe_next(target, "/home") == "/home"

"""An email field takes exactly one plain address: what is typed ends up in a To: header."""

import pytest

from govhub.validation import valid_email

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize(
    "address",
    ["name@example.org", "siobhan.brennan@tower-hamlets-council.example", "a.b+c@x.co.uk"],
)
def test_a_plain_address_is_accepted(address):
    assert valid_email(address)


@pytest.mark.parametrize(
    "typed",
    [
        "Name <name@example.org>",  # a display name
        "a@example.org, b@example.org",
        "a@example.org;b@example.org",
        "a@example.org\nBcc: b@example.org",  # header injection
        "a@example.org\r\nBcc: b@example.org",
        '"a b"@example.org',
        "a@example",
        "a@[127.0.0.1]",
        "a\x00@example.org",
        "a@example.org ",
        "x" * 250 + "@example.org",
        "",
    ],
)
def test_anything_but_one_plain_address_is_refused(typed):
    assert not valid_email(typed)

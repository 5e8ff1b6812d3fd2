"""assert_accessible itself: it must fail on a real violation, with or without JavaScript.

The journeys expect 0 violations, so a check that silently found nothing (axe-core not
loaded, the wrong rules, a page it cannot run in) would pass them all. Here a page is
broken on purpose: an image with no text alternative and a link with no name.
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import assert_accessible

BREAK_THE_PAGE = """() => {
    const main = document.querySelector("main");
    main.insertAdjacentHTML("beforeend",
        '<img src="/static/images/favicon.svg"><a href="/bodies"><span></span></a>');
}"""


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["javascript", "no-javascript"])
async def test_assert_accessible_reports_violations(make_page, javascript_enabled):
    page = await make_page(javascript_enabled=javascript_enabled)
    await page.goto("/organisations")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    await assert_accessible(page, "organisations, untouched")

    await page.evaluate(BREAK_THE_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        await assert_accessible(page, "organisations, broken on purpose")
    message = str(failure.value)
    assert "organisations, broken on purpose" in message
    assert "image-alt (critical): Images must have alternative text" in message
    assert "link-name (serious): Links must have discernible text" in message
    assert "at: img" in message  # the first few elements at fault
    assert 'a[href$="bodies"]' in message

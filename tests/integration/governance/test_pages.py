"""What a visitor sees of the partnership's structure."""

import datetime as dt
import html as html_lib
import re

import pytest

from govhub.demo import seed_demo


def text(html: str) -> str:
    """The page's words, tags removed and white space folded."""
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
async def demo(engine):
    await seed_demo()


async def test_home_names_the_executive_group_and_its_six_boards(client, demo):
    page = text((await client.get("/")).text)
    assert "Partnership Executive Group" in page
    boards = [
        "Health and Wellbeing Board",
        "Community Safety Partnership",
        "Children and Families Partnership",
        "Work and Skills Partnership",
        "Housing and Neighbourhoods Partnership",
        "Equality and Inclusion Board",
    ]
    for board in boards:
        assert board in page
    assert "6 boards report into the executive group" in page
    assert "A fair, inclusive and anti-racist borough" in page


async def test_the_tree_shows_who_reports_into_whom(client, demo):
    html = (await client.get("/bodies")).text
    main = html[html.index("<main") : html.index("</main>")]
    # THT sits inside the Health and Wellbeing Board's list, which sits inside PEG's.
    peg = main.index("/bodies/partnership-executive-group")
    hwb = main.index("/bodies/health-and-wellbeing-board")
    tht = main.index("/bodies/tower-hamlets-together")
    assert peg < hwb < tht
    between = main[hwb:tht]
    assert between.count("<ul") == 1 and "</ul>" not in between


async def test_a_board_lists_its_members_by_organisation_with_role_and_term(client, demo):
    page = text((await client.get("/bodies/community-safety-partnership")).text)
    assert "Metropolitan Police" in page
    assert "Tom Baker Chair since 1 April 2024" in page
    assert "Chidi Okafor Substitute" in page
    # The chair who stood down in 2024 is history, not a current member.
    assert "Sarah O'Connor" not in page.split("Former members")[0]
    assert "1 former membership kept as history" in page


async def test_former_members_show_on_request_and_as_an_htmx_fragment(client, demo):
    full = text((await client.get("/bodies/community-safety-partnership?show=past")).text)
    assert "Sarah O'Connor Metropolitan Police Chair 1 April 2022 to 31 March 2024" in full

    fragment = await client.get(
        "/bodies/community-safety-partnership?show=past", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="members"')
    assert "<html" not in fragment.text
    assert "Sarah O&#39;Connor" in fragment.text


async def test_organisation_page_shows_where_it_sits_and_who_represents_it(client, demo):
    page = text((await client.get("/organisations/met-police")).text)
    assert "Partnership Executive Group" in page
    assert "Tom Baker, member, since 1 April 2024" in page
    assert "Community Safety Partnership" in page
    assert "Chidi Okafor, substitute" in page


async def test_organisations_filter_by_sector_without_and_with_htmx(client, demo):
    page = text((await client.get("/organisations?sector=faith")).text)
    assert "3 organisations in this sector" in page
    assert "Council of Mosques Tower Hamlets" in page and "Barts Health" not in page

    fragment = await client.get("/organisations?sector=fire", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="results"')
    assert "London Fire Brigade" in fragment.text

    # A made-up sector is ignored rather than an error.
    assert (await client.get("/organisations?sector=%3Cscript%3E")).status_code == 200


async def test_a_body_that_is_not_public_is_not_found(client, demo):
    response = await client.get("/bodies/partnership-officers-group")
    assert response.status_code == 404
    assert "Partnership Officers Group" not in (await client.get("/bodies")).text


async def test_an_unknown_slug_gets_the_404_page_with_the_site_around_it(client, demo):
    response = await client.get("/bodies/no-such-board")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="#main-content"' in response.text  # still the full layout
    assert (await client.get("/organisations/nope")).status_code == 404
    assert (await client.get("/no/such/page")).status_code == 404


async def test_api_clients_get_json_errors(client, demo):
    response = await client.get("/bodies/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_every_page_has_a_language_a_skip_link_and_navigation(client, demo):
    for url in [
        "/",
        "/bodies",
        "/bodies/health-and-wellbeing-board",
        "/organisations",
        "/organisations/thcvs",
    ]:
        html = (await client.get(url)).text
        assert '<html lang="en"' in html
        assert '<a href="#main-content" class="govuk-skip-link"' in html
        assert 'id="main-content"' in html
        assert '<nav aria-label="Menu"' in html
        assert 'name="viewport"' in html
        assert "<h1" in html


async def test_a_membership_that_has_not_started_is_not_shown_yet(
    client, make_membership, make_body
):
    board = await make_body(name="Future Board", slug="future-board")
    await make_membership(body=board, start_date=dt.date.today() + dt.timedelta(days=30))
    page = text((await client.get("/bodies/future-board")).text)
    assert "This body has no members at present." in page

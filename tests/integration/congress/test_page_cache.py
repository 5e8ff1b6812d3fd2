"""The congress pages come from the page cache for visitors: in each visitor's own language,
and never behind a change."""

from tests.conftest import client_for


async def test_each_language_has_its_own_cached_page(app, client, make_edition):
    edition = await make_edition()
    url = f"/congress/{edition.slug}"
    assert '<html lang="en"' in (await client.get(url)).text
    assert '<html lang="en"' in (await client.get(url)).text  # from the cache
    async with client_for(app) as bengali:
        bengali.cookies.set("govhub_lang", "bn", domain="testserver.local", path="/")
        assert '<html lang="bn"' in (await bengali.get(url)).text
        assert '<html lang="bn"' in (await bengali.get(url)).text
    assert '<html lang="en"' in (await client.get(url)).text
    cache = app.state.page_cache
    assert cache.hits >= 3


async def test_the_page_that_sets_the_language_cookie_is_not_kept(app, client, make_edition):
    edition = await make_edition()
    first = await client.get(f"/congress/{edition.slug}?lang=bn")
    assert first.cookies.get("govhub_lang") == "bn"
    assert len(app.state.page_cache) == 0


async def test_a_change_to_the_congress_shows_at_once(app, client, make_edition):
    from govhub.congress.tables import Edition

    edition = await make_edition()
    url = f"/congress/{edition.slug}"
    before = (await client.get(url)).text
    await Edition.update({Edition.title: "Spring Congress, renamed"}).where(
        Edition.id == edition.id
    )
    after = (await client.get(url)).text
    assert "Spring Congress, renamed" in after
    assert "Spring Congress, renamed" not in before

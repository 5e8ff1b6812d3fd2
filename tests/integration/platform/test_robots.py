"""/robots.txt keeps crawlers to the public pages."""


async def test_robots_txt_keeps_crawlers_out_of_forms_and_personal_feeds(client):
    response = await client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for private in ("/manage/", "/admin", "/account", "/calendar/", "/sign-in"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /meetings" not in lines  # the public pages stay findable

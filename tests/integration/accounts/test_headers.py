"""Security headers on every response; no-store for signed-in pages; unknown hosts refused."""

import httpx

from tests.conftest import client_for


async def test_every_response_carries_the_security_headers(client):
    for path in ["/", "/no/such/page", "/static/css/govhub.css", "/healthz", "/sign-in"]:
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path
        assert "strict-transport-security" not in response.headers  # plain http here


async def test_pages_use_no_inline_script(client):
    html = (await client.get("/")).text
    assert "<script>" not in html and "onclick=" not in html
    assert all(" src=" in tag for tag in html.split("<script")[1:])


async def test_hsts_and_secure_cookies_over_https(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as client:
        response = await client.get("/sign-in")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert any("Secure" in c for c in response.headers.get_list("set-cookie"))


async def test_an_unknown_host_gets_400(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://evil.example"
    ) as client:
        assert (await client.get("/")).status_code == 400


async def test_signed_in_pages_are_not_stored_and_public_ones_may_be(
    client, signed_in_client, make_user
):
    assert (await client.get("/")).headers.get("cache-control") != "no-store"
    me = await signed_in_client(await make_user())
    assert (await me.get("/")).headers["cache-control"] == "no-store"
    assert (await me.get("/account")).headers["cache-control"] == "no-store"


async def test_a_bad_session_cookie_is_cleared(app):
    async with client_for(app) as client:
        client.cookies.set("govhub_session", "x" * 40, domain="testserver.local", path="/")
        response = await client.get("/")
    assert any(
        c.startswith("govhub_session=") and "Max-Age=0" in c
        for c in response.headers.get_list("set-cookie")
    )


async def test_a_known_host_with_a_port_is_accepted(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    ) as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/no/such/page")).status_code == 404
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://evil.example:8000"
    ) as client:
        assert (await client.get("/no/such/page")).status_code == 400

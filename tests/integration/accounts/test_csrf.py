"""Every state-changing route refuses a request without a CSRF token bound to its session.

The routes are read from the app itself, so a route added later is covered without anyone
remembering to add it here.
"""

import re

import pyotp

from tests.conftest import client_for, csrf_from

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}


def state_changing_routes(app) -> list[tuple[str, str]]:
    routes = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", set()) - SAFE):
            # Any value of the right shape: the token is checked before anything else.
            path = re.sub(r"\{[^}:]+:int\}", "1", route.path)
            path = re.sub(r"\{[^}:]+:(str|path)\}", "x", path)
            routes.append((method, path))
    return routes


async def test_the_route_table_has_state_changing_routes(app):
    methods = {method for method, _ in state_changing_routes(app)}
    assert "POST" in methods
    assert len(state_changing_routes(app)) >= 10


async def test_every_state_changing_route_refuses_a_missing_or_foreign_token(
    app, make_user, signed_in_client
):
    admin = await make_user(admin=True, totp_secret=pyotp.random_base32())
    client = await signed_in_client(admin)
    async with client_for(app) as stranger:
        foreign = csrf_from((await stranger.get("/sign-in")).text)  # valid, but not this session's
    for method, path in state_changing_routes(app):
        for headers, data in [
            ({}, {}),
            ({}, {"_csrf": foreign}),
            ({"X-CSRF-Token": foreign}, {}),
            ({"X-CSRF-Token": "0" * 64}, {}),
        ]:
            response = await client.request(method, path, headers=headers, data=data)
            assert response.status_code == 403, (method, path, headers, data, response.status_code)
            assert "Your form could not be sent" in response.text


async def test_anonymous_forms_are_protected_too(client):
    response = await client.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 403
    response = await client.post("/password-reset", data={"email": "a@example.org"})
    assert response.status_code == 403


async def test_htmx_requests_carry_the_token_in_a_header(client, make_user, signed_in_client):
    admin = await make_user(admin=True, totp_secret=pyotp.random_base32())
    session = await signed_in_client(admin)
    page = (await session.get("/admin/organisations")).text
    header_token = re.search(r'hx-headers=\'\{"X-CSRF-Token": "([^"]+)"\}\'', page).group(1)
    assert header_token == csrf_from(page)
    response = await session.post(
        "/admin/organisations/new",
        headers={"X-CSRF-Token": header_token, "HX-Request": "true"},
        data={"name": "", "sector": ""},
    )
    assert response.status_code == 400  # got past CSRF to the form's own checks

"""Sign-in and reset attempts are limited per account and per address, across processes."""

import asyncio

from tests.conftest import client_for, csrf_from


async def attempt(client, email: str) -> int:
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"email": email, "password": "wrong password!", "_csrf": csrf_from(page.text)},
    )
    return response.status_code


async def test_the_sixth_attempt_on_an_account_within_15_minutes_is_refused(client, make_user):
    user = await make_user()
    statuses = [await attempt(client, user.email) for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    page = await client.get("/sign-in")
    refused = await client.post(
        "/sign-in",
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "_csrf": csrf_from(page.text),
        },
    )
    assert refused.status_code == 429  # even the right password waits
    assert "Too many attempts. Wait" in refused.text
    assert f'value="{user.email}"' in refused.text


async def test_the_limit_holds_across_two_app_instances_sharing_the_store(make_app, make_user):
    """Two web processes' worth of apps, each with its own state, one database."""
    user = await make_user()
    first, second = await make_app(), await make_app()
    async with client_for(first) as one, client_for(second) as two:
        alternating = [await attempt(c, user.email) for c in [one, two] * 4]
    assert alternating == [400] * 5 + [429] * 3


async def test_a_concurrent_burst_across_two_instances_never_gets_past_the_limit(
    make_app, make_user
):
    user = await make_user()
    first, second = await make_app(), await make_app()
    async with client_for(first) as one, client_for(second) as two:
        statuses = await asyncio.gather(*[attempt(c, user.email) for c in [one, two] * 10])
    # Each attempt counts against its account and its address; a racing attempt can be over
    # on one key while under on the other, so at most (never more than) 5 get through.
    assert 1 <= statuses.count(400) <= 5
    assert statuses.count(400) + statuses.count(429) == 20


async def test_reset_requests_are_limited_too_with_the_same_answer_for_any_address(client):
    statuses = []
    for _ in range(6):
        page = await client.get("/password-reset")
        response = await client.post(
            "/password-reset", data={"email": "nobody@example.org", "_csrf": csrf_from(page.text)}
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 5 + [429]


async def test_an_office_of_people_signing_in_from_one_address_is_not_locked_out(client, make_user):
    """Six colleagues behind one address each sign in once: the per-account limit stops
    guessing, and the looser per-address limit leaves a shared office alone."""
    users = [await make_user() for _ in range(6)]
    statuses = [await attempt(client, user.email) for user in users]
    assert statuses == [400] * 6  # wrong password each time, but never "too many"


async def test_one_address_trying_many_accounts_is_stopped(client):
    statuses = [await attempt(client, f"guess{n}@example.org") for n in range(61)]
    assert statuses[:60] == [400] * 60
    assert statuses[60] == 429

"""Wrong passwords slow down whoever types them, from where they type them: nobody can lock
someone else out of their account. And a forged X-Forwarded-For changes nothing unless it comes
through a proxy named in GOVHUB_TRUSTED_PROXIES."""

import asyncio
import datetime as dt
import re

import httpx

from govhub.accounts import ratelimit
from tests.conftest import PASSWORD, csrf_from

ATTACKER, OWNER, PROXY = "203.0.113.9", "198.51.100.7", "10.0.0.2"


def client_at(app, address: str) -> httpx.AsyncClient:
    """A browser connecting from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def sign_in_from(client, email: str, password: str, *, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = await client.get("/sign-in", headers=headers)
    return await client.post(
        "/sign-in",
        data={"email": email, "password": password, "_csrf": csrf_from(page.text)},
        headers=headers,
    )


async def test_an_attacker_failing_20_times_does_not_stop_the_owner_signing_in_elsewhere(
    app, make_user
):
    user = await make_user()
    async with client_at(app, ATTACKER) as attacker, client_at(app, OWNER) as owner:
        statuses = [
            (await sign_in_from(attacker, user.email, "guess number one")).status_code
            for _ in range(20)
        ]
        assert statuses[:5] == [400] * 5
        assert set(statuses[5:]) == {429}  # the attacker now waits longer after each try
        mine = await sign_in_from(owner, user.email, PASSWORD)
    assert mine.status_code == 303
    assert mine.headers["location"] == "/dashboard"


async def test_a_refused_try_says_how_long_to_wait_and_keeps_what_was_typed(app, make_user):
    user = await make_user()
    async with client_at(app, ATTACKER) as attacker:
        for _ in range(5):
            await sign_in_from(attacker, user.email, "guess number one")
        refused = await sign_in_from(attacker, user.email, PASSWORD)  # even the right one
    assert refused.status_code == 429
    wait = re.search(r"Too many attempts. Wait (\d+) seconds, then try again.", refused.text)
    assert wait and 1 <= int(wait.group(1)) <= 10
    assert refused.headers["retry-after"] == wait.group(1)
    assert f'value="{user.email}"' in refused.text


async def test_each_further_try_from_one_client_waits_longer(engine):
    pair = ratelimit.SIGN_IN_PAIR
    now = dt.datetime(2026, 12, 1, 9, 0, 1, tzinfo=dt.UTC)
    assert all([(await ratelimit.take_turn(pair, "a|b", now=now)).allowed for _ in range(5)])
    waits = []
    for _ in range(4):
        refused = await ratelimit.take_turn(pair, "a|b", now=now)
        assert not refused.allowed
        waits.append(refused.retry_after.total_seconds())
        now += refused.retry_after
        assert (await ratelimit.take_turn(pair, "a|b", now=now)).allowed
    # (a refused try counts too: it is the client trying again too soon)
    assert waits == [10, 40, 160, 640]
    other = await ratelimit.take_turn(pair, "a|c", now=now)
    assert other.allowed  # the same account from elsewhere was never slowed


async def test_a_concurrent_burst_from_one_client_gets_five_tries(app, make_user):
    user = await make_user()
    async with client_at(app, ATTACKER) as attacker:
        responses = await asyncio.gather(
            *[sign_in_from(attacker, user.email, "guess number one") for _ in range(15)]
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(400) <= 5 and statuses.count(400) + statuses.count(429) == 15


async def test_a_forged_forwarded_for_from_an_untrusted_client_is_ignored(app, make_user):
    user = await make_user()
    async with client_at(app, ATTACKER) as attacker:
        statuses = [
            (
                await sign_in_from(
                    attacker, user.email, "guess number one", forwarded_for=f"192.0.2.{n}"
                )
            ).status_code
            for n in range(7)
        ]
    assert statuses == [400] * 5 + [429] * 2  # every "address" was the attacker's own


async def test_behind_a_trusted_proxy_each_client_is_told_apart(make_app, make_user):
    app = await make_app(trusted_proxies=f"{PROXY},10.1.0.0/16")
    user = await make_user()
    async with client_at(app, PROXY) as proxy:
        attacks = [
            (
                await sign_in_from(
                    # what the attacker wrote, then what the proxy added: the proxy's is believed
                    proxy,
                    user.email,
                    "guess number one",
                    forwarded_for=f"192.0.2.{n}, {ATTACKER}",
                )
            ).status_code
            for n in range(7)
        ]
        assert attacks == [400] * 5 + [429] * 2
        # The owner comes through the same proxy (and one more trusted hop) from elsewhere.
        mine = await sign_in_from(proxy, user.email, PASSWORD, forwarded_for=f"{OWNER}, 10.1.2.3")
    assert mine.status_code == 303


async def test_a_trusted_proxy_is_not_a_client_of_its_own(make_app, make_user):
    """Behind a trusted proxy, people are counted by their own addresses, not the proxy's."""
    app = await make_app(trusted_proxies=PROXY)
    user = await make_user()
    async with client_at(app, PROXY) as proxy:
        statuses = [
            (
                await sign_in_from(
                    proxy, user.email, "guess number one", forwarded_for=f"192.0.2.{n}"
                )
            ).status_code
            for n in range(7)
        ]
    assert statuses == [400] * 7  # seven people behind one proxy, each with one wrong try


async def test_many_clients_together_only_space_out_an_accounts_tries(engine):
    """Past the loose limit for one account from anywhere, a try waits two seconds at most."""
    now = dt.datetime(2026, 12, 1, 9, 0, 1, tzinfo=dt.UTC)
    account = ratelimit.SIGN_IN_ACCOUNT
    verdicts = [await ratelimit.take_turn(account, "sec@example.org", now=now) for _ in range(101)]
    assert all(v.allowed for v in verdicts[:100])
    assert not verdicts[100].allowed
    assert verdicts[100].retry_after <= dt.timedelta(seconds=2)
    later = now + dt.timedelta(seconds=2)
    assert (await ratelimit.take_turn(account, "sec@example.org", now=later)).allowed

"""A two-factor code lets in one session only, even when two web processes check it at once."""

import asyncio

import pyotp

from govhub.accounts import services
from govhub.accounts.tables import User
from tests.conftest import client_for, csrf_from, sign_in


async def code_page(client, email: str) -> str:
    """Signed in with the password, at the code form; returns its CSRF token."""
    response = await sign_in(client, email)
    assert response.headers["location"].startswith("/sign-in/code")
    return csrf_from((await client.get("/sign-in/code")).text)


async def send_code(client, csrf: str, code: str) -> int:
    response = await client.post("/sign-in/code", data={"code": code, "_csrf": csrf})
    return response.status_code


async def test_one_code_on_two_sessions_in_two_processes_signs_in_one(make_app, make_user):
    secret = pyotp.random_base32()
    user = await make_user(totp_secret=secret)
    first, second = await make_app(), await make_app()
    async with client_for(first) as one, client_for(second) as two:
        csrf_one, csrf_two = await code_page(one, user.email), await code_page(two, user.email)
        code = pyotp.TOTP(secret).now()
        assert await send_code(one, csrf_one, code) == 303
        assert await send_code(two, csrf_two, code) == 400
        assert (await one.get("/account")).status_code == 200
        assert (await two.get("/account")).status_code != 200


async def test_one_code_sent_at_once_on_two_sessions_signs_in_one(make_app, make_user):
    secret = pyotp.random_base32()
    user = await make_user(totp_secret=secret)
    first, second = await make_app(), await make_app()
    async with client_for(first) as one, client_for(second) as two:
        csrf_one, csrf_two = await code_page(one, user.email), await code_page(two, user.email)
        code = pyotp.TOTP(secret).now()
        statuses = await asyncio.gather(
            send_code(one, csrf_one, code), send_code(two, csrf_two, code)
        )
        signed_in = [(await c.get("/account")).status_code == 200 for c in (one, two)]
    assert sorted(statuses) == [303, 400]
    assert signed_in.count(True) == 1


async def test_two_checks_that_both_read_the_user_before_either_wrote_accept_once(make_user):
    """What two processes racing see: the same row, read before either accepted the code."""
    secret = pyotp.random_base32()
    user = await make_user(totp_secret=secret)
    seen_by_one = await User.objects().where(User.id == user.id).first()
    seen_by_two = await User.objects().where(User.id == user.id).first()
    code = pyotp.TOTP(secret).now()
    accepted = [
        await services.verify_two_factor(seen_by_one, code),
        await services.verify_two_factor(seen_by_two, code),
    ]
    assert accepted == [True, False]

"""Signing in and out, and what a session cookie is worth before, during and after."""

import datetime as dt
import re

import pyotp

from govhub.accounts.secrets import hash_token
from govhub.accounts.tables import UserSession
from tests.conftest import (
    PASSWORD,
    client_for,
    csrf_from,
    plant_session_cookie,
    sent_to_sign_in,
    sign_in,
)


async def test_signing_in_lands_on_the_page_asked_for_with_a_safe_cookie(client, make_user):
    user = await make_user()
    page = await client.get("/sign-in?next=/account")
    response = await client.post(
        "/sign-in",
        data={
            "email": user.email.upper(),
            "password": PASSWORD,
            "next": "/account",
            "_csrf": csrf_from(page.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("govhub_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    account = await client.get("/account")
    assert account.status_code == 200 and user.email in account.text
    assert account.headers["cache-control"] == "no-store"


def page_without_keys(html: str) -> str:
    return re.sub(r'name="_once" value="[^"]*"', 'name="_once"', html)


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, make_user):
    user = await make_user()
    wrong = await sign_in(client, user.email, "not the password")
    unknown = await sign_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert "Enter a correct email address and password" in wrong.text
    # The same page but for what was typed (and the form's fresh one-time key).
    assert page_without_keys(wrong.text.replace(user.email, "X")) == page_without_keys(
        unknown.text.replace("nobody@example.org", "X")
    )
    assert 'value="nobody@example.org"' in unknown.text  # what was typed is kept


async def test_an_offsite_next_address_is_ignored(client, make_user):
    user = await make_user()
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "//evil.example/x",
            "_csrf": csrf_from(page.text),
        },
    )
    assert response.headers["location"] == "/dashboard"


async def test_a_session_id_planted_before_sign_in_is_not_the_one_after(app, make_user):
    user = await make_user()
    async with client_for(app) as victim:
        plant_session_cookie(victim, "attacker-chosen-value-0123456789abcdef")
        await sign_in(victim, user.email)
        after = victim.cookies.get("govhub_session")
        assert after and after != "attacker-chosen-value-0123456789abcdef"
        assert (await victim.get("/account")).status_code == 200
    async with client_for(app) as attacker:
        plant_session_cookie(attacker, "attacker-chosen-value-0123456789abcdef")
        assert sent_to_sign_in(await attacker.get("/account"))


async def test_signing_in_again_replaces_the_session_that_came_in(app, make_user):
    first, second = await make_user(), await make_user()
    async with client_for(app) as browser:
        await sign_in(browser, first.email)
        old = browser.cookies.get("govhub_session")
        await sign_in(browser, second.email)
        assert browser.cookies.get("govhub_session") != old
    assert await UserSession.count().where(UserSession.token_hash == hash_token(old)) == 0


async def test_after_sign_out_the_old_cookie_gets_nothing(app, signed_in_client, make_user):
    client = await signed_in_client(await make_user())
    token = client.cookies.get("govhub_session")
    page = await client.get("/account")
    response = await client.post("/sign-out", data={"_csrf": csrf_from(page.text)})
    assert response.status_code == 303
    async with client_for(app) as replay:
        plant_session_cookie(replay, token)
        assert sent_to_sign_in(await replay.get("/account"))


async def test_a_session_idle_for_over_30_minutes_or_older_than_12_hours_ends(
    app, signed_in_client, make_user
):
    client = await signed_in_client(await make_user())
    token_hash = hash_token(client.cookies.get("govhub_session"))
    now = dt.datetime.now(dt.UTC)
    await UserSession.update({UserSession.last_seen_at: now - dt.timedelta(minutes=31)}).where(
        UserSession.token_hash == token_hash
    )
    assert sent_to_sign_in(await client.get("/account"))

    client = await signed_in_client(await make_user())
    await UserSession.update(
        {UserSession.created_at: now - dt.timedelta(hours=12, minutes=1)}
    ).where(UserSession.token_hash == hash_token(client.cookies.get("govhub_session")))
    assert sent_to_sign_in(await client.get("/account"))


async def test_two_factor_is_asked_for_and_a_code_works_once(app, make_user):
    secret = pyotp.random_base32()
    user = await make_user(totp_secret=secret)
    async with client_for(app) as browser:
        response = await sign_in(browser, user.email)
        assert response.headers["location"].startswith("/sign-in/code")
        pending = browser.cookies.get("govhub_session")
        assert sent_to_sign_in(await browser.get("/account"))
        page = await browser.get("/sign-in/code")
        code = pyotp.TOTP(secret).now()
        done = await browser.post(
            "/sign-in/code", data={"code": code, "_csrf": csrf_from(page.text)}
        )
        assert done.status_code == 303
        assert browser.cookies.get("govhub_session") != pending  # rotated once fully in
        assert (await browser.get("/account")).status_code == 200
    async with client_for(app) as replay:
        await sign_in(replay, user.email)
        page = await replay.get("/sign-in/code")
        again = await replay.post(
            "/sign-in/code", data={"code": code, "_csrf": csrf_from(page.text)}
        )
        assert again.status_code == 400
        assert "Enter the 6-digit code" in again.text


async def test_an_admin_without_two_factor_is_not_an_admin_yet(app, make_user, signed_in_client):
    admin = await make_user(admin=True)
    client = await signed_in_client(admin)
    sent = await client.get("/admin")
    assert sent.status_code == 302 and sent.headers["location"] == "/account/two-factor?required=1"
    setup = await client.get("/account/two-factor")
    assert "Partnership admins must use two-factor authentication" in setup.text
    from govhub.accounts.tables import User

    secret = (await User.objects().where(User.id == admin.id).first()).totp_secret
    before = client.cookies.get("govhub_session")
    response = await client.post(
        "/account/two-factor",
        data={"code": pyotp.TOTP(secret).now(), "_csrf": csrf_from(setup.text)},
    )
    assert response.status_code == 303
    assert client.cookies.get("govhub_session") != before  # privilege changed: new id
    assert (await client.get("/admin")).status_code == 200

"""Reset and invitation links: only the newest works, once, and none after a password change.
The answer to "reset my password" is the same whether or not the account exists."""

import asyncio
import re

from govhub.accounts.tables import User
from govhub.mail.tables import OutboxMessage
from tests.conftest import PASSWORD, client_for, csrf_from, sign_in
from tests.integration.accounts.test_password_reset import request_reset
from tests.integration.accounts.test_throttling import OWNER, client_at

NEW = "a brand new long password"


async def links_to(email: str) -> list[str]:
    """Every reset or invitation link emailed to ``email``, oldest first."""
    rows = (
        await OutboxMessage.objects()
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id)
    )
    return [
        re.search(r"http://testserver(/password-reset/\S+)", r.text_body).group(1) for r in rows
    ]


async def choose_password(client, link: str, password: str = NEW):
    """Submit the link's form (with a CSRF token from any page: the link's may be dead)."""
    csrf = csrf_from((await client.get("/password-reset")).text)
    return await client.post(
        link, data={"new_password": password, "confirm_password": password, "_csrf": csrf}
    )


def says_ask_for_a_new_link(response) -> bool:
    return 'href="/password-reset"' in response.text and "Ask for a new link" in response.text


async def test_an_older_link_stops_working_when_a_newer_one_is_sent(client, make_user):
    user = await make_user()
    await request_reset(client, user.email)
    await request_reset(client, user.email)
    older, newer = await links_to(user.email)
    page = await client.get(older)
    assert page.status_code == 410
    assert "A newer link has been sent since" in page.text
    assert says_ask_for_a_new_link(page)
    refused = await choose_password(client, older)
    assert refused.status_code == 410 and says_ask_for_a_new_link(refused)
    assert (await sign_in(client, user.email, NEW)).status_code == 400  # nothing changed
    assert (await client.get(newer)).status_code == 200
    assert (await choose_password(client, newer)).status_code == 303


async def test_an_invitation_is_ended_by_a_newer_one(app, make_user, make_person):
    """The admin's "Send a new sign-in link" button: the first email's link stops working."""
    from govhub.accounts.services import invite_user

    person = await make_person()
    await invite_user(None, person)
    await invite_user(None, person)
    first, second = await links_to(person.email)
    async with client_for(app) as browser:
        assert (await browser.get(first)).status_code == 410
        assert (await choose_password(browser, first)).status_code == 410
        assert (await choose_password(browser, second)).status_code == 303
        assert (await sign_in(browser, person.email, NEW)).status_code == 303


async def test_a_link_stops_working_after_a_password_change(app, make_user, signed_in_client):
    user = await make_user()
    async with client_for(app) as browser:
        await request_reset(browser, user.email)
    (link,) = await links_to(user.email)
    account = await signed_in_client(user)
    page = await account.get("/account")
    changed = await account.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "changed on purpose today",
            "confirm_password": "changed on purpose today",
            "_csrf": csrf_from(page.text),
        },
    )
    assert changed.status_code == 303
    async with client_for(app) as thief:
        assert (await thief.get(link)).status_code == 410
        assert (await choose_password(thief, link)).status_code == 410
        assert (await sign_in(thief, user.email, NEW)).status_code == 400


async def test_a_used_link_is_refused_with_a_way_on(client, make_user):
    user = await make_user()
    await request_reset(client, user.email)
    (link,) = await links_to(user.email)
    assert (await choose_password(client, link)).status_code == 303
    again = await choose_password(client, link, "yet another long password")
    assert again.status_code == 410
    assert "This link has already been used" in again.text and says_ask_for_a_new_link(again)
    assert (await sign_in(client, user.email, NEW)).status_code == 303


async def test_an_unknown_link_says_so(client):
    page = await client.get("/password-reset/not-a-real-link-at-all")
    assert page.status_code == 404
    assert "We do not recognise this link" in page.text and says_ask_for_a_new_link(page)


async def test_two_uses_of_one_link_at_once_one_wins(make_app, make_user):
    user = await make_user()
    first, second = await make_app(), await make_app()
    async with client_for(first) as one, client_for(second) as two:
        await request_reset(one, user.email)
        (link,) = await links_to(user.email)
        answers = await asyncio.gather(
            choose_password(one, link, "the first long password"),
            choose_password(two, link, "the second long password"),
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [303, 410]
        winner = (
            "the first long password"
            if answers[0].status_code == 303
            else ("the second long password")
        )
        assert (await sign_in(one, user.email, winner)).status_code == 303
    generation = await User.select(User.link_generation).where(User.id == user.id).first()
    assert generation["link_generation"] == 2  # one link made, one use


async def test_the_reset_answer_is_the_same_for_an_address_with_no_account(client, make_user):
    user = await make_user()
    known = await request_reset(client, user.email)
    unknown = await request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(user.email, "X") == unknown.text.replace("nobody@example.org", "X")
    varying = {"content-length", "set-cookie", "date"}
    assert {k: v for k, v in known.headers.items() if k not in varying} == {
        k: v for k, v in unknown.headers.items() if k not in varying
    }
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "nobody@example.org") == 0


async def test_strangers_asking_for_someones_link_get_no_refusal_and_send_five_at_most(
    app, make_user
):
    """Anyone may type an address: past five requests for it in 15 minutes the answer is the
    same but no more mail goes, and the last link sent still works."""
    user = await make_user()
    for n in range(8):
        async with client_at(app, f"192.0.2.{n}") as stranger:  # eight different places
            assert (await request_reset(stranger, user.email)).status_code == 200
    sent = await links_to(user.email)
    assert len(sent) == 5
    async with client_at(app, OWNER) as owner:
        assert (await choose_password(owner, sent[-1])).status_code == 303


async def test_an_address_that_cannot_be_one_gets_a_message_not_an_error(client):
    # (A NUL or other control character is refused at the door, with a plain 400 page:
    # tests/integration/platform/test_input_limits.py.)
    for typed in ["x" * 250 + "@example.org", "a@b@example.org"]:
        page = await client.get("/password-reset")
        answer = await client.post(
            "/password-reset", data={"email": typed, "_csrf": csrf_from(page.text)}
        )
        assert answer.status_code == 400
        assert "Enter an email address in the correct format" in answer.text
        page = await client.get("/sign-in")
        answer = await client.post(
            "/sign-in", data={"email": typed, "password": "whatever", "_csrf": csrf_from(page.text)}
        )
        assert answer.status_code == 400
        assert "Enter a correct email address and password" in answer.text

"""Forgotten passwords: an emailed link that works once and expires; one answer for everyone."""

import datetime as dt
import re

from govhub.accounts.tables import PasswordResetToken
from govhub.mail.tables import OutboxMessage
from tests.conftest import PASSWORD, client_for, csrf_from, sent_to_sign_in, sign_in


async def request_reset(client, email: str):
    page = await client.get("/password-reset")
    return await client.post(
        "/password-reset", data={"email": email, "_csrf": csrf_from(page.text)}
    )


async def mail_to(to: str) -> OutboxMessage:
    """The message to ``to``, already handled (jobs run inline)."""
    row = await OutboxMessage.objects().where(OutboxMessage.to_address == to).first()
    assert row is not None, f"no mail to {to}"
    assert row.state not in ("queued", "sending"), row.state
    return row


async def test_a_reset_link_is_emailed_works_once_and_signs_out_everywhere(
    app, make_user, signed_in_client
):
    user = await make_user()
    elsewhere = await signed_in_client(user)
    async with client_for(app) as browser:
        known = await request_reset(browser, user.email)
        unknown = await request_reset(browser, "nobody@example.org")
        assert known.status_code == unknown.status_code == 200
        assert known.text.replace(user.email, "X") == unknown.text.replace(
            "nobody@example.org", "X"
        )

        mail = await mail_to(user.email)
        assert mail.state == "kept"  # no SMTP configured: the outbox is the mailbox
        assert mail.subject == "Reset your govhub password"
        link = re.search(r"http://testserver(/password-reset/\S+)", mail.text_body).group(1)
        assert await OutboxMessage.count() == 1  # nothing was sent for the unknown address

        form = await browser.get(link)
        assert form.status_code == 200
        short = await browser.post(
            link,
            data={
                "new_password": "short",
                "confirm_password": "short",
                "_csrf": csrf_from(form.text),
            },
        )
        assert short.status_code == 400
        assert "Password must be 12 characters or more" in short.text
        new = "a brand new long password"
        done = await browser.post(
            link, data={"new_password": new, "confirm_password": new, "_csrf": csrf_from(form.text)}
        )
        assert done.status_code == 303
        assert (await browser.get(link)).status_code == 410  # used up
        assert (await sign_in(browser, user.email, PASSWORD)).status_code == 400
        assert (await sign_in(browser, user.email, new)).status_code == 303
    assert sent_to_sign_in(await elsewhere.get("/account"))


async def test_an_expired_link_does_not_work(client, make_user):
    user = await make_user()
    await request_reset(client, user.email)
    mail = await mail_to(user.email)
    link = re.search(r"http://testserver(/password-reset/\S+)", mail.text_body).group(1)
    await PasswordResetToken.update(
        {PasswordResetToken.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    ).where(PasswordResetToken.user == user.id)
    assert (await client.get(link)).status_code == 410


async def test_changing_password_needs_the_current_one_and_keeps_what_was_typed(
    signed_in_client, make_user
):
    client = await signed_in_client(await make_user())
    page = await client.get("/account")
    wrong = await client.post(
        "/account/password",
        data={
            "current_password": "not it",
            "new_password": "another long password",
            "confirm_password": "another long password",
            "_csrf": csrf_from(page.text),
        },
    )
    assert wrong.status_code == 400
    assert "Your current password is not right" in wrong.text
    assert 'href="#current_password"' in wrong.text  # the error summary links to the field
    ok = await client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another long password",
            "confirm_password": "another long password",
            "_csrf": csrf_from(page.text),
        },
    )
    assert ok.status_code == 303
    assert (await client.get("/account")).status_code == 200  # this session stays

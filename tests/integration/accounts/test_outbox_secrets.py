"""Admins reading the outbox do not see the live secret links in other people's mail."""

import re

import pyotp
import pytest

from govhub.mail.controllers import hide_secret_links
from govhub.mail.tables import OutboxMessage
from tests.integration.accounts.test_links import links_to
from tests.integration.accounts.test_password_reset import request_reset


@pytest.mark.parametrize("state", ["queued", "sent", "failed"])
async def test_a_reset_link_in_the_outbox_is_hidden_from_admins(
    client, make_user, signed_in_client, state
):
    user = await make_user()
    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    await request_reset(client, user.email)
    (link,) = await links_to(user.email)
    token = link.rsplit("/", 1)[1]
    message = await OutboxMessage.objects().where(OutboxMessage.to_address == user.email).first()
    await OutboxMessage.update({OutboxMessage.state: state}).where(OutboxMessage.id == message.id)
    page = await admin.get(f"/admin/outbox/{message.id}")
    assert page.status_code == 200
    assert token not in page.text
    assert "http://testserver/password-reset/[secret link hidden]" in page.text
    assert "Secret links" in page.text and "are hidden here" in page.text
    listing = await admin.get("/admin/outbox")
    assert token not in listing.text


async def test_with_no_mail_server_the_admin_is_the_mailbox_and_sees_the_message(
    client, make_user, signed_in_client
):
    """A "kept" message was never sent: the admin has to pass it on, so it is shown whole."""
    user = await make_user()
    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    await request_reset(client, user.email)
    (link,) = await links_to(user.email)
    message = await OutboxMessage.objects().where(OutboxMessage.to_address == user.email).first()
    assert message.state == "kept"
    page = await admin.get(f"/admin/outbox/{message.id}")
    assert link in page.text
    assert "pass it on only to the person it is for" in page.text


@pytest.mark.no_db
def test_every_kind_of_secret_link_is_hidden_and_ordinary_addresses_are_not():
    text = (
        "Reset: http://x.org/password-reset/AbC-dEf_0123456789ghIJkLmnOPqrsTUvwxyz01234\n"
        "Manage: http://x.org/congress/manage/" + "0123456789abcdef" * 4 + "\n"
        "Feed: http://x.org/calendar/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA.ics\n"
        "Event: http://x.org/congress/tower-hamlets-youth-congress-2027\n"
        "Pack: http://x.org/meetings/12/pack"
    )
    shown = hide_secret_links(text)
    assert len(re.findall(r"\[secret link hidden\]", shown)) == 3
    assert "0123456789abcdef" not in shown and "Zm9vYmFy" not in shown
    assert "http://x.org/congress/tower-hamlets-youth-congress-2027" in shown
    assert "http://x.org/meetings/12/pack" in shown

"""A message that could not be delivered is shown to admins, who can send it again."""

import pyotp

from govhub.mail.services import dispatch, queue_mail
from govhub.mail.tables import MailState, OutboxMessage
from tests.conftest import csrf_from


async def test_an_admin_resends_a_failed_message(app, smtp_sink, make_user, signed_in_client):
    admin = await make_user(admin=True, totp_secret=pyotp.random_base32())
    message = await queue_mail(
        to="abdul@example.org",
        template="meeting_cancelled",
        context={
            "name": "Abdul",
            "body_name": "CSP",
            "title": "Quarterly",
            "when": "Tuesday 5 January 2027, 6pm",
            "reason": "Unwell",
            "url": "http://testserver/meetings/1",
        },
        kind="meeting.cancel",
    )
    await OutboxMessage.update(
        {OutboxMessage.state: MailState.failed, OutboxMessage.last_error: "550 No such user"}
    ).where(OutboxMessage.id == message.id)

    client = await signed_in_client(admin)
    page = await client.get(f"/admin/outbox/{message.id}")
    assert "550 No such user" in page.text and "Resend" in page.text
    response = await client.post(
        f"/admin/outbox/{message.id}/resend", data={"_csrf": csrf_from(page.text)}
    )
    assert response.status_code == 303
    [received] = smtp_sink.received(1)
    assert received["To"] == "abdul@example.org"
    assert received["Message-ID"] == message.message_id  # the same message, not a new one
    row = await OutboxMessage.objects().where(OutboxMessage.id == message.id).first()
    assert row.state == MailState.sent and row.attempts == 1

    # Pressing it again (an old tab) sends nothing more.
    again = await client.post(
        f"/admin/outbox/{message.id}/resend", data={"_csrf": csrf_from(page.text)}
    )
    assert again.status_code == 404
    await dispatch(row)
    assert len(smtp_sink.messages) == 1

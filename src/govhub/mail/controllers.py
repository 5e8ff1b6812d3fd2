"""The outbox for admins: every message, its state, and the mailbox when no SMTP is set."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from govhub.audit.services import record
from govhub.mail.services import resend
from govhub.mail.tables import MailState, OutboxMessage
from govhub.web.guards import Me, requires_admin
from govhub.web.pagination import paginate

__all__ = ["OutboxController"]


class OutboxController(Controller):
    path = "/admin/outbox"
    guards = [requires_admin]
    include_in_schema = False

    @get("/")
    async def outbox(
        self, show: FromQuery[str | None] = None, page: FromQuery[int | None] = None
    ) -> Template:
        where = OutboxMessage.id.is_not_null()
        if show in {s.value for s in MailState}:
            where &= OutboxMessage.state == show
        listing = await paginate(
            OutboxMessage.objects().where(where).order_by(OutboxMessage.id, ascending=False),
            OutboxMessage.count().where(where),
            page,
            {"show": show or ""},
        )
        return Template(
            template_name="mail/outbox.html",
            context={
                "listing": listing,
                "state": show or "",
                "states": [s.value for s in MailState],
            },
        )

    @get("/{message_id:int}")
    async def message(
        self, message_id: FromPath[int], done: FromQuery[str | None] = None
    ) -> Template:
        message = await OutboxMessage.objects().where(OutboxMessage.id == message_id).first()
        if message is None:
            raise NotFoundException()
        shown = "The message is queued to be sent again." if done == "resent" else None
        return Template(
            template_name="mail/message.html", context={"message": message, "done": shown}
        )

    @post("/{message_id:int}/resend")
    async def resend(self, principal: Me, message_id: FromPath[int]) -> Redirect:
        """A failed message goes back in the queue with a fresh count of attempts."""
        message = await resend(message_id)
        if message is None:
            raise NotFoundException()
        await record(principal, "mail.resent", message, summary=message.subject)
        return Redirect(f"/admin/outbox/{message_id}?done=resent", status_code=303)

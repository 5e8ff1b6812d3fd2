"""The outbox for admins: every message, its state, and the mailbox when no SMTP is set."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from govhub.audit.services import record
from govhub.errors import NotFound
from govhub.mail.deps import MESSAGE, Message
from govhub.mail.services import resend
from govhub.mail.tables import MailState, OutboxMessage
from govhub.web.guards import Me, requires_admin
from govhub.web.pagination import paginate

__all__ = ["OutboxController"]


class OutboxController(Controller):
    path = "/admin/outbox"
    guards = [requires_admin]
    include_in_schema = False

    @get("/", name="outbox")
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

    @get("/{message_id:int}", name="outbox_message", dependencies=MESSAGE)
    async def show_message(self, message: Message, done: FromQuery[str | None] = None) -> Template:
        shown = "The message is queued to be sent again." if done == "resent" else None
        return Template(
            template_name="mail/message.html", context={"message": message, "done": shown}
        )

    @post("/{message_id:int}/resend", name="resend_message")
    async def resend(self, request: Request, principal: Me, message_id: FromPath[int]) -> Redirect:
        """A failed message goes back in the queue with a fresh count of attempts."""
        message = await resend(message_id)
        if message is None:
            raise NotFound()  # no such message, or it had not failed
        await record(principal, "mail.resent", message, summary=message.subject)
        url = request.app.route_reverse("outbox_message", message_id=message_id)
        return Redirect(f"{url}?done=resent", status_code=303)

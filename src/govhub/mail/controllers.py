"""The outbox for admins: every message, its state, and the mailbox when no SMTP is set."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from govhub.mail.tables import MailState, OutboxMessage
from govhub.web.guards import requires_admin
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
    async def message(self, message_id: FromPath[int]) -> Template:
        message = await OutboxMessage.objects().where(OutboxMessage.id == message_id).first()
        if message is None:
            raise NotFoundException()
        return Template(template_name="mail/message.html", context={"message": message})

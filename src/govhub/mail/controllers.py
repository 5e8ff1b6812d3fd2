"""The outbox for admins: every message, its state, and the mailbox when no SMTP is set."""

from __future__ import annotations

import re

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

__all__ = ["OutboxController", "hide_secret_links"]

HIDDEN = "[secret link hidden]"
_URL = re.compile(r"""(?:https?://|/)[^\s<>"']+""")
_PART = re.compile(r"[A-Za-z0-9_\-.~%]{20,}")
_SLUG = re.compile(r"[a-z0-9]{1,15}(?:-[a-z0-9]{1,15})*")


def _is_secret(part: str) -> bool:
    """A long run of token characters that is not a readable slug ("youth-congress-2027")."""
    return not _SLUG.fullmatch(part)


def _hide_in_url(match: re.Match) -> str:
    url = match.group(0)
    hidden = _PART.sub(lambda p: HIDDEN if _is_secret(p.group(0)) else p.group(0), url)
    return hidden


def hide_secret_links(text: str) -> str:
    """``text`` with the secret part of every link that carries one (reset, invitation,
    manage and feed links: a long random token) replaced, so an admin reading the outbox
    cannot use or leak someone else's live link. The rest of the address stays readable."""
    return _URL.sub(_hide_in_url, text or "")


def _shown_body(message: OutboxMessage) -> str:
    """What an admin may read of a message: its secret links hidden, unless no mail server is
    set up (a "kept" message): then the outbox is the only mailbox, and the admin is the one
    who hands the message to its person."""
    if message.state == MailState.kept:
        return message.text_body
    return hide_secret_links(message.text_body)


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
            template_name="mail/message.html",
            context={
                "message": message,
                "body": _shown_body(message),
                "done": shown,
            },
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

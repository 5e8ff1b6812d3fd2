"""A notice carried to the next page: "your change is saved; its emails will follow".

A change is saved before its jobs are handed to the queue (:func:`govhub.queue.hand_over`). When
the queue is away, the change stands and the sweeps queue its jobs later; the person who made it
is told so on the page they land on next, through a short-lived cookie that names one of the
fixed :data:`NOTICES` (nothing a visitor could put in it is ever shown).
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from govhub import queue
from govhub.i18n import N_, gettext

__all__ = ["NOTICES", "NOTICE_COOKIE", "NoticeMiddleware", "current_notice"]

NOTICE_COOKIE = "govhub_notice"
MAIL_DELAYED = "mail-delayed"
NOTICES = {
    MAIL_DELAYED: N_(
        "Your change is saved. The emails about it could not be handed to the mail service "
        "just now: they will go out by themselves as soon as it is back."
    ),
}
NOTICE_MAX_AGE = 600


def _sent_notice(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header carries no notice
                return ""
            morsel = cookie.get(NOTICE_COOKIE)
            return morsel.value if morsel and morsel.value in NOTICES else ""
    return ""


def _cookie(value: str, max_age: int) -> str:
    return f"{NOTICE_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"


def current_notice(state: dict) -> str:
    """The notice this page should show (translated), once; "" when there is none."""
    key = state.get("notice", "")
    if not key:
        return ""
    state["notice_shown"] = True
    return gettext(NOTICES[key])


class NoticeMiddleware:
    """Sets the notice cookie when a request's hand-over missed the queue; clears it once a
    page has shown it. Runs inside the security layer (its state carries the notice to the
    templates) and outside the page cache (which never keeps a page built with a notice)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if scope["method"] == "GET" and (sent := _sent_notice(scope)):
            state["notice"] = sent

        with queue.noting_missed_handovers() as missed:

            async def send_wrapper(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableScopeHeaders.from_message(message)
                    if missed:
                        headers.add("set-cookie", _cookie(MAIL_DELAYED, NOTICE_MAX_AGE))
                    elif state.get("notice_shown"):
                        headers.add("set-cookie", _cookie("", 0))
                await send(message)

            await self.app(scope, receive, send_wrapper)

"""The security layer every request passes through.

- loads the signed-in session (never adopting an unknown id) and rotates it when the
  user's privileges have changed;
- refuses every state-changing request without a CSRF token bound to that session
  (or, before sign-in, to a random cookie);
- adds security headers to every response, and ``Cache-Control: no-store`` to every
  response for a signed-in user, whose pages carry personal data.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from contextvars import ContextVar
from http.cookies import SimpleCookie

from litestar import Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from govhub import i18n
from govhub.accounts import sessions
from govhub.accounts.principal import load_principal
from govhub.accounts.secrets import sign
from govhub.governance.principal import ANONYMOUS
from govhub.settings import Settings

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AllowedHosts",
    "CSRFError",
    "SecurityMiddleware",
    "add_security_headers",
    "session_cookie",
]

logger = logging.getLogger(__name__)

SESSION_COOKIE = "govhub_session"
CSRF_COOKIE = "govhub_csrf"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


_request_state: ContextVar[dict | None] = ContextVar("govhub_request_state", default=None)


def current_request_state() -> dict:
    """The security layer's state for the request being handled (templates read it)."""
    return _request_state.get() or {}


class CSRFError(PermissionDeniedException):
    detail = (
        "This form has expired or was not sent from this site. Go back, reload the page "
        "and try again."
    )


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: headers for every response, error pages included."""
    if message["type"] != "http.response.start":
        return
    state = scope.get("state", {})
    headers = MutableScopeHeaders.from_message(message)
    headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    headers["x-content-type-options"] = "nosniff"
    headers["x-frame-options"] = "DENY"
    headers["referrer-policy"] = "same-origin"
    headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
    headers["cross-origin-opener-policy"] = "same-origin"
    if scope.get("scheme") == "https":
        headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
    if state.get("session") is not None or state.get("no_store"):
        headers["cache-control"] = "no-store"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.key = settings.resolved_secret_key()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request: Request = Request(scope, receive)
        https = scope.get("scheme") == "https"
        cookies_out: list[str] = []

        session = await sessions.load_session(request.cookies.get(SESSION_COOKIE, ""))
        if session is None and SESSION_COOKIE in request.cookies:
            cookies_out.append(self._cookie(SESSION_COOKIE, "", https, expire=True))
        if session is not None and session.stale_privileges:
            token = await sessions.rotate_session(session)
            session = await sessions.load_session(token)
            cookies_out.append(self._cookie(SESSION_COOKIE, token, https))

        anon = request.cookies.get(CSRF_COOKIE, "")
        if len(anon) < 32 or len(anon) > 100:
            anon = secrets.token_urlsafe(32)
            cookies_out.append(self._cookie(CSRF_COOKIE, anon, https))

        state = scope.setdefault("state", {})
        state["session"] = session
        state["principal"] = (
            await load_principal(session.user)
            if session and not session.row.mfa_pending
            else ANONYMOUS
        )
        state["csrf_token"] = self.csrf_token(session, anon)
        state["https"] = https

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and cookies_out:
                headers = MutableScopeHeaders.from_message(message)
                for cookie in cookies_out:
                    headers.add("set-cookie", cookie)
            await send(message)

        reset = _request_state.set(state)
        reset_locale = i18n.bind_locale_state(state)
        try:
            if scope["method"] not in SAFE_METHODS and not await self._csrf_ok(request, state):
                raise CSRFError()
            await self.app(scope, receive, send_wrapper)
        finally:
            i18n.unbind_locale_state(reset_locale)
            _request_state.reset(reset)

    def csrf_token(self, session: sessions.LoadedSession | None, anon: str) -> str:
        if session is not None:
            return sign(self.key, "csrf", "session", session.row.token_hash)
        return sign(self.key, "csrf", "anonymous", anon)

    async def _csrf_ok(self, request: Request, state: dict) -> bool:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                try:
                    form = await request.form()
                except HTTPException:
                    raise  # e.g. 413 for a body over the route's limit: say so, not "CSRF"
                except Exception:  # a malformed body is refused like a missing token
                    return False
                value = form.get(CSRF_FIELD, "")
                sent = value if isinstance(value, str) else ""
        return bool(sent) and hmac.compare_digest(sent, state["csrf_token"])

    def _cookie(self, name: str, value: str, secure: bool, *, expire: bool = False) -> str:
        return _cookie(name, value, secure or self.settings.env == "production", expire=expire)


def _cookie(name: str, value: str, secure: bool, *, expire: bool = False) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if secure:
        morsel["secure"] = True
    if expire:
        morsel["max-age"] = 0
    return morsel.OutputString()


def session_cookie(value: str, request: Request, *, expire: bool = False) -> Cookie:
    """The session cookie, for handlers that sign in or out."""
    settings = request.app.state.settings
    secure = request.scope["state"].get("https", False) or settings.env == "production"
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=0 if expire else None,
    )


class AllowedHosts:
    """Answer 400 to a request for any host name not in the list, whatever its port.

    (Litestar's own check compares the whole Host header, port included, so
    ``127.0.0.1:8000`` would not match ``127.0.0.1``.)
    """

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and "*" not in self.hosts:
            host = ""
            for name, value in scope.get("headers", []):
                if name == b"host":
                    host = value.decode("latin-1").lower()
                    break
            name = host[1:].split("]")[0] if host.startswith("[") else host.rsplit(":", 1)[0]
            if name not in self.hosts:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"x-content-type-options", b"nosniff"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b"Unknown host\n"})
                return
        await self.app(scope, receive, send)

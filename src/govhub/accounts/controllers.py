"""Signing in and out, two-factor, changing and resetting passwords."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated

import segno
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from govhub.accounts import links, ratelimit, services
from govhub.accounts.deps import RESET_LINK, ResetLink
from govhub.accounts.sessions import end_session, rotate_session, start_session
from govhub.accounts.tables import User
from govhub.audit.services import record
from govhub.calendar.feed_tokens import (
    ALARM_CHOICES,
    feed_alarm,
    feed_path,
    feed_token_for,
    regenerate_feed_token,
)
from govhub.i18n import N_, gettext
from govhub.mail.services import dispatch
from govhub.settings import get_settings
from govhub.web.clients import client_address
from govhub.web.forms import form_values, safe_next
from govhub.web.guards import Me, requires_sign_in
from govhub.web.security import SESSION_COOKIE, session_cookie

__all__ = ["AccountController"]

NextParam = Annotated[str | None, QueryParameter(name="next")]

SIGN_IN_ERROR = "Enter a correct email address and password"
DONE_MESSAGES = {
    "password-changed": "Your password has been changed. Other devices have been signed out.",
    "password-reset": "Your password has been saved. Sign in with it now.",
    "two-factor-on": "Two-factor authentication is on.",
    "signed-out": "You have signed out.",
    "feed-renewed": "Your calendar feed has a new address. The old address no longer works: "
    "subscribe to the new one in your calendar app.",
    "feed-reminder": N_(
        "Your calendar feed's reminder is saved. Calendar apps pick it up the next time they "
        "check the feed, usually within a few hours."
    ),
}


def _page(template: str, status_code: int = 200, *, headers=None, **context) -> Template:
    return Template(
        template_name=f"accounts/{template}",
        context=context,
        status_code=status_code,
        headers=headers,
    )


async def _account_page(
    user: User, principal, *, status_code: int = 200, errors=None, done=None
) -> Template:
    feed_url = get_settings().base_url + feed_path(await feed_token_for(user.id))
    return _page(
        "account.html",
        status_code,
        user=user,
        me=principal,
        errors=errors or {},
        done=done,
        feed_url=feed_url,
        feed_alarm=await feed_alarm(user.id),
        alarm_choices=[(minutes, gettext(text)) for minutes, text in ALARM_CHOICES.items()],
    )


def _wait_words(retry_after: dt.timedelta) -> str:
    seconds = max(1, math.ceil(retry_after.total_seconds()))
    if seconds < 120:
        message = gettext("Too many attempts. Wait %(seconds)s seconds, then try again.")
        return message % {"seconds": seconds}
    message = gettext("Too many attempts. Wait %(minutes)s minutes, then try again.")
    return message % {"minutes": math.ceil(seconds / 60)}


def _too_many_page(template: str, verdict: ratelimit.Verdict, field: str, **context) -> Template:
    seconds = max(1, math.ceil(verdict.retry_after.total_seconds()))
    return _page(
        template,
        429,
        headers={"Retry-After": str(seconds)},
        errors={field: _wait_words(verdict.retry_after)},
        **context,
    )


async def _sign_in_turn(email: str, address: str) -> ratelimit.Verdict:
    """May this sign-in attempt go on? Counted per client, then for this account from this
    client (growing waits), then for this account from anywhere (spaced out, never locked)."""
    verdict = await ratelimit.hit(ratelimit.SIGN_IN_FROM_ADDRESS, f"ip:{address}")
    if verdict.allowed:
        verdict = await ratelimit.take_turn(ratelimit.SIGN_IN_PAIR, f"{email}|{address}")
    if verdict.allowed:
        verdict = await ratelimit.take_turn(ratelimit.SIGN_IN_ACCOUNT, email)
    return verdict


def _dead_link_page(problem: links.LinkProblem) -> Template:
    status = 404 if problem is links.LinkProblem.unknown else 410
    return _page("password_reset_link_dead.html", status, problem=problem.value)


class AccountController(Controller):
    include_in_schema = False

    @get("/sign-in", name="sign_in")
    async def sign_in_form(
        self, next_: NextParam = None, done: FromQuery[str | None] = None
    ) -> Template:
        return _page(
            "sign_in.html",
            values={},
            errors={},
            next=safe_next(next_),
            done=DONE_MESSAGES.get(done or ""),
        )

    @post("/sign-in")
    async def sign_in(self, request: Request) -> Template | Redirect:
        values = await form_values(request, "email", "password", "next")
        target = safe_next(values["next"])
        email = services.normalise_email(values["email"])
        errors = {}
        if not email:
            errors["email"] = "Enter your email address"
        if not values["password"]:
            errors["password"] = "Enter your password"  # noqa: S105 (a message, not a secret)
        if errors:
            return _page("sign_in.html", 400, values=values, errors=errors, next=target, done=None)
        if not services.could_be_an_address(email):  # no account has it: nothing to count
            return _page(
                "sign_in.html",
                400,
                values=values,
                next=target,
                done=None,
                errors={"email": SIGN_IN_ERROR},
            )
        address = client_address(request)
        verdict = await _sign_in_turn(email, address)
        if not verdict.allowed:
            return _too_many_page(
                "sign_in.html", verdict, "email", values=values, next=target, done=None
            )
        user = await services.authenticate(email, values["password"])
        if user is None:
            return _page(
                "sign_in.html",
                400,
                values=values,
                next=target,
                done=None,
                errors={"email": SIGN_IN_ERROR},
            )
        await ratelimit.forget(ratelimit.SIGN_IN_PAIR, f"{email}|{address}")
        if old := request.cookies.get(SESSION_COOKIE):
            await end_session(old)  # whatever session came in, it is not the one going out
        token = await start_session(user, mfa_pending=user.totp_enabled)
        await User.update({User.last_sign_in_at: dt.datetime.now(dt.UTC)}).where(User.id == user.id)
        if user.totp_enabled:
            destination = f"{request.app.route_reverse('sign_in_code')}?next={target}"
        elif user.is_admin:
            destination = f"{request.app.route_reverse('two_factor')}?required=1"
        else:
            destination = target
        return Redirect(destination, status_code=303, cookies=[session_cookie(token, request)])

    @get("/sign-in/code", name="sign_in_code")
    async def code_form(self, request: Request, next_: NextParam = None) -> Template | Redirect:
        if request.scope["state"].get("session") is None:
            return Redirect(request.app.route_reverse("sign_in"), status_code=303)
        return _page("two_factor_code.html", errors={}, next=safe_next(next_))

    @post("/sign-in/code")
    async def code(self, request: Request) -> Template | Redirect:
        session = request.scope["state"].get("session")
        if session is None or not session.row.mfa_pending:
            return Redirect(request.app.route_reverse("sign_in"), status_code=303)
        values = await form_values(request, "code", "next")
        target = safe_next(values["next"])
        verdict = await ratelimit.hit(ratelimit.TWO_FACTOR, f"account:{session.user.id}")
        if not verdict.allowed:
            return _too_many_page("two_factor_code.html", verdict, "code", next=target)
        if not await services.verify_two_factor(session.user, values["code"]):
            return _page(
                "two_factor_code.html",
                400,
                next=target,
                errors={"code": "Enter the 6-digit code shown in your authenticator app now"},
            )
        token = await rotate_session(session, mfa_pending=False)
        return Redirect(target, status_code=303, cookies=[session_cookie(token, request)])

    @post("/sign-out", name="sign_out")
    async def sign_out(self, request: Request) -> Redirect:
        if token := request.cookies.get(SESSION_COOKIE):
            await end_session(token)
        return Redirect(
            f"{request.app.route_reverse('sign_in')}?done=signed-out",
            status_code=303,
            cookies=[session_cookie("", request, expire=True)],
        )

    @get("/account", name="account", guards=[requires_sign_in])
    async def account(
        self, request: Request, principal: Me, done: FromQuery[str | None] = None
    ) -> Template:
        user = request.scope["state"]["session"].user
        return await _account_page(user, principal, done=DONE_MESSAGES.get(done or ""))

    @post("/account/calendar-feed", name="renew_feed", guards=[requires_sign_in])
    async def renew_feed(self, request: Request, principal: Me) -> Redirect:
        """A new secret address for the personal feed, for when the old one was shared."""
        user = request.scope["state"]["session"].user
        await regenerate_feed_token(user.id)
        await record(principal, "calendar.feed_renewed", user, summary="New calendar feed address")
        url = request.app.route_reverse("account")
        return Redirect(f"{url}?done=feed-renewed#calendar-feed", status_code=303)

    @post("/account/password", name="change_password", guards=[requires_sign_in])
    async def change_password(self, request: Request, principal: Me) -> Template | Redirect:
        session = request.scope["state"]["session"]
        values = await form_values(request, "current_password", "new_password", "confirm_password")
        try:
            await services.change_password(
                session.user,
                values["current_password"],
                values["new_password"],
                values["confirm_password"],
                keep_token=session.token,
            )
        except services.AccountError as error:
            return await _account_page(
                session.user, principal, status_code=400, errors={error.field: error.message}
            )
        url = request.app.route_reverse("account")
        return Redirect(f"{url}?done=password-changed", status_code=303)

    @get("/account/two-factor", name="two_factor", guards=[requires_sign_in])
    async def two_factor_setup(
        self, request: Request, required: FromQuery[str | None] = None
    ) -> Template:
        user = request.scope["state"]["session"].user
        secret = user.totp_secret if user.totp_secret and not user.totp_enabled else None
        if secret is None and not user.totp_enabled:
            secret = await services.begin_two_factor(user)
        return self._two_factor_page(user, secret, errors={}, required=bool(required))

    def _two_factor_page(
        self, user, secret, *, errors, required=False, status_code=200
    ) -> Template:
        qr = None
        if secret:
            qr = segno.make(services.totp_uri(user, secret), error="m").svg_inline(
                scale=4, title="QR code for your authenticator app"
            )
        return _page(
            "two_factor_setup.html",
            status_code,
            user=user,
            secret=secret,
            qr=qr,
            errors=errors,
            required=required,
        )

    @post("/account/two-factor", guards=[requires_sign_in])
    async def two_factor_confirm(self, request: Request) -> Template | Redirect:
        session = request.scope["state"]["session"]
        user = await User.objects().where(User.id == session.user.id).first()
        values = await form_values(request, "code")
        if user.totp_enabled:
            return Redirect(request.app.route_reverse("account"), status_code=303)
        if not await services.verify_two_factor(user, values["code"], enable=True):
            return self._two_factor_page(
                user,
                user.totp_secret,
                status_code=400,
                errors={"code": "Enter the 6-digit code shown in your authenticator app now"},
            )
        # Privileges just changed (an admin becomes one in full): a new session id.
        session.user.privilege_version += 1
        token = await rotate_session(session)
        return Redirect(
            f"{request.app.route_reverse('account')}?done=two-factor-on",
            status_code=303,
            cookies=[session_cookie(token, request)],
        )

    @get("/password-reset", name="password_reset")
    async def reset_request_form(self) -> Template:
        return _page("password_reset_request.html", values={}, errors={})

    @post("/password-reset")
    async def reset_request(self, request: Request) -> Template:
        values = await form_values(request, "email")
        email = services.normalise_email(values["email"])
        if not services.could_be_an_address(email):
            return _page(
                "password_reset_request.html",
                400,
                values=values,
                errors={
                    "email": "Enter an email address in the correct format, like name@example.org"
                },
            )
        verdict = await ratelimit.hit(ratelimit.RESET, f"ip:{client_address(request)}")
        if not verdict.allowed:
            return _too_many_page("password_reset_request.html", verdict, "email", values=values)
        # Past the limit for one address, say the same but send nothing more: anyone may type
        # it, so a refusal would let them stop its owner asking for a link.
        if (await ratelimit.hit(ratelimit.RESET, f"account:{email}")).allowed and (
            message := await services.request_password_reset(email)
        ) is not None:
            await dispatch(message)
        # The same page whether or not the address has an account (and the same work: see
        # links.request_password_reset).
        return _page("password_reset_sent.html", email=email)

    @get("/password-reset/{token:str}", name="password_reset_link", dependencies=RESET_LINK)
    async def reset_form(self, token: FromPath[str], reset_link: ResetLink) -> Template:
        if reset_link.problem is not None:
            return _dead_link_page(reset_link.problem)
        return _page("password_reset.html", token=token, errors={})

    @post("/password-reset/{token:str}")
    async def reset(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        values = await form_values(request, "new_password", "confirm_password")
        try:
            await services.reset_password(token, values["new_password"], values["confirm_password"])
        except links.LinkRefused as refused:
            return _dead_link_page(refused.problem)
        except services.AccountError as error:
            return _page(
                "password_reset.html", 400, token=token, errors={error.field: error.message}
            )
        url = request.app.route_reverse("sign_in")
        return Redirect(f"{url}?done=password-reset", status_code=303)

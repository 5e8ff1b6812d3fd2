"""Account rules: signing in, passwords, reset links, two-factor codes, creating admins."""

from __future__ import annotations

import hmac
import time

import pyotp

from govhub.accounts import links
from govhub.accounts import secrets as sec
from govhub.accounts.links import invite_user, request_password_reset
from govhub.accounts.sessions import end_all_sessions
from govhub.accounts.tables import User
from govhub.audit.services import record
from govhub.governance.tables import Person
from govhub.validation import valid_email

__all__ = [
    "AccountError",
    "authenticate",
    "begin_two_factor",
    "change_password",
    "could_be_an_address",
    "create_user",
    "invite_user",
    "normalise_email",
    "request_password_reset",
    "reset_password",
    "totp_uri",
    "verify_two_factor",
]


class AccountError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def could_be_an_address(email: str) -> bool:
    """Worth looking up: one ``@``, fits the column, no spaces or control characters."""
    return (
        email.count("@") == 1
        and len(email) <= 254
        and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in email)
    )


async def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; the same work either way."""
    user = await User.objects().where(User.email == normalise_email(email)).first()
    ok = sec.check_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.is_active else None


async def create_user(*, name: str, email: str, password: str, is_admin: bool = False) -> User:
    """An account for a person (found by email, or created)."""
    email = normalise_email(email)
    if not valid_email(email):
        raise AccountError(
            "email", "Enter an email address in the correct format, like name@example.org"
        )
    if problem := sec.password_problem(password):
        raise AccountError("password", problem)
    async with User._meta.db.transaction():
        person = await Person.objects().where(Person.email == email).first()
        if person is None:
            person = Person(name=name, email=email)
            await person.save()
        user = await User.objects().where(User.email == email).first()
        if user is None:
            user = User(person=person.id, email=email)
        user.password_hash = sec.hash_password(password)
        user.is_admin = user.is_admin or is_admin
        user.privilege_version = (user.privilege_version or 0) + 1
        user.link_generation = (user.link_generation or 0) + 1  # older links stop working
        await user.save()
    return user


async def change_password(
    user: User, current: str, new: str, confirm: str, *, keep_token: str
) -> None:
    if not sec.check_password(user.password_hash, current):
        raise AccountError("current_password", "Your current password is not right")
    _check_new_password(new, confirm)
    async with User._meta.db.transaction():
        await User.update({User.password_hash: sec.hash_password(new)}).where(User.id == user.id)
        await links.end_links(user.id)  # a reset or invitation link sent before stops working
        await end_all_sessions(user.id, keep_token=keep_token)
        await record(None, "account.password_changed", user, summary=user.email, actor_id=user.id)


def _check_new_password(new: str, confirm: str) -> None:
    if problem := sec.password_problem(new):
        raise AccountError("new_password", problem)
    if new != confirm:
        raise AccountError("confirm_password", "The passwords do not match")


async def reset_password(token: str, new: str, confirm: str) -> User:
    """Set a new password through an emailed link (raises :class:`links.LinkRefused`)."""
    check = await links.check_link(token)
    if check.problem is not None:
        raise links.LinkRefused(check.problem)
    _check_new_password(new, confirm)
    return await links.use_link(check.row, sec.hash_password(new))


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="govhub")


async def begin_two_factor(user: User) -> str:
    """A new secret for an authenticator app; not in force until a code confirms it."""
    secret = pyotp.random_base32()
    await User.update({User.totp_secret: secret, User.totp_enabled: False}).where(
        User.id == user.id
    )
    return secret


async def verify_two_factor(user: User, code: str, *, enable: bool = False) -> bool:
    """Check a six-digit code; each code works once. ``enable`` turns two-factor on."""
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    for offset in (0, -1, 1):  # one step of clock drift either way
        step = int(now // totp.interval) + offset
        if step > (user.totp_last_step or 0) and hmac.compare_digest(
            totp.at(step * totp.interval), code
        ):
            return await _accept_step(user, step, enable=enable)
    return False


async def _accept_step(user: User, step: int, *, enable: bool) -> bool:
    """Record ``step`` as used, only if no code of it (or later) was accepted before: of two
    sessions (or processes) racing with one code, the database lets exactly one through."""
    values = {User.totp_last_step: step}
    if enable:
        values.update({User.totp_enabled: True, User.privilege_version: User.privilege_version + 1})
    accepted = (
        await User.update(values)
        .where(
            (User.id == user.id) & ((User.totp_last_step < step) | User.totp_last_step.is_null())
        )
        .returning(User.id)
    )
    return bool(accepted)

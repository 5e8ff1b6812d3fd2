"""Account rules: signing in, passwords, reset links, two-factor codes, creating admins."""

from __future__ import annotations

import datetime as dt
import time

import pyotp

from govhub.accounts import secrets as sec
from govhub.accounts.sessions import end_all_sessions
from govhub.accounts.tables import PasswordResetToken, User
from govhub.audit.services import record
from govhub.governance.tables import Person
from govhub.mail.services import queue_mail
from govhub.mail.tables import OutboxMessage
from govhub.validation import valid_email

__all__ = [
    "RESET_LINK_LIFETIME",
    "AccountError",
    "authenticate",
    "begin_two_factor",
    "change_password",
    "create_user",
    "find_reset_token",
    "invite_user",
    "normalise_email",
    "request_password_reset",
    "reset_password",
    "totp_uri",
    "verify_two_factor",
]

RESET_LINK_LIFETIME = dt.timedelta(hours=1)


class AccountError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


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
        await end_all_sessions(user.id, keep_token=keep_token)
        await record(None, "account.password_changed", user, summary=user.email, actor_id=user.id)


def _check_new_password(new: str, confirm: str) -> None:
    if problem := sec.password_problem(new):
        raise AccountError("new_password", problem)
    if new != confirm:
        raise AccountError("confirm_password", "The passwords do not match")


async def request_password_reset(email: str) -> OutboxMessage | None:
    """Make a single-use link and queue it by email; returns the outbox row to dispatch.

    Returns None when there is no such account: the caller says the same thing either way.
    """
    user = (
        await User.objects()
        .where((User.email == normalise_email(email)) & User.is_active.eq(True))
        .first()
    )
    if user is None:
        return None
    token = sec.new_token()
    now = dt.datetime.now(dt.UTC)
    async with User._meta.db.transaction():
        await PasswordResetToken.insert(
            PasswordResetToken(
                token_hash=sec.hash_token(token),
                user=user.id,
                created_at=now,
                expires_at=now + RESET_LINK_LIFETIME,
            )
        )
        message = await queue_mail(
            to=user.email,
            template="password_reset",
            kind="password_reset",
            context={"token": token, "minutes": 60},
        )
    return message


INVITE_LINK_LIFETIME = dt.timedelta(days=7)


async def invite_user(actor, person: Person) -> OutboxMessage:
    """Give a person an account (if they have none) and email them a link to choose a password.

    Returns the outbox row to dispatch after the transaction commits.
    """
    token = sec.new_token()
    now = dt.datetime.now(dt.UTC)
    async with User._meta.db.transaction():
        user = await User.objects().where(User.person == person.id).first()
        if user is None:
            user = User(person=person.id, email=normalise_email(person.email), password_hash="")
            await user.save()
            await record(
                actor,
                "account.created",
                user,
                summary=person.name,
                after={"email": user.email, "person": person.id},
            )
        await PasswordResetToken.insert(
            PasswordResetToken(
                token_hash=sec.hash_token(token),
                user=user.id,
                created_at=now,
                expires_at=now + INVITE_LINK_LIFETIME,
            )
        )
        message = await queue_mail(
            to=user.email,
            template="account_invite",
            kind="invite",
            context={"token": token, "name": person.name, "days": 7},
        )
        await record(actor, "account.invited", user, summary=person.name)
    return message


async def find_reset_token(token: str) -> PasswordResetToken | None:
    """The unused, unexpired reset token for a link, or None."""
    if not token or len(token) > 100:
        return None
    row = (
        await PasswordResetToken.objects()
        .where(PasswordResetToken.token_hash == sec.hash_token(token))
        .first()
    )
    if row is None or row.used_at is not None or row.expires_at < dt.datetime.now(dt.UTC):
        return None
    return row


async def reset_password(token: str, new: str, confirm: str) -> User:
    row = await find_reset_token(token)
    if row is None:
        raise AccountError("token", "This link has expired or has already been used")
    _check_new_password(new, confirm)
    async with User._meta.db.transaction():
        # Claim the token first: a second use of the same link changes nothing.
        claimed = (
            await PasswordResetToken.update({PasswordResetToken.used_at: dt.datetime.now(dt.UTC)})
            .where((PasswordResetToken.id == row.id) & PasswordResetToken.used_at.is_null())
            .returning(PasswordResetToken.id)
        )
        if not claimed:
            raise AccountError("token", "This link has expired or has already been used")
        await User.update({User.password_hash: sec.hash_password(new)}).where(User.id == row.user)
        await end_all_sessions(row.user)
        user = await User.objects().where(User.id == row.user).first()
        await record(None, "account.password_reset", user, summary=user.email, actor_id=user.id)
    return user


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
        if step > (user.totp_last_step or 0) and totp.at(step * totp.interval) == code:
            values = {User.totp_last_step: step}
            if enable:
                values.update(
                    {User.totp_enabled: True, User.privilege_version: User.privilege_version + 1}
                )
            await User.update(values).where(User.id == user.id)
            return True
    return False

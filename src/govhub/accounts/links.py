"""Emailed links to choose a password (a reset, or an invitation): each works once, and only
the newest one works.

Every user has a link generation. Making a link, using one and changing the password each move
it on, and a link works only while its generation is the user's current one: so a newer link
or a password change ends every older link. Using a link moves the generation on with a
conditional update, so of two uses racing (two tabs, two web processes) exactly one wins.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from govhub.accounts import secrets as sec
from govhub.accounts.sessions import end_all_sessions
from govhub.accounts.tables import PasswordResetToken, User
from govhub.audit.services import record
from govhub.governance.tables import Person
from govhub.mail.services import queue_mail
from govhub.mail.tables import OutboxMessage

__all__ = [
    "INVITE_LINK_LIFETIME",
    "RESET_LINK_LIFETIME",
    "LinkCheck",
    "LinkProblem",
    "LinkRefused",
    "check_link",
    "end_links",
    "invite_user",
    "request_password_reset",
    "use_link",
]

RESET_LINK_LIFETIME = dt.timedelta(hours=1)
INVITE_LINK_LIFETIME = dt.timedelta(days=7)


class LinkProblem(enum.StrEnum):
    unknown = "unknown"
    expired = "expired"
    used = "used"
    replaced = "replaced"  # a newer link was sent, or the password changed since


@dataclass(frozen=True)
class LinkCheck:
    row: PasswordResetToken | None
    problem: LinkProblem | None


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


async def end_links(user_id: int) -> None:
    """End every link the user has been sent (call inside the password change's transaction)."""
    await User.update({User.link_generation: User.link_generation + 1}).where(User.id == user_id)


async def _new_link(user_id: int, token: str, lifetime: dt.timedelta) -> None:
    """Store ``token`` as the user's one working link (inside a transaction)."""
    rows = (
        await User.update({User.link_generation: User.link_generation + 1})
        .where(User.id == user_id)
        .returning(User.link_generation)
    )
    now = dt.datetime.now(dt.UTC)
    await PasswordResetToken.insert(
        PasswordResetToken(
            token_hash=sec.hash_token(token),
            user=user_id,
            created_at=now,
            expires_at=now + lifetime,
            generation=rows[0]["link_generation"],
        )
    )


class _NoAccount(Exception):
    """Raised to roll back the look-alike work done for an address with no account."""


async def request_password_reset(email: str) -> OutboxMessage | None:
    """Make a reset link and queue it by email; returns the outbox row to dispatch after commit.

    For an address with no active account the same work is done (a token made and hashed, the
    email rendered and written) in a transaction that is then rolled back, and None is returned:
    the answer takes the same path and time, and nothing is left to see.
    """
    user = await User.objects().where((User.email == email) & User.is_active.eq(True)).first()
    token = sec.new_token()
    try:
        async with User._meta.db.transaction():
            if user is not None:
                await _new_link(user.id, token, RESET_LINK_LIFETIME)
            else:  # the same statements' work, on no row
                await end_links(-1)
                sec.hash_token(token)
            message = await queue_mail(
                to=user.email if user else email,
                template="password_reset",
                kind="password_reset",
                context={"token": token, "minutes": 60},
            )
            if user is None:
                raise _NoAccount
    except _NoAccount:
        return None
    return message


async def invite_user(actor, person: Person) -> OutboxMessage:
    """Give a person an account (if they have none) and email them a link to choose a password;
    any earlier invitation or reset link stops working.

    Returns the outbox row to dispatch after the transaction commits.
    """
    token = sec.new_token()
    async with User._meta.db.transaction():
        user = await User.objects().where(User.person == person.id).first()
        if user is None:
            user = User(person=person.id, email=person.email.strip().lower(), password_hash="")
            await user.save()
            await record(
                actor,
                "account.created",
                user,
                summary=person.name,
                after={"email": user.email, "person": person.id},
            )
        await _new_link(user.id, token, INVITE_LINK_LIFETIME)
        message = await queue_mail(
            to=user.email,
            template="account_invite",
            kind="invite",
            context={"token": token, "name": person.name, "days": 7},
        )
        await record(actor, "account.invited", user, summary=person.name)
    return message


async def check_link(token: str) -> LinkCheck:
    """The link's row if it works now, or why it does not."""
    if not token or len(token) > 100:
        return LinkCheck(None, LinkProblem.unknown)
    row = (
        await PasswordResetToken.objects()
        .where(PasswordResetToken.token_hash == sec.hash_token(token))
        .first()
    )
    if row is None:
        return LinkCheck(None, LinkProblem.unknown)
    current = await User.select(User.link_generation).where(User.id == row.user).first()
    if row.used_at is not None:
        return LinkCheck(row, LinkProblem.used)
    if current is None or current["link_generation"] != row.generation:
        return LinkCheck(row, LinkProblem.replaced)
    if row.expires_at < dt.datetime.now(dt.UTC):
        return LinkCheck(row, LinkProblem.expired)
    return LinkCheck(row, None)


async def use_link(row: PasswordResetToken, password_hash: str) -> User:
    """Set the password through a checked link: the link, and every other, is used up.

    Raises :class:`LinkRefused` when another use (or a newer link) got there first.
    """
    async with User._meta.db.transaction():
        claimed = (
            await User.update(
                {
                    User.password_hash: password_hash,
                    User.link_generation: User.link_generation + 1,
                }
            )
            .where((User.id == row.user) & (User.link_generation == row.generation))
            .returning(User.id)
        )
        if not claimed:
            raise LinkRefused(LinkProblem.used)
        await PasswordResetToken.update(
            {PasswordResetToken.used_at: dt.datetime.now(dt.UTC)}
        ).where(PasswordResetToken.id == row.id)
        await end_all_sessions(row.user)
        user = await User.objects().where(User.id == row.user).first()
        await record(None, "account.password_reset", user, summary=user.email, actor_id=user.id)
    return user

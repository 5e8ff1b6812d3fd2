"""A signed-in user's :class:`~govhub.governance.principal.Principal`: what their current
memberships and admin flag let them do today."""

from __future__ import annotations

from govhub import clock
from govhub.governance.principal import ANONYMOUS, Principal
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Person, Role

# ANONYMOUS and Principal moved to govhub.governance.principal; named here until the other
# areas' branches in flight import them from there.
__all__ = ["ANONYMOUS", "Principal", "load_principal"]


async def load_principal(user) -> Principal:
    """Roles follow current memberships: an ended term gives nothing."""
    today = clock.today()
    rows = await Membership.select(
        Membership.body, Membership.role, Membership.start_date, Membership.end_date
    ).where(Membership.person == user.person)
    current = [r for r in rows if is_current(_Term(r), today)]
    person = await Person.select(Person.name).where(Person.id == user.person).first()
    return Principal(
        user_id=user.id,
        person_id=user.person,
        name=person["name"] if person else user.email,
        email=user.email,
        # Admin rights need a second factor: an admin who has not set one up is not an admin yet.
        is_admin=bool(user.is_admin and user.totp_enabled),
        member_of=frozenset(r["body"] for r in current),
        secretary_of=frozenset(r["body"] for r in current if r["role"] == Role.secretary),
    )


class _Term:
    def __init__(self, row: dict) -> None:
        self.start_date = row["start_date"]
        self.end_date = row["end_date"]

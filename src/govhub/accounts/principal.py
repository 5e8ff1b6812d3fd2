"""Who is asking, and what their memberships and admin flag let them do today."""

from __future__ import annotations

from dataclasses import dataclass, field

from govhub import clock
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Person, Role

__all__ = ["ANONYMOUS", "Principal", "load_principal"]


@dataclass(frozen=True)
class Principal:
    user_id: int | None = None
    person_id: int | None = None
    name: str = ""
    email: str = ""
    is_admin: bool = False
    member_of: frozenset[int] = field(default_factory=frozenset)
    secretary_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def can_see_body(self, body) -> bool:
        """Public bodies for everyone; others for their members and admins."""
        return bool(body.is_public) or self.is_admin or body.id in self.member_of

    def can_manage_body(self, body_id: int) -> bool:
        """A body's secretary, and admins, change its memberships, meetings and minutes."""
        return self.is_admin or body_id in self.secretary_of

    def is_member_of(self, body_id: int) -> bool:
        return self.is_admin or body_id in self.member_of


ANONYMOUS = Principal()


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

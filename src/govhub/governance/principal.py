"""Who is asking, and what they may see and manage: a plain value built from memberships.

The governance tree decides who may see or run a body, so the value lives here, below the
areas that ask it; :func:`govhub.accounts.principal.load_principal` builds it for a user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ANONYMOUS", "Principal"]


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

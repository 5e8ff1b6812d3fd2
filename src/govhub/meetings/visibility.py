"""Who may see which part of the record, as query conditions: applied where rows are fetched.

One rule per kind of thing. Every page, pack, feed, search, export and email that lists such
rows reads through these, so a template never has to remember to hide anything. What the public
may read of a meeting's record is what a council would publish: public meetings of public
bodies, approved minutes, and nothing from an exempt (confidential) item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govhub.meetings.tables import Action, MinutesState

if TYPE_CHECKING:
    from govhub.accounts.principal import Principal

__all__ = ["visible_actions"]


def visible_actions(viewer: Principal, body_id: int) -> Any:
    """Actions of ``body_id`` that ``viewer`` may see.

    The body's members (and admins) see them all. Anyone else sees only actions recorded in
    approved minutes of a public meeting, on an item that is not exempt.
    """
    mine = Action.body == body_id
    if viewer.is_member_of(body_id):
        return mine
    return (
        mine
        & (Action.meeting.is_public == True)  # noqa: E712 (a column comparison, not a bool)
        & (Action.meeting.body.is_public == True)  # noqa: E712
        & (Action.meeting.minutes_state == MinutesState.approved)
        & ((Action.item.is_null()) | (Action.item.is_confidential == False))  # noqa: E712
    )

"""One row per change made by staff.

The audit log sits below accounts (accounts record their changes here), so the actor's account
table is named by a lazy reference rather than imported: the log keeps only the user's id, and
the foreign key still holds it to a real account.
"""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from govhub.governance.tables import Body

__all__ = ["AuditEntry"]


class AuditEntry(Table):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(
        LazyTableReference("User", module_path="govhub.accounts.tables"),
        null=True,
        default=None,
        index=True,
        on_delete=OnDelete.restrict,
    )
    actor_name = Varchar(length=200, default="")  # kept if the account goes
    action = Varchar(length=80, required=True)  # dotted: "membership.ended"
    object_type = Varchar(length=40, required=True)
    object_id = Integer(null=True, default=None)
    summary = Varchar(length=300, default="")
    body = ForeignKey(Body, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)

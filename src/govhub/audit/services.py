"""Recording a change: call inside the transaction that makes it."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from govhub.audit.tables import AuditEntry
from govhub.governance.principal import Principal

__all__ = ["record", "snapshot"]


def snapshot(row: Any, *fields: str) -> dict[str, Any]:
    """A JSON-safe copy of a row's fields, for ``before`` and ``after``."""
    names = fields or [c._meta.name for c in row._meta.columns if not c._meta.secret]
    return {
        name: _plain(getattr(row, name))
        for name in names
        if name not in {"password_hash", "totp_secret"}
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "id") and hasattr(value, "_meta"):
        return value.id
    return value


async def record(
    actor: Principal | None,
    action: str,
    obj: Any,
    *,
    summary: str = "",
    body_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    actor_id: int | None = None,
) -> None:
    """One audit entry: who (``actor``), what (``action`` on ``obj``), the values around it."""
    await AuditEntry.insert(
        AuditEntry(
            actor=actor.user_id if actor else actor_id,
            actor_name=(actor.name if actor else "") or "",
            action=action,
            object_type=type(obj).__name__.lower(),
            object_id=getattr(obj, "id", None),
            summary=summary[:300],
            body=body_id,
            before=before,
            after=after,
        )
    )

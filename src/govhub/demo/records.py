"""Finding or making one demo row by its stable key; never changing a row that exists."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from govhub.demo.tables import DemoRecord

__all__ = ["Made", "ensure", "known"]


class Made:
    """What :func:`ensure` did: the row's id (None when someone deleted it) and whether it is
    new, so the caller sets what only a new row should get (a parent, a published agenda)."""

    __slots__ = ("created", "id")

    def __init__(self, row_id: int | None, created: bool) -> None:
        self.id, self.created = row_id, created


async def ensure(
    key: str, table: type[Table], natural: dict[Any, Any], values: dict[Any, Any]
) -> Made:
    """The demo's row for ``key``: left as it is if the demo made it before (whatever an admin
    has changed since), not brought back if someone deleted it; otherwise the row matching
    ``natural`` (seeded before the demo kept records) or a new one made of ``natural`` and
    ``values``."""
    record = await DemoRecord.select(DemoRecord.row_id).where(DemoRecord.key == key).first()
    if record is not None:
        alive = await table.exists().where(table.id == record["row_id"])
        return Made(record["row_id"] if alive else None, False)
    row = await table.select(table.id).where(_matching(natural)).first()
    created = row is None
    if created:
        inserted = await table.insert(
            table(**{c._meta.name: v for c, v in {**natural, **values}.items()})
        )
        row_id = inserted[0]["id"]
    else:
        row_id = row["id"]
    await DemoRecord.insert(DemoRecord(key=key, table_name=table._meta.tablename, row_id=row_id))
    return Made(row_id, created)


async def known(key: str, table: type[Table]) -> int | None:
    """The id of the demo's row for ``key``, if it made one and it is still there."""
    record = await DemoRecord.select(DemoRecord.row_id).where(DemoRecord.key == key).first()
    if record is None or not await table.exists().where(table.id == record["row_id"]):
        return None
    return record["row_id"]


def _matching(natural: dict[Any, Any]) -> Any:
    where = None
    for column, value in natural.items():
        clause = column.is_null() if value is None else column == value
        where = clause if where is None else where & clause
    return where

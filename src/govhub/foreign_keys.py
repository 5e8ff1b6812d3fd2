"""Make the database's foreign keys do on delete (and on update) what the tables say.

Piccolo's migrations change a foreign key's ``ON DELETE`` on PostgreSQL only. SQLite keeps it in
the table's ``CREATE TABLE`` and cannot alter it, so there each table concerned is rebuilt the
way SQLite's manual says (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys
off, a new table made from the table's definition and filled, the old one dropped and the new one
renamed, its indexes and triggers made again, every foreign key checked, all in one transaction.
On PostgreSQL each constraint is replaced, under its own name, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

__all__ = ["align_foreign_keys"]

Wanted = dict[tuple[str, str], tuple[str, str, str, str]]
"""(table, column) -> (ON DELETE, ON UPDATE, referenced table, referenced column)."""


def wanted_actions(tables: Iterable[type[Table]]) -> Wanted:
    wanted: Wanted = {}
    for table in tables:
        for column in table._meta.foreign_key_columns:
            meta = column._foreign_key_meta
            wanted[(table._meta.tablename, column._meta.db_column_name)] = (
                meta.on_delete.value,
                meta.on_update.value,
                meta.resolved_references._meta.tablename,
                meta.resolved_target_column._meta.db_column_name,
            )
    return wanted


async def align_foreign_keys(
    engine: Engine, tables: Sequence[type[Table]], *, then: Sequence[str] = ()
) -> list[str]:
    """Give each foreign key of ``tables`` the actions its column declares; run ``then`` (more
    statements) in the same transaction. Returns the ``table.column`` changed, in table order."""
    if isinstance(engine, PostgresEngine):
        return await _align_on_postgres(engine, wanted_actions(tables), then)
    if isinstance(engine, SQLiteEngine):
        return await _align_on_sqlite(engine, tables, then)
    raise NotImplementedError(f"foreign keys on {type(engine).__name__}")


# PostgreSQL

_PG_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}

_PG_FOREIGN_KEYS = """
SELECT con.conname AS name, cl.relname AS "table", att.attname AS "column",
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
FROM pg_constraint con
JOIN pg_class cl ON cl.oid = con.conrelid
JOIN pg_namespace ns ON ns.oid = cl.relnamespace
JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
WHERE con.contype = 'f' AND ns.nspname = current_schema()
"""


async def _align_on_postgres(engine: PostgresEngine, wanted: Wanted, then: Sequence[str]):
    changed = []
    async with engine.transaction():
        for row in await engine.run_ddl(_PG_FOREIGN_KEYS):
            key = (row["table"], row["column"])
            if key not in wanted:
                continue
            on_delete, on_update, parent, target = wanted[key]
            now = (_PG_ACTIONS[row["on_delete"]], _PG_ACTIONS[row["on_update"]])
            if now == (on_delete, on_update):
                continue
            table, column, name = key[0], key[1], row["name"]
            await engine.run_ddl(
                f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}", '
                f'ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
                f'REFERENCES "{parent}" ("{target}") '
                f"ON DELETE {on_delete} ON UPDATE {on_update}"
            )
            changed.append(f"{table}.{column}")
        for statement in then:
            await engine.run_ddl(statement)
    return sorted(changed)


# SQLite


async def _align_on_sqlite(
    engine: SQLiteEngine, tables: Sequence[type[Table]], then: Sequence[str]
) -> list[str]:
    wanted = wanted_actions(tables)
    # A connection of its own: foreign keys can only be turned off outside a transaction, and
    # must be (with them on, dropping the old table would run its children's ON DELETE).
    connection = await engine.get_connection()
    try:
        await connection.execute("PRAGMA foreign_keys = OFF")
        await connection.execute("BEGIN IMMEDIATE")
        try:
            changed = []
            for table in tables:
                if columns := await _differing(connection, table._meta.tablename, wanted):
                    await _rebuild(connection, table)
                    changed += [f"{table._meta.tablename}.{c}" for c in columns]
            if broken := await _rows(connection, "PRAGMA foreign_key_check"):
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken}")
            for statement in then:
                await connection.execute(statement)
            await connection.execute("COMMIT")
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
    finally:
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.close()
    return sorted(changed)


async def _rows(connection: Any, sql: str, args: Sequence[Any] = ()) -> list[dict]:
    return [dict(row) for row in await connection.execute_fetchall(sql, list(args))]


async def _differing(connection: Any, table: str, wanted: Wanted) -> list[str]:
    differing = []
    for key in await _rows(connection, f'PRAGMA foreign_key_list("{table}")'):
        on_delete, on_update, *_ = wanted.get((table, key["from"]), (None, None))
        if on_delete is not None and (key["on_delete"], key["on_update"]) != (on_delete, on_update):
            differing.append(key["from"])
    return differing


async def _rebuild(connection: Any, table: type[Table]) -> None:
    """The table made again from its definition, with its rows, indexes and triggers."""
    name, new = table._meta.tablename, f"{table._meta.tablename}__rebuilt"
    kept = await _rows(
        connection,
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name",
        [name],
    )
    create = table.create_table().ddl[0]
    prefix = f'CREATE TABLE "{name}" '
    if not create.startswith(prefix):
        raise RuntimeError(f"unexpected DDL for {name}: {create[:80]}")
    await connection.execute(f'CREATE TABLE "{new}" {create.removeprefix(prefix)}')
    old_columns = [c["name"] for c in await _rows(connection, f'PRAGMA table_info("{name}")')]
    new_columns = [c["name"] for c in await _rows(connection, f'PRAGMA table_info("{new}")')]
    if sorted(old_columns) != sorted(new_columns):
        raise RuntimeError(f"{name}: columns {old_columns} in the table, {new_columns} defined")
    columns = ", ".join(f'"{c}"' for c in old_columns)
    await connection.execute(f'INSERT INTO "{new}" ({columns}) SELECT {columns} FROM "{name}"')
    await connection.execute(f'DROP TABLE "{name}"')
    await connection.execute(f'ALTER TABLE "{new}" RENAME TO "{name}"')
    for row in kept:
        await connection.execute(row["sql"])

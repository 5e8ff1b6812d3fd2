"""One number that changes whenever data a public page may show changes: the data version.

A trigger on every table (but the few below that no public page shows and that change all the
time) raises it in the same transaction as the change, so it is shared by every web process and
worker and cannot be forgotten by new code. It becomes visible exactly when the change does: a
page built after reading version ``n`` shows at least everything that version ``n`` counts.

On PostgreSQL the trigger is deferred to commit and raises the number once per transaction, so
the row it updates is held only while the transaction commits (no lock waits, no deadlocks with
other row locks). SQLite has one writer at a time; its row triggers simply raise it.

:func:`install` runs at the end of ``govhub migrate``; it is idempotent and gives tables added
since their trigger.
"""

from __future__ import annotations

from piccolo.engine.base import Engine

from govhub import db

__all__ = ["UNTRACKED", "VERSION_TABLE", "current", "install", "tracked_tables"]

VERSION_TABLE = "govhub_data_version"
TRIGGER = "govhub_data_version"

UNTRACKED = {
    # No public page shows these, and they are written on every sign-in, request or sweep.
    "account": "last sign-in times; no public page shows accounts",
    "user_session": "written on sign-in and every minute of a visit",
    "password_reset_token": "private",
    "rate_limit_counter": "written on every sign-in attempt",
    "audit_entry": "admin only, and written with a tracked change anyway",
    "outbox_message": "mail in flight",
    "worker_heartbeat": "written every few seconds by each worker",
    "failed_job": "admin only, written by the worker",
    "reminder": "the worker's sweep",
    "feed_token": "private",
}


def tracked_tables() -> list[str]:
    from govhub.piccolo_app import TABLES

    return [t._meta.tablename for t in TABLES if t._meta.tablename not in UNTRACKED]


_BUMP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: the first deferred trigger raises it, the rest see the mark.
    IF current_setting('govhub.data_version_raised', true) IS DISTINCT FROM '1' THEN
        PERFORM set_config('govhub.data_version_raised', '1', true);
        UPDATE {VERSION_TABLE} SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$
"""


async def install(engine: Engine) -> None:
    """The version row, and the trigger on every tracked table that has none yet."""
    await engine.run_ddl(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)"
    )
    await engine.run_ddl(
        f"INSERT INTO {VERSION_TABLE} (id, n) VALUES (1, 1) ON CONFLICT (id) DO NOTHING"
    )
    tables = tracked_tables()
    if db.is_sqlite(engine):
        for table in tables:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                await engine.run_ddl(
                    f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_{operation.lower()}" '
                    f'AFTER {operation} ON "{table}" BEGIN '
                    f"UPDATE {VERSION_TABLE} SET n = n + 1 WHERE id = 1; END"
                )
        return
    await engine.run_ddl(_BUMP_FUNCTION)
    rows = await engine.run_ddl(
        f"SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger "
        f"WHERE tgname IN ('{TRIGGER}', '{TRIGGER}_truncate')"
    )
    present = {(row["t"].strip('"'), row["tgname"]) for row in rows}
    for table in tables:
        if (table, TRIGGER) not in present:
            await engine.run_ddl(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} "
                f'AFTER INSERT OR UPDATE OR DELETE ON "{table}" DEFERRABLE INITIALLY DEFERRED '
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_bump()"
            )
        if (table, f"{TRIGGER}_truncate") not in present:
            await engine.run_ddl(
                f'CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_bump()"
            )


async def current(engine: Engine) -> int:
    """The data version now (raises when :func:`install` has not run on this database)."""
    rows = await engine.run_ddl(f"SELECT n FROM {VERSION_TABLE} WHERE id = 1")
    return int(rows[0]["n"])

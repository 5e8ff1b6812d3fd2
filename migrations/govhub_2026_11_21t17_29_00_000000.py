"""Unique keys for personal calendar feeds: one address per person, looked up by its hash."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T17:29:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "feed token unique keys"

INDEXES = {
    "feed_token_user_key": 'feed_token ("user")',
    "feed_token_hash_key": "feed_token (token_hash)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager

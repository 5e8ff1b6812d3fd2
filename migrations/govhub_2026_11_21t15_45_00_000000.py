"""Unique keys for meetings: calendar UIDs, terms of reference versions, stored papers."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T15:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "meetings unique keys"

INDEXES = {
    "meeting_uid_key": "meeting (uid)",
    "terms_of_reference_version_key": "terms_of_reference (body, version)",
    "paper_stored_name_key": "paper (stored_name)",
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

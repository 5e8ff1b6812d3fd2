"""Unique keys for the congress: one registration per email per edition, one booking per
session per registration, editions by slug, manage links by their hash."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T17:32:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "congress unique keys"

INDEXES = {
    "congress_edition_slug_key": "congress_edition (slug)",
    "congress_registration_email_key": "congress_registration (edition, email_key)",
    "congress_registration_token_key": "congress_registration (manage_token_hash)",
    "congress_registration_reference_key": "congress_registration (reference)",
    "congress_session_booking_key": "congress_session_booking (registration, session)",
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

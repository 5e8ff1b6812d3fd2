"""Unique keys for accounts, sessions, reset tokens, rate-limit counters and the outbox."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T15:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts unique keys"

INDEXES = {
    "account_email_key": "account (email)",
    "account_person_key": "account (person)",
    "user_session_token_key": "user_session (token_hash)",
    "password_reset_token_key": "password_reset_token (token_hash)",
    "rate_limit_counter_key": "rate_limit_counter (key)",
    "outbox_message_message_id_key": "outbox_message (message_id)",
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

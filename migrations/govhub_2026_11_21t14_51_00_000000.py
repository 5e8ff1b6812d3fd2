"""Unique keys, as plain CREATE UNIQUE INDEX so the same file runs on SQLite and PostgreSQL.

(Piccolo's ``unique=True`` becomes ALTER TABLE ... ADD CONSTRAINT, which SQLite lacks.)
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-21T14:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "governance unique keys"

INDEXES = {
    "organisation_slug_key": "organisation (slug)",
    "person_email_key": "person (email)",
    "body_slug_key": "body (slug)",
    "plan_slug_key": "plan (slug)",
    "call_to_action_plan_number_key": "call_to_action (plan, number)",
    "body_call_to_action_pair_key": "body_call_to_action (body, call_to_action)",
    "worker_heartbeat_worker_key": "worker_heartbeat (worker)",
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

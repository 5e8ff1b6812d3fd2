"""Reminders know their moment: when what they announce begins (never sent after it), and the
``skipped`` state for one whose moment passed during an outage (a choice, no column change)."""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminder event times"

_BEFORE = ("pending", "queued", "dropped", "failed")
OldReminderState = Enum("ReminderState", {v: v for v in _BEFORE})
ReminderState = Enum("ReminderState", {v: v for v in (*_BEFORE, "skipped")})


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Reminder",
        tablename="reminder",
        column_name="event_at",
        db_column_name="event_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.alter_column(
        table_class_name="Reminder",
        tablename="reminder",
        column_name="state",
        db_column_name="state",
        params={"choices": ReminderState},
        old_params={"choices": OldReminderState},
        column_class=Varchar,
        old_column_class=Varchar,
    )
    return manager

"""A worker that heals, and poison jobs parked (issue 13).

The worker's heartbeat says what it is doing (``state``: "running", "waiting for Redis"); a
reminder whose email cannot be written counts its attempts, keeps its last error and waits
before its next try (``retry_at``), and is parked (state "failed") after the last; a job that
failed for good is kept in ``failed_job`` for admins.

The new columns and table are written out here, frozen, as in the baseline: this file must
build the same schema whatever the tables become later.
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "worker state in its heartbeat, reminder attempts, failed jobs"


class WorkerHeartbeat(Table):
    state = Varchar(length=40, default="")


class Reminder(Table):
    attempts = Integer(default=0)
    last_error = Text(default="")
    retry_at = Timestamptz(null=True, default=None)


class FailedJob(Table):
    job = Varchar(length=100, required=True)
    job_id = Varchar(length=200, default="")
    arguments = Varchar(length=500, default="")
    tries = Integer(default=1)
    error = Text(default="")
    failed_at = Timestamptz(default=TimestamptzNow())
    occurrences = Integer(default=1)


OldReminderState = Enum("ReminderState", {v: v for v in ("pending", "queued", "dropped")})
ReminderState = Enum("ReminderState", {v: v for v in ("pending", "queued", "dropped", "failed")})


NEW_COLUMNS = [WorkerHeartbeat, Reminder]
NEW_TABLES = [FailedJob]


def _add_columns(manager: MigrationManager, table: type[Table]) -> None:
    name, tablename = table.__name__, table._meta.tablename
    for column in table._meta.non_default_columns:
        manager.add_column(
            table_class_name=name,
            tablename=tablename,
            column_name=column._meta.name,
            db_column_name=column._meta.db_column_name,
            column_class=type(column),
            params=dict(column._meta.params),
        )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    for table in NEW_COLUMNS:
        _add_columns(manager, table)
    for table in NEW_TABLES:
        manager.add_table(class_name=table.__name__, tablename=table._meta.tablename)
        _add_columns(manager, table)
    # A parked reminder: a new choice, no change to the column itself.
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

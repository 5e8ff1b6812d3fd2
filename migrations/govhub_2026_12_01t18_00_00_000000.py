"""One-time form keys (issue 13): the first POST with a key claims it, a repeat gets its answer.

The table is written out here, frozen, as in the baseline: this file must build the same schema
whatever the table becomes later. One row per sender and key (a unique index), and an index on
the claim time for the daily forgetting.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one-time form keys"


class Submission(Table):
    scope = Varchar(length=64)
    key = Varchar(length=64)
    fingerprint = Varchar(length=64)
    state = Varchar(length=10, default="running")
    generation = Integer(default=0)
    answer = Text(default="")
    claimed_at = Timestamptz()


class AddSubmissions(MigrationManager):
    """Adds the table, then its unique key and the index the sweep reads."""

    async def run(self, backwards: bool = False) -> None:
        if backwards or self.preview:
            await super().run(backwards=backwards)
            return
        engine = engine_finder()
        async with engine.transaction():
            await super().run()
            await engine.run_ddl(
                "CREATE UNIQUE INDEX submission_scope_key ON submission (scope, key)"
            )
            await engine.run_ddl("CREATE INDEX submission_claimed_at ON submission (claimed_at)")


async def forwards() -> MigrationManager:
    manager = AddSubmissions(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_table(class_name="Submission", tablename="submission")
    for column in Submission._meta.non_default_columns:
        manager.add_column(
            table_class_name="Submission",
            tablename="submission",
            column_name=column._meta.name,
            db_column_name=column._meta.db_column_name,
            column_class=type(column),
            params=dict(column._meta.params),
        )
    return manager

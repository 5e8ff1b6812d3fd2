"""Agenda numbers, exempt items and supplementary agendas (issue 12).

Agenda items get their published number (existing items: their position, as the public and
members already saw them), the Schedule 12A paragraph an exempt item falls under, and when an
item was withdrawn; papers, when their file was revised. A published agenda's changes are kept
(agenda_change) and published in supplements (agenda_supplement).

The new tables are written out here, frozen, as in the baseline: this file must build the same
schema whatever the tables become later.
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "agenda numbers, exempt items, supplementary agendas, revised papers"

RESTRICT = OnDelete.restrict
AgendaChangeKind = Enum(
    "AgendaChangeKind",
    {v: v for v in ("added", "withdrawn", "moved", "changed", "paper_added", "paper_revised")},
)


class User(Table, tablename="account"):
    pass


class Meeting(Table):
    pass


class AgendaItem(Table):
    number = Varchar(length=8, default="")
    exempt_reason = Integer(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)


class Paper(Table):
    revised_at = Timestamptz(null=True, default=None)


class AgendaSupplement(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    number = Integer()
    published_at = Timestamptz(default=TimestamptzNow())
    published_by = ForeignKey(User, on_delete=RESTRICT)


class AgendaChange(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    supplement = ForeignKey(AgendaSupplement, on_delete=RESTRICT)
    item = ForeignKey(AgendaItem, on_delete=RESTRICT)
    kind = Varchar(length=20, choices=AgendaChangeKind)
    number = Varchar(length=8, default="")
    detail = Text(default="")
    at = Timestamptz(default=TimestamptzNow())
    by = ForeignKey(User, on_delete=RESTRICT)


NEW_COLUMNS = [AgendaItem, Paper]
NEW_TABLES = [AgendaSupplement, AgendaChange]


class AgendaNumbers(MigrationManager):
    """Adds the columns and tables, then numbers every existing item by its position."""

    async def run(self, backwards: bool = False) -> None:
        if backwards or self.preview:
            await super().run(backwards=backwards)
            return
        engine = engine_finder()
        async with engine.transaction():
            await super().run()
            await engine.run_ddl(
                "UPDATE agenda_item SET number = CAST(position AS VARCHAR(8)) WHERE number = ''"
            )


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
    manager = AgendaNumbers(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    for table in NEW_COLUMNS:
        _add_columns(manager, table)
    for table in NEW_TABLES:
        manager.add_table(class_name=table.__name__, tablename=table._meta.tablename)
        _add_columns(manager, table)
    return manager

"""Members' answers to meeting invitations (issue 14): attending, apologies, a substitute (whom
the secretary confirms) or tentative, from a signed link, the meeting page or a calendar reply.
One row per meeting and person, kept so by a unique index.

The table is written out here, frozen, as in the baseline: this file must build the same
schema whatever the tables become later.
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "meeting responses: RSVP from invitations and calendar replies"

RESTRICT = OnDelete.restrict
Answer = Enum("Answer", {v: v for v in ("attending", "apologies", "substitute", "tentative")})
ResponseChannel = Enum("ResponseChannel", {v: v for v in ("link", "page", "calendar")})


class Organisation(Table):
    pass


class Person(Table):
    pass


class Meeting(Table):
    pass


class MeetingResponse(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    person = ForeignKey(Person, on_delete=RESTRICT, null=False)
    answer = Varchar(length=12, choices=Answer, default=Answer.attending)
    comment = Text(default="")
    via = Varchar(length=10, choices=ResponseChannel, default=ResponseChannel.link)
    substitute_name = Varchar(length=200, default="")
    substitute_person = ForeignKey(Person, on_delete=RESTRICT, null=True, default=None)
    substitute_organisation = ForeignKey(Organisation, on_delete=RESTRICT, null=True, default=None)
    substitute_confirmed_at = Timestamptz(null=True, default=None)
    answered_at = Timestamptz(default=TimestamptzNow())


class Responses(MigrationManager):
    """Adds the table, then its unique key (plain CREATE UNIQUE INDEX, which both databases
    have)."""

    async def run(self, backwards: bool = False) -> None:
        if backwards or self.preview:
            if backwards and not self.preview:
                await engine_finder().run_ddl("DROP INDEX IF EXISTS meeting_response_once")
            await super().run(backwards=backwards)
            return
        engine = engine_finder()
        async with engine.transaction():
            await super().run()
            await engine.run_ddl(
                "CREATE UNIQUE INDEX meeting_response_once ON meeting_response (meeting, person)"
            )


async def forwards() -> MigrationManager:
    manager = Responses(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    table = MeetingResponse
    manager.add_table(class_name=table.__name__, tablename=table._meta.tablename)
    for column in table._meta.non_default_columns:
        manager.add_column(
            table_class_name=table.__name__,
            tablename=table._meta.tablename,
            column_name=column._meta.name,
            db_column_name=column._meta.db_column_name,
            column_class=type(column),
            params=dict(column._meta.params),
        )
    return manager

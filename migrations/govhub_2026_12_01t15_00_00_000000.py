"""Each agenda item's minutes notes carry a version, raised on every save: a form or an autosave
sends the version it was opened at, and a save made on an older one is refused, so two people
editing the same minutes never overwrite each other unawares."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "agenda item notes version"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_column(
        table_class_name="AgendaItem",
        tablename="agenda_item",
        column_name="notes_version",
        db_column_name="notes_version",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
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

    return manager

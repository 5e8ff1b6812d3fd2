from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-21T17:32:03:166810"
VERSION = "1.38.0"
DESCRIPTION = "meeting invites_sent_at"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="govhub", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Meeting",
        tablename="meeting",
        column_name="invites_sent_at",
        db_column_name="invites_sent_at",
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

    return manager

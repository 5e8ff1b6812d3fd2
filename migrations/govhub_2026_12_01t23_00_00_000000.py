"""Members choose a reminder (VALARM) for the events in their own calendar feed: minutes
before the start, 0 for none."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar feed alarms"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_column(
        table_class_name="FeedToken",
        tablename="feed_token",
        column_name="alarm_minutes",
        db_column_name="alarm_minutes",
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

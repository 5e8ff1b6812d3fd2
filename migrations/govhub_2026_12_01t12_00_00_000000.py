"""The demo's own records: which row ``govhub seed-demo`` made for each of its stable keys, so
a re-run finds a board an admin renamed and leaves it as they left it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "demo records"

COLUMNS = {
    "key": (Varchar, {"length": 200, "default": "", "unique": True}),
    "table_name": (Varchar, {"length": 60, "default": ""}),
    "row_id": (Integer, {"default": 0}),
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_table(class_name="DemoRecord", tablename="demo_record", schema=None, columns=None)
    for name, (column_class, params) in COLUMNS.items():
        manager.add_column(
            table_class_name="DemoRecord",
            tablename="demo_record",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params={
                "null": False,
                "primary_key": False,
                "unique": False,
                **params,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )

    return manager

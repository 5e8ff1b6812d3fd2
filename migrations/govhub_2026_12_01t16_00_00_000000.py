"""Terms of reference may ask for a minimum number of members from a sector in the quorum
("at least 1 from the voluntary and community sector"): kept as text like "voluntary:1,nhs:2"."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "quorum minimums per sector"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_column(
        table_class_name="TermsOfReference",
        tablename="terms_of_reference",
        column_name="quorum_sectors",
        db_column_name="quorum_sectors",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
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

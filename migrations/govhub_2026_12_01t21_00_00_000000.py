"""Accounts against attackers: reset and invitation links belong to a generation of the
user's links (a newer link or a password change ends every older one), and a sign-in
throttle remembers until when its (account, client) pair must wait."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "link generations and sign-in throttle waits"


def _params(**changes) -> dict:
    return {
        "default": 0,
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **changes,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    manager.add_column(
        table_class_name="User",
        tablename="account",
        column_name="link_generation",
        db_column_name="link_generation",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(),
        schema=None,
    )
    manager.add_column(
        table_class_name="PasswordResetToken",
        tablename="password_reset_token",
        column_name="generation",
        db_column_name="generation",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(),
        schema=None,
    )
    manager.add_column(
        table_class_name="RateLimitCounter",
        tablename="rate_limit_counter",
        column_name="wait_until",
        db_column_name="wait_until",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager

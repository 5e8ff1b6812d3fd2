"""The migrations build the schema the tables describe, on SQLite and on PostgreSQL alike."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager

from govhub import db
from govhub.piccolo_app import APP_CONFIG, TABLES


async def test_the_migrations_describe_every_table_and_column(engine):
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(APP_CONFIG)
    pending = [s for group in statements for s in group.statements]
    assert pending == [], (
        "tables changed without a migration: run piccolo migrations new govhub --auto"
    )


async def _columns_in_database(engine, table: str) -> set[str]:
    if db.is_sqlite(engine):
        rows = await engine.run_ddl(f"PRAGMA table_info({table})")
        return {row["name"] for row in rows}
    rows = await TABLES[0].raw(
        "SELECT column_name FROM information_schema.columns WHERE table_name = {}", table
    )
    return {row["column_name"] for row in rows}


async def test_the_migrated_database_has_exactly_the_tables_columns(engine):
    for table in TABLES:
        expected = {column._meta.db_column_name for column in table._meta.columns}
        assert await _columns_in_database(engine, table._meta.tablename) == expected, table


async def test_unique_keys_hold_on_this_database(engine, make_org):
    import pytest

    await make_org(slug="same")
    with pytest.raises(Exception, match=r"(?i)unique"):
        await make_org(slug="same")

"""The baseline migration: a database from the November 2026 migrations is upgraded in place, its
rows kept, and ends with the schema a new database gets; on SQLite and on PostgreSQL alike.

Each test builds its own scratch databases with ``govhub migrate`` run as a command (temporary
files on SQLite; ``<test database>_<name>`` next to the test database on PostgreSQL).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from govhub.settings import PROJECT_ROOT

pytestmark = pytest.mark.no_db

URL = os.environ["GOVHUB_DATABASE_URL"]
ON_POSTGRES = URL.startswith("postgres")
NOVEMBER = PROJECT_ROOT / "tests/fixtures/migrations_2026_11"
BASELINE = "2026-12-01T06:00:00:000000"

# `govhub migrate` as it was in November 2026: the old migrations, then the data version's triggers.
_MIGRATE_NOVEMBER = textwrap.dedent(
    """
    import asyncio, sys
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.engine import engine_finder
    from govhub import data_version, db
    from govhub.piccolo_app import APP_CONFIG

    APP_CONFIG.migrations_folder_path = sys.argv[1]

    async def main():
        result = await run_forwards(app_name="govhub", migration_id="all", fake=False)
        assert result.success, result.message
        # Triggers on the tables November had: tables added since are not there yet.
        engine = engine_finder()
        if db.is_sqlite(engine):
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            there = {row["name"] for row in await engine.run_ddl(query)}
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            there = {row["tablename"] for row in await engine.run_ddl(query)}
        tracked = data_version.tracked_tables
        data_version.tracked_tables = lambda: [t for t in tracked() if t in there]
        await data_version.install(engine)
        await db.close_engine(engine_finder())

    asyncio.run(main())
    """
)


def _run(args: list[str], url: str, tmp_path: Path) -> str:
    env = {**os.environ, "GOVHUB_DATABASE_URL": url, "GOVHUB_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def migrate_as_in_november(url: str, tmp_path: Path) -> None:
    _run(["-c", _MIGRATE_NOVEMBER, str(NOVEMBER)], url, tmp_path)


def migrate(url: str, tmp_path: Path) -> str:
    return _run(["-m", "govhub.cli", "migrate"], url, tmp_path)


class Database:
    """Plain SQL on one scratch database, through the driver (no Piccolo, no govhub)."""

    def __init__(self, url: str):
        self.url = url
        self._sqlite: sqlite3.Connection | None = None
        self._pg: asyncpg.Connection | None = None

    async def __aenter__(self) -> Database:
        if ON_POSTGRES:
            self._pg = await asyncpg.connect(self.url)
        else:
            self._sqlite = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            self._sqlite.row_factory = sqlite3.Row
            self._sqlite.execute("PRAGMA foreign_keys = ON")
        return self

    async def __aexit__(self, *exc) -> None:
        if self._pg:
            await self._pg.close()
        if self._sqlite:
            self._sqlite.close()

    async def execute(self, sql: str) -> None:
        if self._pg:
            await self._pg.execute(sql)
        else:
            self._sqlite.execute(sql)
            self._sqlite.commit()

    async def rows(self, sql: str) -> list[dict]:
        if self._pg:
            return [dict(r) for r in await self._pg.fetch(sql)]
        return [dict(r) for r in self._sqlite.execute(sql).fetchall()]

    async def value(self, sql: str):
        return next(iter((await self.rows(sql))[0].values()))


SERVER, PREFIX = URL.rsplit("/", 1)[0], urlsplit(URL).path.rsplit("/", 1)[-1]


async def _admin(*statements: str) -> None:
    connection = await asyncpg.connect(f"{SERVER}/postgres")
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
async def november(tmp_path_factory):
    """An empty database as the November 2026 migrations left it; tests work on copies."""
    tmp = tmp_path_factory.mktemp("november")
    name = f"{PREFIX}_november"
    if ON_POSTGRES:
        await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    url = f"{SERVER}/{name}" if ON_POSTGRES else f"sqlite:///{tmp / name}.sqlite3"
    migrate_as_in_november(url, tmp)
    yield url
    if ON_POSTGRES:
        await _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def scratch(tmp_path):
    """``await scratch(name, copy_of=url)``: a new database, empty or a copy; dropped after."""
    made: list[str] = []

    async def make(name: str, copy_of: str | None = None) -> str:
        if not ON_POSTGRES:
            path = tmp_path / f"{name}.sqlite3"
            if copy_of:
                with (
                    sqlite3.connect(copy_of.removeprefix("sqlite:///")) as source,
                    sqlite3.connect(path) as target,
                ):
                    source.backup(target)
            return f"sqlite:///{path}"
        database = f"{PREFIX}_{name}"
        template = f" TEMPLATE {copy_of.rsplit('/', 1)[-1]}" if copy_of else ""
        await _admin(
            f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
            f"CREATE DATABASE {database}{template}",
        )
        made.append(database)
        return f"{SERVER}/{database}"

    yield make
    if made:
        await _admin(*(f"DROP DATABASE IF EXISTS {d} WITH (FORCE)" for d in made))


# What a November database holds: a board with history, a true part or two, a congress.
ROWS = [
    "INSERT INTO organisation (id, name, slug) VALUES (1, 'Council', 'council')",
    "INSERT INTO person (id, name, email) VALUES (1, 'Ada', 'ada@example.org')",
    "INSERT INTO person (id, name, email) VALUES (2, 'Ben', 'ben@example.org')",
    "INSERT INTO body (id, name, slug) VALUES (1, 'Executive', 'executive')",
    "INSERT INTO body (id, name, slug, reports_to) VALUES (2, 'Health board', 'health', 1)",
    "INSERT INTO body (id, name, slug, reports_to) VALUES (3, 'Old group', 'old', 1)",
    "INSERT INTO body (id, name, slug, reports_to) VALUES (4, 'Sub group', 'sub', 3)",
    "INSERT INTO account (id, person, email) VALUES (1, 1, 'ada@example.org')",
    "INSERT INTO account (id, person, email) VALUES (2, 2, 'ben@example.org')",
    "INSERT INTO user_session (token_hash, \"user\") VALUES ('t1', 2)",
    "INSERT INTO membership (person, body, organisation, start_date) "
    "VALUES (1, 2, 1, '2026-01-01')",
    "INSERT INTO meeting (id, body, title, uid) VALUES (1, 2, 'Spring meeting', 'm1@govhub')",
    "INSERT INTO agenda_item (id, meeting, position, title) VALUES (1, 1, 1, 'Budget')",
    "INSERT INTO paper (item, title, stored_name, kind) VALUES (1, 'Budget paper', 'b', 'pdf')",
    "INSERT INTO decision (meeting, item, text) VALUES (1, 1, 'Budget agreed')",
    "INSERT INTO action (body, meeting, item, description) VALUES (2, 1, 1, 'Write it up')",
    "INSERT INTO audit_entry (actor, action, object_type, body) "
    "VALUES (1, 'body.created', 'body', 2)",
    "INSERT INTO outbox_message (id, message_id, to_address, subject) "
    "VALUES (1, '<1@govhub>', 'ada@example.org', 'Reminder')",
    "INSERT INTO reminder (kind, target_id, recipient, due_at, message) "
    "VALUES ('meeting', 1, 'ada@example.org', '2026-03-01T09:00:00+00:00', 1)",
    "INSERT INTO congress_edition (id, slug, season, year, title, starts_at, ends_at, "
    "registration_opens_at, registration_closes_at, organising_body) VALUES (1, 'spring-2027', "
    "'spring', 2027, 'Spring congress', '2027-04-01T09:00:00+00:00', "
    "'2027-04-01T17:00:00+00:00', '2027-01-01T09:00:00+00:00', '2027-03-01T09:00:00+00:00', 1)",
    "INSERT INTO congress_session (id, edition, title, starts_at, ends_at) VALUES (1, 1, "
    "'Housing', '2027-04-01T10:00:00+00:00', '2027-04-01T11:00:00+00:00')",
    "INSERT INTO congress_registration (id, edition, status, arrival, reference, email_key) "
    "VALUES (1, 1, 'confirmed', 1, 'C7K2-9QXD', 'cy@example.org')",
    "INSERT INTO congress_session_booking (registration, session, status, arrival) "
    "VALUES (1, 1, 'confirmed', 1)",
]


# The tables a November database had (those added since are made by later migrations).
NOVEMBER_TABLES = (
    "organisation person body membership plan call_to_action body_call_to_action account "
    "user_session password_reset_token audit_entry outbox_message meeting_series meeting "
    "terms_of_reference meeting_change agenda_item agenda_item_call_to_action paper attendance "
    "declaration decision action reminder feed_token congress_edition congress_session "
    "congress_registration congress_session_booking congress_call_to_action"
).split()


async def _counts(db: Database) -> dict[str, int]:
    from govhub.piccolo_app import TABLES

    return {
        t._meta.tablename: await db.value(f'SELECT COUNT(*) FROM "{t._meta.tablename}"')
        for t in TABLES
        if t._meta.tablename in NOVEMBER_TABLES
    }


async def _refused(db: Database, sql: str) -> bool:
    try:
        await db.execute(sql)
    except (sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError):
        return True
    return False


async def test_a_november_database_is_upgraded_with_its_rows_and_new_on_delete(
    november, scratch, tmp_path
):
    url = await scratch("upgraded", copy_of=november)
    async with Database(url) as db:
        for statement in ROWS:
            await db.execute(statement)
        before = await _counts(db)
        assert await db.value("SELECT COUNT(*) FROM migration WHERE app_name = 'govhub'") == 12

    migrate(url, tmp_path)

    async with Database(url) as db:
        assert await _counts(db) == before
        names = [
            r["name"]
            for r in await db.rows(
                "SELECT name FROM migration WHERE app_name = 'govhub' ORDER BY name"
            )
        ]
        # The twelve November records became the baseline's; later migrations follow it.
        assert names[0] == BASELINE and all(name > BASELINE for name in names[1:])
        meeting = await db.rows("SELECT title, body, uid FROM meeting")
        assert meeting == [{"title": "Spring meeting", "body": 2, "uid": "m1@govhub"}]

        # History holds: a board with meetings, and its audit entries, stay.
        assert await _refused(db, "DELETE FROM body WHERE id = 2")
        assert await _refused(db, "DELETE FROM meeting WHERE id = 1")
        assert await _refused(db, "DELETE FROM account WHERE id = 1")
        assert await _refused(db, "DELETE FROM outbox_message WHERE id = 1")
        assert await db.value("SELECT COUNT(*) FROM audit_entry WHERE body = 2") == 1

        # True parts go with their whole; optional links are let go.
        await db.execute("DELETE FROM agenda_item WHERE id = 1")
        assert await db.value("SELECT COUNT(*) FROM paper") == 0
        assert await db.rows("SELECT text, item FROM decision") == [
            {"text": "Budget agreed", "item": None}
        ]
        assert await db.value("SELECT COUNT(*) FROM action WHERE item IS NULL") == 1
        await db.execute("DELETE FROM congress_registration WHERE id = 1")
        assert await db.value("SELECT COUNT(*) FROM congress_session_booking") == 0
        await db.execute("DELETE FROM account WHERE id = 2")
        assert await db.value("SELECT COUNT(*) FROM user_session") == 0
        await db.execute("DELETE FROM body WHERE id = 3")
        assert await db.value("SELECT reports_to FROM body WHERE id = 4") is None

    # Migrating again changes nothing.
    assert "No migrations need to be run" in migrate(url, tmp_path)


async def test_the_upgraded_schema_is_the_one_a_new_database_gets(november, scratch, tmp_path):
    upgraded, new = await scratch("upgraded", copy_of=november), await scratch("new")
    async with Database(upgraded) as db:
        old_schema = await describe(db)
        for statement in ROWS:
            await db.execute(statement)
    migrate(upgraded, tmp_path)
    migrate(new, tmp_path)
    async with Database(upgraded) as a, Database(new) as b:
        upgraded_schema, new_schema = await describe(a), await describe(b)
    assert upgraded_schema == new_schema
    # and the upgrade kept everything November had but the foreign keys' ON DELETE (later
    # migrations only add to it):
    old, new = _without_on_delete(old_schema), _without_on_delete(new_schema)
    for part in old:
        assert [row for row in old[part] if row not in new[part]] == [], part
    assert old_schema["foreign keys"] != new_schema["foreign keys"]


async def test_a_database_half_way_through_november_is_told_what_to_do(november, scratch, tmp_path):
    url = await scratch("halfway", copy_of=november)
    async with Database(url) as db:
        await db.execute("DELETE FROM migration WHERE name = '2026-11-21T18:01:46:132671'")
    env = {**os.environ, "GOVHUB_DATABASE_URL": url, "GOVHUB_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "govhub.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0
    assert "part-way through the November 2026 migrations" in result.stderr


# The schema, as the database itself describes it (column order aside: PostgreSQL cannot move a
# column, so a column added in November stays last there).


async def describe(db: Database) -> dict[str, list]:
    if ON_POSTGRES:
        return await _describe_postgres(db)
    return await _describe_sqlite(db)


def _without_on_delete(schema: dict[str, list]) -> dict[str, list]:
    return {k: v for k, v in schema.items() if k != "foreign keys"}


async def _describe_sqlite(db: Database) -> dict[str, list]:
    tables = [
        r["name"]
        for r in await db.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    schema: dict[str, list] = {"columns": [], "foreign keys": [], "indexes": [], "triggers": []}
    for table in sorted(tables):
        for c in await db.rows(f'PRAGMA table_info("{table}")'):
            schema["columns"].append(
                (table, c["name"], c["type"], c["notnull"], c["dflt_value"], c["pk"])
            )
        for k in await db.rows(f'PRAGMA foreign_key_list("{table}")'):
            schema["foreign keys"].append(
                (table, k["from"], k["table"], k["to"], k["on_update"], k["on_delete"])
            )
        for i in await db.rows(f'PRAGMA index_list("{table}")'):
            columns = [c["name"] for c in await db.rows(f'PRAGMA index_info("{i["name"]}")')]
            schema["indexes"].append((table, i["name"], i["unique"], columns))
    for t in await db.rows("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"):
        schema["triggers"].append((t["tbl_name"], t["name"], t["sql"]))
    return {k: sorted(v, key=repr) for k, v in schema.items()}


async def _describe_postgres(db: Database) -> dict[str, list]:
    columns = await db.rows(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, "
        "column_default FROM information_schema.columns WHERE table_schema = 'public'"
    )
    constraints = await db.rows(
        "SELECT conrelid::regclass::text AS t, conname, contype::text AS contype, "
        "pg_get_constraintdef(oid) AS d "
        "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    )
    indexes = await db.rows(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    )
    triggers = await db.rows(
        "SELECT tgrelid::regclass::text AS t, tgname, pg_get_triggerdef(oid) AS d "
        "FROM pg_trigger WHERE NOT tgisinternal"
    )
    schema = {
        "columns": [tuple(c.values()) for c in columns],
        "foreign keys": [tuple(c.values()) for c in constraints if c["contype"] == "f"],
        "constraints": [tuple(c.values()) for c in constraints if c["contype"] != "f"],
        "indexes": [tuple(i.values()) for i in indexes],
        "triggers": [tuple(t.values()) for t in triggers],
    }
    return {k: sorted(v, key=repr) for k, v in schema.items()}

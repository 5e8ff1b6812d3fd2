"""The two places where govhub.db leans on another library's internals, held to what it assumes.

- aiosqlite 0.22 runs each connection on a thread it keeps as ``Connection._thread`` and offers no
  way to make it a daemon; govhub.db does, so a process that exits with the kept connection
  open is not held up by it. pyproject.toml pins aiosqlite to the release checked here.
- Piccolo's SQLite engine opens a connection for every query outside a transaction in its
  private ``_run_in_new_connection``; govhub.db overrides it to use one kept connection.
  Piccolo is pinned (for govhub.piccolo_speedups too).
"""

import inspect
import os
import re
import subprocess
import sys
import threading

import aiosqlite
import pytest
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from govhub import db
from govhub.settings import PROJECT_ROOT

pytestmark = pytest.mark.no_db


def _pinned(package: str) -> str:
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    found = re.search(rf'"{re.escape(package)}(?:\[[^\]]*\])?==([^"]+)"', pyproject)
    assert found, f"{package} is not pinned exactly in pyproject.toml"
    return found.group(1)


def test_aiosqlite_is_the_pinned_release():
    assert aiosqlite.__version__ == _pinned("aiosqlite")


async def test_an_aiosqlite_connection_keeps_its_thread_where_govhub_db_looks(tmp_path):
    pending = aiosqlite.connect(tmp_path / "x.sqlite3")
    thread = pending._thread
    assert isinstance(thread, threading.Thread) and not thread.is_alive()
    connection = await pending
    assert thread.is_alive()
    await connection.close()


async def test_the_engines_connections_run_on_daemon_threads(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        await engine.run_ddl("SELECT 1")
        async with engine.transaction():
            await engine.run_ddl("SELECT 1")
        threads = [engine._kept._thread, *(spare._thread for spare in engine._spares)]
        assert len(threads) == 2 and all(t.daemon and t.is_alive() for t in threads)
    finally:
        await db.close_engine(engine)


def test_a_process_that_leaves_the_database_open_still_exits(tmp_path):
    script = (
        "import asyncio, sys\n"
        "from govhub import db\n"
        "async def main():\n"
        "    engine = db.make_engine(sys.argv[1])\n"
        "    await engine.run_ddl('SELECT 1')\n"
        "    async with engine.transaction():\n"
        "        await engine.run_ddl('SELECT 1')\n"
        "asyncio.run(main())\n"
        "print('done')\n"
    )
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", script, url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert (result.returncode, result.stdout.strip()) == (0, "done"), result.stderr


def test_piccolo_still_has_the_method_govhub_db_overrides():
    theirs = inspect.signature(SQLiteEngine._run_in_new_connection)
    ours = inspect.signature(db.KeptConnectionSQLiteEngine._run_in_new_connection)
    assert list(theirs.parameters) == list(ours.parameters)


async def test_queries_outside_a_transaction_share_one_connection(tmp_path, monkeypatch):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    opened = []
    open_one = engine._open

    async def counted():
        opened.append(1)
        return await open_one()

    monkeypatch.setattr(engine, "_open", counted)
    try:
        await engine.run_ddl("CREATE TABLE t (n INTEGER)")
        for n in range(5):
            await engine.run_querystring(QueryString("INSERT INTO t (n) VALUES ({})", n))
        assert await engine.run_ddl("SELECT COUNT(*) AS n FROM t") == [{"n": 5}]
        assert len(opened) == 1
    finally:
        await db.close_engine(engine)

"""The database engine, built from settings, and what the app does with it at start and stop."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from govhub import piccolo_speedups

__all__ = [
    "KeptConnectionSQLiteEngine",
    "close_engine",
    "contains",
    "database_now",
    "for_update",
    "id_of",
    "is_sqlite",
    "make_engine",
    "open_engine",
    "ping",
]

piccolo_speedups.install()  # before any query is built


class KeptConnectionSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, keeping one connection for queries outside a transaction.

    Piccolo opens (and closes) a connection for every such query, which costs
    about a millisecond each. Here they share one autocommit connection, which
    aiosqlite already runs one statement at a time; a transaction still gets a
    connection of its own, so its statements never mix with other requests'.
    """

    SPARE_CONNECTIONS = 4
    """Transactions' connections kept for the next transactions (opening one, with its thread
    and the schema read by its first statement, took 3 to 4 ms of a registration's 29)."""

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._kept: aiosqlite.Connection | None = None
        self._opening = asyncio.Lock()
        self._spares: list[aiosqlite.Connection] = []

    async def _open(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # Autocommit between uses, so nothing is lost if the process exits without closing:
        # a daemon thread lets it exit. aiosqlite offers no public way to ask for one; its
        # release is pinned and tests/integration/platform/test_library_internals.py checks
        # that ``_thread`` is still where this looks.
        if thread := getattr(pending, "_thread", None):
            thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _kept_connection(self) -> aiosqlite.Connection:
        if self._kept is None:
            async with self._opening:
                if self._kept is None:
                    self._kept = await self._open()
        return self._kept

    async def get_connection(self) -> aiosqlite.Connection:
        """A connection for one transaction: a spare one when there is one."""
        connection = self._spares.pop() if self._spares else await self._open()
        return _Lent(connection, self)  # type: ignore[return-value]

    async def _give_back(self, connection: aiosqlite.Connection) -> None:
        # Only a connection with nothing open goes back; anything else is closed for good.
        if connection.in_transaction or len(self._spares) >= self.SPARE_CONNECTIONS:
            await connection.close()
        else:
            self._spares.append(connection)

    async def _run_in_new_connection(  # Piccolo's (private; Piccolo is pinned, and tested)
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ):
        connection = await self._kept_connection()
        # One call into aiosqlite's thread: if execute and fetch were two, another task's
        # write could run in between, inside this read's snapshot, and fail at once with
        # "database is locked" (a stale snapshot is not waited for).
        return await connection.execute_fetchall(query, args or [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        """Transactions take the write lock when they begin (``BEGIN IMMEDIATE``).

        Ours all write. A deferred one that read first and then wrote while another
        connection had committed would fail at once with "database is locked" (SQLite does
        not wait for a snapshot that went stale); an immediate one waits its turn, up to the
        busy timeout, and is then the only writer: the lock the congress's places rely on.
        """
        return _Transaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def close(self) -> None:
        spares, self._spares = self._spares, []
        for spare in spares:
            await spare.close()
        if self._kept is not None:
            connection, self._kept = self._kept, None
            await connection.close()


class _Transaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, never leaving a connection behind that holds the lock.

    A task cancelled while its ``BEGIN IMMEDIATE`` waits for the write lock (a worker stopped
    without grace, a request given up) leaves the statement running in aiosqlite's thread:
    it takes the lock a moment later, and Piccolo, whose ``__aexit__`` never runs for a failed
    ``__aenter__``, would never give it back, so every writer after it waited out the busy
    timeout and failed. Here that connection is closed for good (SQLite then lets go of the
    lock) in a task of its own, which aiosqlite runs after the pending statement.
    """

    _closing: set[asyncio.Task] = set()

    async def begin(self) -> None:
        try:
            await super().begin()
        except asyncio.CancelledError:
            # (Only a cancellation: a BEGIN that failed, "database is locked" after the busy
            # timeout, has finished and left the connection clean; the places lock asks again.)
            lent = self.connection
            if isinstance(lent, _Lent):
                closing = asyncio.get_running_loop().create_task(lent.discard())
                self._closing.add(closing)  # kept until done (the loop holds tasks weakly)
                closing.add_done_callback(self._closing.discard)
            raise


class _Lent:
    """A transaction's connection: Piccolo closes it when the transaction ends, which gives it
    back to the engine instead."""

    def __init__(self, connection: aiosqlite.Connection, engine: KeptConnectionSQLiteEngine):
        self._connection, self._engine = connection, engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    async def close(self) -> None:
        await self._engine._give_back(self._connection)

    async def discard(self) -> None:
        """Close it for good (queued behind any statement still running on it)."""
        await self._connection.close()


def make_engine(url: str) -> Engine:
    """An engine for a ``sqlite:///path`` or ``postgresql://...`` URL."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///").removeprefix("sqlite://")
        # A generous busy timeout: the embedded default shares one file
        # between the web requests and the in-process worker.
        return KeptConnectionSQLiteEngine(path=path, timeout=30)
    if scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url}, log_queries=False)
    raise ValueError(
        f"GOVHUB_DATABASE_URL: unsupported scheme {scheme!r} (use sqlite or postgresql)"
    )


def is_sqlite(engine: Engine) -> bool:
    return isinstance(engine, SQLiteEngine)


class PooledConnection(asyncpg.Connection):
    """A pooled PostgreSQL connection that skips asyncpg's reset query when it goes back.

    Piccolo takes a connection from the pool for every query outside a transaction, and the
    reset (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``) doubled the round
    trips of each. govhub leaves no session state on a connection: no LISTEN, no session
    ``SET`` (``set_config(..., true)`` is per transaction) and only transaction-level advisory
    locks (``pg_advisory_xact_lock``); a test holds the code to that. asyncpg still rolls back a
    transaction left open.
    """

    def get_reset_query(self) -> str:
        return ""


async def open_engine(engine: Engine) -> None:
    """Prepare the engine for serving: a pool on PostgreSQL, WAL mode on SQLite."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=2, max_size=10, connection_class=PooledConnection
        )
    else:
        # WAL lets readers carry on while a writer holds the file.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:  # none when the server was down at start-up
            await engine.close_connection_pool()
    elif isinstance(engine, KeptConnectionSQLiteEngine):
        await engine.close()


async def database_now(engine: Engine) -> dt.datetime:
    """The database's clock, as it is at this statement (UTC): what a deadline checked inside a
    locked transaction is held to, so every web process agrees on it.

    On PostgreSQL that is ``clock_timestamp()``, not ``now()`` / ``CURRENT_TIMESTAMP``, which
    stay at the moment the transaction began (before it waited for a lock). SQLite runs in
    this process, so its clock is the process's.
    """
    if is_sqlite(engine):
        return dt.datetime.now(dt.UTC)
    rows = await engine.run_ddl("SELECT clock_timestamp() AS now")
    return rows[0]["now"].astimezone(dt.UTC)


async def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    await engine.run_ddl("SELECT 1")


def contains(column: Any, text: str) -> Any:
    """A case-insensitive "contains" filter: ILIKE on PostgreSQL, LIKE on SQLite (already
    case-insensitive there, and Piccolo warns when asked for ILIKE). Wildcards typed by the
    user are taken out rather than obeyed."""
    pattern = "%" + text.replace("%", "").replace("_", " ").strip()[:100] + "%"
    if column._meta.engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


def id_of(value: Any) -> Any:
    """The id of a row, or the value itself when it already is one (a foreign key's raw value)."""
    return getattr(value, "id", value)


def for_update(query: Any, *tables: Any) -> Any:
    """``query`` (a select or objects query) locking the rows it reads until the transaction ends.

    On PostgreSQL that is ``SELECT ... FOR UPDATE`` (``OF tables``, so joined rows are not
    locked); on SQLite every transaction already holds the single write lock from its start
    (``BEGIN IMMEDIATE``, see :class:`KeptConnectionSQLiteEngine`), so the query is unchanged.
    Use it inside a transaction, to re-read a row before deciding on its state.
    """
    if is_sqlite(query.table._meta.db):
        return query
    return query.lock_rows(of=tables)

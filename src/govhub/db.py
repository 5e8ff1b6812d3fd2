"""The database engine, built from settings, and what the app does with it at start and stop."""

from __future__ import annotations

from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

__all__ = ["close_engine", "is_sqlite", "make_engine", "open_engine", "ping"]


def make_engine(url: str) -> Engine:
    """An engine for a ``sqlite:///path`` or ``postgresql://...`` URL."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///").removeprefix("sqlite://")
        # A generous busy timeout: the embedded default shares one file
        # between the web requests and the in-process worker.
        return SQLiteEngine(path=path, timeout=30)
    if scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url}, log_queries=False)
    raise ValueError(f"GOVHUB_DATABASE_URL: unsupported scheme {scheme!r} (use sqlite or postgresql)")


def is_sqlite(engine: Engine) -> bool:
    return isinstance(engine, SQLiteEngine)


async def open_engine(engine: Engine) -> None:
    """Prepare the engine for serving: a pool on PostgreSQL, WAL mode on SQLite."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=10)
    else:
        # WAL lets readers carry on while a writer holds the file.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


async def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    await engine.run_ddl("SELECT 1")

"""SQLite: a transaction's connection is kept for the next one, and comes back clean."""

import asyncio
import contextvars

import pytest

from govhub import db
from govhub.governance.tables import Organisation


@pytest.fixture
def sqlite_engine(engine):
    if not db.is_sqlite(engine):
        pytest.skip("the SQLite engine's own connections")
    return engine


async def test_the_next_transaction_reuses_the_connection(sqlite_engine):
    async with sqlite_engine.transaction() as first:
        await Organisation(name="A", slug="a", sector="voluntary").save()
        used = first.connection._connection
    async with sqlite_engine.transaction() as second:
        assert second.connection._connection is used
    assert await Organisation.count() == 1


async def test_a_failed_transaction_leaves_nothing_behind_for_the_next(sqlite_engine):
    with pytest.raises(RuntimeError):
        async with sqlite_engine.transaction():
            await Organisation(name="A", slug="a", sector="voluntary").save()
            raise RuntimeError("changed my mind")
    async with sqlite_engine.transaction():
        await Organisation(name="B", slug="b", sector="voluntary").save()
    assert [o.slug for o in await Organisation.objects()] == ["b"]


async def test_only_a_few_spare_connections_are_kept(sqlite_engine):
    async def one(n: int) -> None:
        async with sqlite_engine.transaction():
            await Organisation(name=f"O{n}", slug=f"o{n}", sector="voluntary").save()

    await asyncio.gather(*(one(n) for n in range(12)))
    assert await Organisation.count() == 12
    assert len(sqlite_engine._spares) <= sqlite_engine.SPARE_CONNECTIONS


async def test_a_transaction_cancelled_while_waiting_for_the_lock_never_takes_it(sqlite_engine):
    """A worker stopped without grace while a job waits at BEGIN IMMEDIATE: the statement
    still runs in aiosqlite's thread, and once it takes the lock nothing would give it back
    (every writer after it then failed with "database is locked")."""
    holding = sqlite_engine.transaction()
    await holding.__aenter__()
    await Organisation(name="A", slug="a", sector="voluntary").save()

    async def wait_for_the_lock() -> None:
        async with sqlite_engine.transaction():
            await Organisation(name="never", slug="never", sector="voluntary").save()

    # In a context of its own, as another request's or job's task (not inside ours).
    waiting = asyncio.create_task(wait_for_the_lock(), context=contextvars.Context())
    await asyncio.sleep(0.3)  # it is now inside BEGIN IMMEDIATE, waiting for the lock
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await holding.__aexit__(None, None, None)  # the lock is free...

    async with sqlite_engine.transaction():  # ...and stays free for the next writer
        await Organisation(name="B", slug="b", sector="voluntary").save()
    assert sorted(o.slug for o in await Organisation.objects()) == ["a", "b"]

"""SQLite: a transaction's connection is kept for the next one, and comes back clean."""

import asyncio

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

"""``govhub seed-demo`` loads the demo partnership and can be run again safely."""

from govhub.governance.demo import seed_demo
from govhub.piccolo_app import TABLES


async def snapshot() -> dict[str, list[dict]]:
    out = {}
    for table in TABLES:
        rows = await table.select().order_by(table.id)
        # created_at is set once at insert; it must not change on a re-run either.
        out[table._meta.tablename] = rows
    return out


async def test_seeding_twice_leaves_the_same_rows(engine):
    await seed_demo()
    first = await snapshot()
    await seed_demo()
    assert await snapshot() == first
    assert len(first["body"]) == 9
    assert len(first["call_to_action"]) == 5


async def test_seeding_restores_demo_values_that_were_edited(engine):
    from govhub.governance.tables import Body

    await seed_demo()
    await Body.update({Body.name: "Renamed"}).where(Body.slug == "community-safety-partnership")
    await seed_demo()
    body = await Body.objects().where(Body.slug == "community-safety-partnership").first()
    assert body.name == "Community Safety Partnership"

"""``govhub seed-demo`` loads the demo partnership, and running it again adds only what is
missing: an admin's edits stay."""

from govhub.demo import seed_demo
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


async def test_re_seeding_keeps_an_admins_new_name_for_a_board_and_makes_no_second_copy(engine):
    from govhub.admin.bodies import save_body
    from govhub.governance.principal import Principal
    from govhub.governance.tables import Body

    await seed_demo()
    csp = await Body.objects().where(Body.slug == "community-safety-partnership").first()
    values = {"name": "Safer Tower Hamlets Board", "kind": csp.kind, "is_public": "yes"}
    await save_body(Principal(user_id=None, is_admin=True), values, [], csp)
    bodies = await Body.count()

    await seed_demo()

    renamed = await Body.objects().where(Body.id == csp.id).first()
    assert renamed.name == "Safer Tower Hamlets Board"
    assert renamed.slug == "safer-tower-hamlets-board"
    assert await Body.count() == bodies
    assert not await Body.exists().where(Body.slug == "community-safety-partnership")


async def test_a_database_seeded_before_the_demo_kept_records_gets_no_second_copy(engine):
    from govhub.demo.tables import DemoRecord

    await seed_demo()
    first = await snapshot()
    await DemoRecord.delete(force=True)  # as it was before the demo kept its records
    await seed_demo()
    after = await snapshot()
    assert {k: v for k, v in after.items() if k != "demo_record"} == {
        k: v for k, v in first.items() if k != "demo_record"
    }
    assert len(after["demo_record"]) == len(first["demo_record"])

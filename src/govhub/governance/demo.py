"""``govhub seed-demo``: load the demo partnership, idempotently.

Each row is found by its natural key (a slug, an email, a membership's person,
body, organisation, role and start) and updated in place, so running it again
leaves the same rows with the same ids.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from piccolo.table import Table

from govhub.governance import demo_data as data
from govhub.governance.tables import (
    Body,
    BodyCallToAction,
    CallToAction,
    Membership,
    Organisation,
    Person,
    Plan,
)

__all__ = ["seed_demo"]


async def _upsert(table: type[Table], key: dict[Any, Any], values: dict[Any, Any]) -> int:
    """The id of the row matching ``key``, inserted or brought up to date with ``values``."""
    where = None
    for column, value in key.items():
        clause = column.is_null() if value is None else column == value
        where = clause if where is None else where & clause
    row = await table.select(table.id).where(where).first()
    if row is None:
        inserted = await table.insert(
            table(**{c._meta.name: v for c, v in {**key, **values}.items()})
        )
        return inserted[0]["id"]
    if values:
        await table.update(values).where(table.id == row["id"])
    return row["id"]


def _email(name: str, org_slug: str) -> str:
    local = re.sub(r"[^a-z]+", ".", name.lower().replace("'", "")).strip(".")
    return f"{local}@{org_slug}.example"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


async def seed_demo() -> dict[str, int]:
    """Load or refresh the demo data in one transaction; returns how many rows of each kind."""
    from govhub.congress.demo import seed_congress
    from govhub.meetings.demo import seed_meetings

    async with Organisation._meta.db.transaction():
        counts = await _seed()
        counts.update(await seed_meetings())
        counts.update(await seed_congress())
        return counts


async def _seed() -> dict[str, int]:
    orgs = {
        slug: await _upsert(
            Organisation,
            {Organisation.slug: slug},
            {
                Organisation.name: name,
                Organisation.short_name: short,
                Organisation.sector: sector,
                Organisation.website: website,
            },
        )
        for slug, (name, short, sector, website) in data.ORGANISATIONS.items()
    }
    people = {
        key: await _upsert(
            Person, {Person.email: _email(name, org)}, {Person.name: name, Person.phone: phone}
        )
        for key, (name, org, phone) in data.PEOPLE.items()
    }
    plan_id = await _upsert(
        Plan,
        {Plan.slug: data.PLAN["slug"]},
        {
            Plan.name: data.PLAN["name"],
            Plan.start_year: data.PLAN["start_year"],
            Plan.end_year: data.PLAN["end_year"],
            Plan.vision: data.PLAN["vision"],
        },
    )
    actions = {
        number: await _upsert(
            CallToAction,
            {CallToAction.plan: plan_id, CallToAction.number: number},
            {CallToAction.title: title, CallToAction.description: text},
        )
        for number, (title, text) in data.CALLS_TO_ACTION.items()
    }
    bodies: dict[str, int] = {}
    for slug, (name, short, kind, _parent, public, _ctas, purpose) in data.BODIES.items():
        bodies[slug] = await _upsert(
            Body,
            {Body.slug: slug},
            {
                Body.name: name,
                Body.short_name: short,
                Body.kind: kind,
                Body.is_public: public,
                Body.purpose: purpose,
            },
        )
    links = 0
    for slug, (*_, parent, _public, ctas, _purpose) in data.BODIES.items():
        await Body.update({Body.reports_to: bodies[parent] if parent else None}).where(
            Body.id == bodies[slug]
        )
        for number in ctas:
            await _upsert(
                BodyCallToAction,
                {
                    BodyCallToAction.body: bodies[slug],
                    BodyCallToAction.call_to_action: actions[number],
                },
                {},
            )
            links += 1
    memberships = 0
    for slug, rows in data.MEMBERSHIPS.items():
        for person, org, role, start, end in rows:
            await _upsert(
                Membership,
                {
                    Membership.person: people[person],
                    Membership.body: bodies[slug],
                    Membership.organisation: orgs[org],
                    Membership.role: role,
                    Membership.start_date: _date(start),
                },
                {Membership.end_date: _date(end)},
            )
            memberships += 1
    return {
        "organisations": len(orgs),
        "people": len(people),
        "bodies": len(bodies),
        "calls_to_action": len(actions),
        "memberships": memberships,
        "links": links,
    }

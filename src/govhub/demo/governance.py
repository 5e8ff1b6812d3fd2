"""The demo partnership's structure: organisations, people, the plan, bodies and memberships."""

from __future__ import annotations

import datetime as dt
import re

from govhub.demo import data
from govhub.demo.records import ensure
from govhub.governance.tables import (
    Body,
    BodyCallToAction,
    CallToAction,
    Membership,
    Organisation,
    Person,
    Plan,
)

__all__ = ["seed_governance"]


def _email(name: str, org_slug: str) -> str:
    local = re.sub(r"[^a-z]+", ".", name.lower().replace("'", "")).strip(".")
    return f"{local}@{org_slug}.example"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


async def seed_governance() -> dict[str, int]:
    orgs = {}
    for slug, (name, short, sector, website) in data.ORGANISATIONS.items():
        made = await ensure(
            f"organisation:{slug}",
            Organisation,
            {Organisation.slug: slug},
            {
                Organisation.name: name,
                Organisation.short_name: short,
                Organisation.sector: sector,
                Organisation.website: website,
            },
        )
        orgs[slug] = made.id
    people = {}
    for key, (name, org, phone) in data.PEOPLE.items():
        made = await ensure(
            f"person:{key}",
            Person,
            {Person.email: _email(name, org)},
            {Person.name: name, Person.phone: phone},
        )
        people[key] = made.id
    plan = await ensure(
        f"plan:{data.PLAN['slug']}",
        Plan,
        {Plan.slug: data.PLAN["slug"]},
        {
            Plan.name: data.PLAN["name"],
            Plan.start_year: data.PLAN["start_year"],
            Plan.end_year: data.PLAN["end_year"],
            Plan.vision: data.PLAN["vision"],
        },
    )
    actions = {}
    for number, (title, text) in data.CALLS_TO_ACTION.items():
        if plan.id is None:
            break
        made = await ensure(
            f"call_to_action:{number}",
            CallToAction,
            {CallToAction.plan: plan.id, CallToAction.number: number},
            {CallToAction.title: title, CallToAction.description: text},
        )
        actions[number] = made.id
    bodies = await _seed_bodies()
    links = await _seed_links(bodies, actions)
    memberships = 0
    for slug, rows in data.MEMBERSHIPS.items():
        for person, org, role, start, end in rows:
            if None in (bodies[slug], people[person], orgs[org]):
                continue  # someone deleted the body, the person or the organisation
            await ensure(
                f"membership:{slug}:{person}:{role}:{start}",
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


async def _seed_bodies() -> dict[str, int | None]:
    """The demo bodies' ids; a body made now is also placed under its parent."""
    bodies: dict[str, int | None] = {}
    new: set[str] = set()
    for slug, (name, short, kind, _parent, public, _ctas, purpose) in data.BODIES.items():
        made = await ensure(
            f"body:{slug}",
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
        bodies[slug] = made.id
        if made.created:
            new.add(slug)
    for slug in new:
        parent = data.BODIES[slug][3]
        if parent and bodies[parent] is not None:
            await Body.update({Body.reports_to: bodies[parent]}).where(Body.id == bodies[slug])
    return bodies


async def _seed_links(bodies: dict[str, int | None], actions: dict[int, int | None]) -> int:
    links = 0
    for slug, (*_, _parent, _public, ctas, _purpose) in data.BODIES.items():
        for number in ctas:
            if bodies[slug] is None or actions.get(number) is None:
                continue
            await ensure(
                f"body_call_to_action:{slug}:{number}",
                BodyCallToAction,
                {
                    BodyCallToAction.body: bodies[slug],
                    BodyCallToAction.call_to_action: actions[number],
                },
                {},
            )
            links += 1
    return links

"""Reading the governance structure: bodies, members, organisations, the plan."""

from __future__ import annotations

import datetime as dt

from govhub.governance.principal import ANONYMOUS, Principal
from govhub.governance.rules import is_current
from govhub.governance.tables import (
    Body,
    BodyCallToAction,
    BodyKind,
    CallToAction,
    Membership,
    Organisation,
    Plan,
)

__all__ = [
    "body_by_slug",
    "calls_to_action_for",
    "current_plan",
    "memberships_of_body",
    "organisation_by_slug",
    "organisations",
    "representation_of",
    "visible_bodies",
]


async def visible_bodies(principal: Principal = ANONYMOUS) -> list[Body]:
    """The bodies ``principal`` may see, executive group first, then by name."""
    bodies = await Body.objects().order_by(Body.name)
    visible = (b for b in bodies if principal.can_see_body(b))
    return sorted(visible, key=lambda b: (b.kind != BodyKind.executive_group, b.name))


async def body_by_slug(slug: str, principal: Principal = ANONYMOUS) -> Body | None:
    """The body, or None when it does not exist or ``principal`` may not see it (the same)."""
    body = await Body.objects(Body.reports_to).where(Body.slug == slug).first()
    return body if body is not None and principal.can_see_body(body) else None


async def memberships_of_body(body: Body, on: dt.date) -> tuple[list[Membership], list[Membership]]:
    """(current, past) memberships of a body, with person and organisation loaded."""
    rows = (
        await Membership.objects(Membership.person, Membership.organisation)
        .where(Membership.body == body.id)
        .order_by(Membership.start_date)
    )
    current = [m for m in rows if is_current(m, on)]
    past = [m for m in rows if m.end_date is not None and m.end_date < on]
    past.sort(key=lambda m: m.end_date, reverse=True)
    return current, past


async def calls_to_action_for(body: Body) -> list[CallToAction]:
    links = await BodyCallToAction.select(BodyCallToAction.call_to_action).where(
        BodyCallToAction.body == body.id
    )
    ids = [link["call_to_action"] for link in links]
    if not ids:
        return []
    return (
        await CallToAction.objects().where(CallToAction.id.is_in(ids)).order_by(CallToAction.number)
    )


async def current_plan(on: dt.date) -> tuple[Plan | None, list[CallToAction]]:
    """The plan in force in ``on``'s year (else the latest), with its calls to action."""
    plan = (
        await Plan.objects()
        .where((Plan.start_year <= on.year) & (Plan.end_year >= on.year))
        .order_by(Plan.start_year, ascending=False)
        .first()
    )
    if plan is None:
        plan = await Plan.objects().order_by(Plan.end_year, ascending=False).first()
    if plan is None:
        return None, []
    actions = (
        await CallToAction.objects()
        .where(CallToAction.plan == plan.id)
        .order_by(CallToAction.number)
    )
    return plan, actions


async def organisations(sector: str | None = None) -> list[Organisation]:
    query = Organisation.objects().order_by(Organisation.name)
    if sector:
        query = query.where(Organisation.sector == sector)
    return await query


async def organisation_by_slug(slug: str) -> Organisation | None:
    return await Organisation.objects().where(Organisation.slug == slug).first()


async def representation_of(
    org: Organisation, on: dt.date, principal: Principal = ANONYMOUS
) -> list[tuple[Body, list[Membership]]]:
    """The bodies (that ``principal`` may see) an organisation sits on today, and who for it."""
    rows = await Membership.objects(Membership.person, Membership.body).where(
        Membership.organisation == org.id
    )
    by_body: dict[int, tuple[Body, list[Membership]]] = {}
    for m in rows:
        if is_current(m, on) and principal.can_see_body(m.body):
            by_body.setdefault(m.body.id, (m.body, []))[1].append(m)
    return sorted(
        by_body.values(), key=lambda pair: (pair[0].kind != BodyKind.executive_group, pair[0].name)
    )

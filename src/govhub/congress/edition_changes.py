"""Changing a congress edition, and what moving one sends.

A change runs under the places lock (:mod:`govhub.congress.places`), so the number of places
can never drop below the places already given while someone is registering, and the day's
sessions move with the congress. When a congress with registrations moves (its day, times or
venue), its ``sequence`` goes up and everyone registered is written to inside the same
transaction (an updated REQUEST for people with a place); the mail is dispatched after commit,
and the reminders are planned again. More places go to the first people waiting.
"""

from __future__ import annotations

import datetime as dt

from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.edition_setup import (
    EditionPlan,
    edition_values,
    local,
    parse_edition,
    set_calls_to_action,
)
from govhub.congress.notices import queue_confirmation, queue_update
from govhub.congress.registrations import hand_on_places
from govhub.congress.reminders import plan_congress_reminders
from govhub.congress.tables import CongressSession, Edition, Registration, RegistrationStatus
from govhub.governance.principal import Principal
from govhub.mail.services import dispatch_all
from govhub.mail.tables import OutboxMessage
from govhub.settings import get_settings
from govhub.validation import FormError

__all__ = ["update_edition"]


def _moved_session_times(
    session: CongressSession, edition: Edition, plan: EditionPlan
) -> tuple[dt.datetime, dt.datetime]:
    """A session's times on the congress's new day (same time of day)."""
    shift = local(plan.starts_at).date() - local(edition.starts_at).date()
    zone = get_settings().zone

    def moved(moment: dt.datetime) -> dt.datetime:
        here = local(moment)
        return dt.datetime.combine(here.date() + shift, here.time(), tzinfo=zone)

    return moved(session.starts_at), moved(session.ends_at)


async def update_edition(
    principal: Principal, edition: Edition, values: dict[str, str], chosen: list[int]
) -> Edition:
    """Change an edition. Returns it as saved; the mail it writes is dispatched on commit."""
    plan = await parse_edition(principal, values, chosen, new=False)
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id):
        current = await Edition.objects().where(Edition.id == edition.id).first()
        before = edition_values(current)
        # Compared as the form shows them (to the minute), so saving a form unchanged never
        # counts as a move, even for an edition whose times carry seconds.
        if (values.get("date"), values.get("starts"), values.get("ends")) == (
            before["date"],
            before["starts"],
            before["ends"],
        ) or (local(plan.starts_at), local(plan.ends_at)) == (
            local(current.starts_at).replace(second=0, microsecond=0),
            local(current.ends_at).replace(second=0, microsecond=0),
        ):
            plan.starts_at, plan.ends_at = current.starts_at, current.ends_at
        errors: dict[str, str] = {}
        confirmed = await places.confirmed_count(current.id)
        if plan.capacity < confirmed:
            errors["capacity"] = (
                f"The number of places cannot be below the {confirmed} people who already "
                "have a place"
            )
        sessions = await CongressSession.objects().where(CongressSession.edition == current.id)
        new_times = {s.id: _moved_session_times(s, current, plan) for s in sessions}
        outside = [
            s.title
            for s in sessions
            if new_times[s.id][0] < plan.starts_at or new_times[s.id][1] > plan.ends_at
        ]
        if outside:
            errors["starts"] = (
                "The congress's hours must include every session; change these first: "
                + ", ".join(outside)
            )
        if errors:
            raise FormError(errors)
        moved = (
            plan.starts_at != current.starts_at
            or plan.ends_at != current.ends_at
            or plan.venue != current.venue
        )
        current.title = plan.title
        current.theme = plan.theme
        current.starts_at = plan.starts_at
        current.ends_at = plan.ends_at
        current.venue = plan.venue
        current.venue_access = plan.venue_access
        current.capacity = plan.capacity
        current.registration_opens_at = plan.opens_at
        current.registration_closes_at = plan.closes_at
        for session in sessions:
            starts_at, ends_at = new_times[session.id]
            if (starts_at, ends_at) != (session.starts_at, session.ends_at):
                await CongressSession.update(
                    {CongressSession.starts_at: starts_at, CongressSession.ends_at: ends_at}
                ).where(CongressSession.id == session.id)
        registered = (
            await Registration.objects()
            .where(
                (Registration.edition == current.id)
                & Registration.status.is_in(
                    [RegistrationStatus.confirmed, RegistrationStatus.waiting]
                )
            )
            .order_by(Registration.arrival)
        )
        if moved and registered:
            current.sequence += 1
        await current.save()
        await set_calls_to_action(current.id, plan.calls_to_action)
        after = edition_values(current)
        changed = sorted(k for k in after if after[k] != before[k])
        await record(
            principal,
            "congress.edition_changed",
            current,
            summary=f"{current.title}: {', '.join(changed) or 'calls to action'}",
            body_id=current.organising_body,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
        if moved:
            messages.extend(await _tell_registered(current, registered))
        if plan.capacity > confirmed:
            messages.extend(await _offer_places(current))
    await dispatch_all(messages)
    return current


async def _tell_registered(edition: Edition, registered: list[Registration]) -> list[OutboxMessage]:
    """The congress moved: an updated invite to everyone with a place (and their reminders
    planned again), the waiting-list email with the new day, time and venue to the others."""
    messages: list[OutboxMessage] = []
    for registration in registered:
        if registration.status == RegistrationStatus.confirmed:
            if message := await queue_update(edition, registration):
                messages.append(message)
            await plan_congress_reminders(edition, registration)
        elif registration.email:
            # No place yet, so no calendar invite.
            messages.append(await queue_confirmation(edition, registration))
    return messages


async def _offer_places(edition: Edition) -> list[OutboxMessage]:
    """More places: the first people waiting get them (under the lock the caller holds)."""
    messages: list[OutboxMessage] = []
    while await places.confirmed_count(edition.id) < edition.capacity:
        offered = await hand_on_places(edition, set(), True)
        if not offered:
            break
        messages.extend(offered)
    return messages

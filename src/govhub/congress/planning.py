"""Organisers planning a congress: creating and changing an edition, and its programme.

Everything that touches capacity runs under the places lock (:mod:`govhub.congress.places`),
so a capacity can never drop below the places already given while someone is registering.
When a congress with registrations moves (its day, times or venue), its ``sequence`` goes up
and everyone registered is written to inside the same transaction (an updated REQUEST for
people with a place); the mail is dispatched after commit, and the reminders are planned again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.notices import queue_confirmation, queue_update
from govhub.congress.reminders import plan_congress_reminders
from govhub.congress.tables import (
    BookingStatus,
    CongressCallToAction,
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, CallToAction
from govhub.mail.services import dispatch_all
from govhub.mail.tables import OutboxMessage
from govhub.settings import get_settings
from govhub.validation import FormError, parse_date, parse_time, require

__all__ = [
    "EDITION_FIELDS",
    "SESSION_FIELDS",
    "create_edition",
    "edition_values",
    "managed_bodies",
    "remove_session",
    "save_session",
    "session_values",
    "update_edition",
]

EDITION_FIELDS = (
    "title",
    "theme",
    "date",
    "starts",
    "ends",
    "venue",
    "venue_access",
    "capacity",
    "opens_date",
    "opens_time",
    "closes_date",
    "closes_time",
    "organising_body",
)
SESSION_FIELDS = ("title", "description", "starts", "ends", "room", "capacity")
MAX_CAPACITY = 100_000


def _zone():
    return get_settings().zone


def parse_capacity(value: str, errors: dict[str, str], field: str = "capacity") -> int | None:
    value = value.strip()
    if not value:
        errors[field] = "Enter the number of places"
    elif not value.isdigit() or not 1 <= int(value) <= MAX_CAPACITY:
        errors[field] = f"The number of places must be a whole number from 1 to {MAX_CAPACITY:,}"
    else:
        return int(value)
    return None


def _at(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None or time is None:
        return None
    return dt.datetime.combine(day, time, tzinfo=_zone())


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(_zone())


def _hhmm(moment: dt.datetime) -> str:
    return _local(moment).strftime("%H:%M")


def edition_values(edition: Edition) -> dict[str, str]:
    """An edition as its form shows it (local dates and times)."""
    return {
        "title": edition.title,
        "theme": edition.theme,
        "date": _local(edition.starts_at).date().isoformat(),
        "starts": _hhmm(edition.starts_at),
        "ends": _hhmm(edition.ends_at),
        "venue": edition.venue,
        "venue_access": edition.venue_access,
        "capacity": str(edition.capacity),
        "opens_date": _local(edition.registration_opens_at).date().isoformat(),
        "opens_time": _hhmm(edition.registration_opens_at),
        "closes_date": _local(edition.registration_closes_at).date().isoformat(),
        "closes_time": _hhmm(edition.registration_closes_at),
        "organising_body": str(edition.organising_body or ""),
    }


def session_values(session: CongressSession) -> dict[str, str]:
    return {
        "title": session.title,
        "description": session.description,
        "starts": _hhmm(session.starts_at),
        "ends": _hhmm(session.ends_at),
        "room": session.room,
        "capacity": str(session.capacity),
    }


async def managed_bodies(principal: Principal) -> list[tuple[str, str]]:
    """The bodies this person may organise a congress for: (id, name)."""
    rows = await Body.select(Body.id, Body.name).order_by(Body.name)
    return [(str(r["id"]), r["name"]) for r in rows if principal.can_manage_body(r["id"])]


@dataclass
class EditionPlan:
    title: str
    theme: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    venue_access: str
    capacity: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    organising_body: int | None
    calls_to_action: list[int]


async def parse_edition(
    principal: Principal, values: dict[str, str], chosen: list[int], *, new: bool
) -> EditionPlan:
    """Read the edition form; raise FormError with a message next to each field."""
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter the congress's title")
    theme = values.get("theme", "").strip()
    if len(theme) > 500:
        errors["theme"] = "Shorten the theme to 500 characters or fewer"
    day = parse_date(values.get("date", ""), errors, "date", "date of the congress")
    starts_at = _at(day, parse_time(values.get("starts", ""), errors, "starts", "start time"))
    ends_at = _at(day, parse_time(values.get("ends", ""), errors, "ends", "end time"))
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends"] = "The end time must be after the start time"
    venue = require(values, errors, "venue", "Enter the venue's name and address", 1000)
    venue_access = values.get("venue_access", "").strip()
    if len(venue_access) > 4000:
        errors["venue_access"] = "Shorten the accessibility information to 4,000 characters"
    capacity = parse_capacity(values.get("capacity", ""), errors)
    opens_at = _at(
        parse_date(values.get("opens_date", ""), errors, "opens_date", "date registration opens"),
        parse_time(values.get("opens_time", ""), errors, "opens_time", "time registration opens"),
    )
    closes_at = _at(
        parse_date(
            values.get("closes_date", ""), errors, "closes_date", "date registration closes"
        ),
        parse_time(
            values.get("closes_time", ""), errors, "closes_time", "time registration closes"
        ),
    )
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_date"] = "Registration must close after it opens"
    elif closes_at and starts_at and closes_at > starts_at:
        errors["closes_date"] = "Registration must close before the congress starts"
    organising_body = None
    if new:
        raw = values.get("organising_body", "")
        allowed = {key for key, _ in await managed_bodies(principal)}
        if raw not in allowed:
            errors["organising_body"] = "Choose the body that organises the congress"
        else:
            organising_body = int(raw)
    known = {r["id"] for r in await CallToAction.select(CallToAction.id)}
    if errors:
        raise FormError(errors)
    return EditionPlan(
        title=title,
        theme=theme,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        venue_access=venue_access,
        capacity=capacity,
        opens_at=opens_at,
        closes_at=closes_at,
        organising_body=organising_body,
        calls_to_action=sorted({c for c in chosen if c in known}),
    )


def _season(day: dt.date) -> str:
    return "spring" if day.month <= 6 else "autumn"


async def _set_calls_to_action(edition_id: int, chosen: list[int]) -> None:
    await CongressCallToAction.delete().where(CongressCallToAction.edition == edition_id)
    for action_id in chosen:
        await CongressCallToAction(edition=edition_id, call_to_action=action_id).save()


async def create_edition(
    principal: Principal, values: dict[str, str], chosen: list[int]
) -> Edition:
    plan = await parse_edition(principal, values, chosen, new=True)
    day = _local(plan.starts_at).date()
    season = _season(day)
    slug = f"{season}-{day.year}"
    async with Edition._meta.db.transaction():
        if await Edition.exists().where(Edition.slug == slug):
            raise FormError(
                {"date": f"There is already a {season} congress in {day.year}: change that one"}
            )
        edition = Edition(
            slug=slug,
            season=season,
            year=day.year,
            title=plan.title,
            theme=plan.theme,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            venue=plan.venue,
            venue_access=plan.venue_access,
            capacity=plan.capacity,
            registration_opens_at=plan.opens_at,
            registration_closes_at=plan.closes_at,
            organising_body=plan.organising_body,
            uid_salt=slug,
        )
        await edition.save()
        await _set_calls_to_action(edition.id, plan.calls_to_action)
        await record(
            principal,
            "congress.edition_created",
            edition,
            summary=f"{edition.title} ({slug})",
            body_id=plan.organising_body,
        )
    return edition


def _moved_session_times(
    session: CongressSession, edition: Edition, plan: EditionPlan
) -> tuple[dt.datetime, dt.datetime]:
    """A session's times on the congress's new day (same time of day)."""
    shift = _local(plan.starts_at).date() - _local(edition.starts_at).date()
    zone = _zone()

    def moved(moment: dt.datetime) -> dt.datetime:
        local = _local(moment)
        return dt.datetime.combine(local.date() + shift, local.time(), tzinfo=zone)

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
        ) or (_local(plan.starts_at), _local(plan.ends_at)) == (
            _local(current.starts_at).replace(second=0, microsecond=0),
            _local(current.ends_at).replace(second=0, microsecond=0),
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
        await _set_calls_to_action(current.id, plan.calls_to_action)
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
            for registration in registered:
                if registration.status == RegistrationStatus.confirmed:
                    if message := await queue_update(current, registration):
                        messages.append(message)
                    await plan_congress_reminders(current, registration)
                elif registration.email:
                    # No place yet, so no calendar invite: the waiting-list email, with the
                    # new day, time and venue.
                    messages.append(await queue_confirmation(current, registration))
        if plan.capacity > confirmed:
            messages.extend(await _offer_places(current))
    await dispatch_all(messages)
    return current


async def _offer_places(edition: Edition) -> list[OutboxMessage]:
    """More places: the first people waiting get them (under the lock the caller holds)."""
    from govhub.congress.registrations import hand_on_places

    messages: list[OutboxMessage] = []
    while await places.confirmed_count(edition.id) < edition.capacity:
        offered = await hand_on_places(edition, set(), True)
        if not offered:
            break
        messages.extend(offered)
    return messages


@dataclass
class SessionPlan:
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    capacity: int


def parse_session(edition: Edition, values: dict[str, str]) -> SessionPlan:
    errors: dict[str, str] = {}
    title = require(values, errors, "title", "Enter the session's title")
    description = values.get("description", "").strip()
    if len(description) > 4000:
        errors["description"] = "Shorten the description to 4,000 characters or fewer"
    day = _local(edition.starts_at).date()
    starts_at = _at(day, parse_time(values.get("starts", ""), errors, "starts", "start time"))
    ends_at = _at(day, parse_time(values.get("ends", ""), errors, "ends", "end time"))
    hours = f"{_hhmm(edition.starts_at)} to {_hhmm(edition.ends_at)}"
    if starts_at and not edition.starts_at <= starts_at < edition.ends_at:
        errors["starts"] = f"The session must start during the congress ({hours})"
    if ends_at and starts_at and ends_at <= starts_at:
        errors["ends"] = "The end time must be after the start time"
    elif ends_at and ends_at > edition.ends_at:
        errors["ends"] = f"The session must end by the end of the congress ({hours})"
    room = values.get("room", "").strip()
    if len(room) > 200:
        errors["room"] = "Shorten the room to 200 characters or fewer"
    capacity = parse_capacity(values.get("capacity", ""), errors)
    if errors:
        raise FormError(errors)
    return SessionPlan(title, description, starts_at, ends_at, room, capacity)


async def _booked(session_id: int, statuses=None) -> int:
    where = SessionBooking.session == session_id
    if statuses:
        where &= SessionBooking.status.is_in(list(statuses))
    return await SessionBooking.count().where(where)


async def save_session(
    principal: Principal,
    edition: Edition,
    values: dict[str, str],
    session: CongressSession | None = None,
) -> CongressSession:
    """Add a session to the programme, or change one. Parallel sessions are allowed."""
    plan = parse_session(edition, values)
    messages: list[OutboxMessage] = []
    async with places.holding_places(edition.id, [session.id] if session else []):
        if session is None:
            last = (
                await CongressSession.select(CongressSession.position)
                .where(CongressSession.edition == edition.id)
                .order_by(CongressSession.position, ascending=False)
                .first()
            )
            saved = CongressSession(
                edition=edition.id,
                title=plan.title,
                description=plan.description,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                room=plan.room,
                capacity=plan.capacity,
                position=(last["position"] + 1) if last else 0,
            )
            await saved.save()
            await record(
                principal,
                "congress.session_added",
                saved,
                summary=f"{edition.title}: {saved.title}",
                body_id=edition.organising_body,
            )
        else:
            saved = (
                await CongressSession.objects()
                .where((CongressSession.id == session.id) & (CongressSession.edition == edition.id))
                .first()
            )
            taken = await _booked(saved.id, [BookingStatus.confirmed])
            if plan.capacity < taken:
                raise FormError(
                    {
                        "capacity": f"The number of places cannot be below the {taken} people "
                        "who already have a place in this session"
                    }
                )
            before = session_values(saved)
            moved = (plan.starts_at, plan.ends_at, plan.room) != (
                saved.starts_at,
                saved.ends_at,
                saved.room,
            )
            for field in ("title", "description", "starts_at", "ends_at", "room", "capacity"):
                setattr(saved, field, getattr(plan, field))
            await saved.save()
            after = session_values(saved)
            changed = sorted(k for k in after if after[k] != before[k])
            await record(
                principal,
                "congress.session_changed",
                saved,
                summary=f"{edition.title}: {saved.title}: {', '.join(changed) or 'nothing'}",
                body_id=edition.organising_body,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
            if moved:
                messages.extend(await _tell_booked(edition, saved.id))
            if plan.capacity > taken:
                from govhub.congress.registrations import hand_on_places

                messages.extend(await hand_on_places(edition, {saved.id}, False))
    await dispatch_all(messages)
    return saved


async def _tell_booked(edition: Edition, session_id: int) -> list[OutboxMessage]:
    """A session moved: an updated invite to everyone with a place who booked it."""
    rows = await SessionBooking.select(SessionBooking.registration).where(
        SessionBooking.session == session_id
    )
    ids = sorted({r["registration"] for r in rows})
    messages = []
    for registration in await Registration.objects().where(
        Registration.id.is_in(ids or [0]) & (Registration.status == RegistrationStatus.confirmed)
    ):
        registration.sequence += 1
        await registration.save([Registration.sequence])
        if message := await queue_update(edition, registration):
            messages.append(message)
    return messages


async def remove_session(principal: Principal, edition: Edition, session_id: int) -> None:
    """Take a session out of the programme, only while nobody has booked it."""
    async with places.holding_places(edition.id, [session_id]):
        session = (
            await CongressSession.objects()
            .where((CongressSession.id == session_id) & (CongressSession.edition == edition.id))
            .first()
        )
        if session is None:
            return
        booked = await _booked(session.id)
        if booked:
            people = "person has" if booked == 1 else "people have"
            raise FormError(
                {
                    f"remove-{session.id}": f"You cannot remove {session.title}: {booked} "
                    f"{people} booked it or are waiting for it. Change it instead, or ask "
                    "them to change their sessions first."
                }
            )
        await CongressSession.delete().where(CongressSession.id == session.id)
        await record(
            principal,
            "congress.session_removed",
            session,
            summary=f"{edition.title}: {session.title}",
            body_id=edition.organising_body,
        )

"""What is a congress edition made of, and how does an organiser set one up?

The edition form's fields, how what was typed is read and checked (an :class:`EditionPlan`,
or a :class:`~govhub.validation.FormError` with a message next to each field), and
:func:`create_edition`. Changing an edition, and what moving one sends, is in
:mod:`govhub.congress.edition_changes`; its programme in :mod:`govhub.congress.programme_planning`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub.audit.services import record
from govhub.congress.organiser import bodies_to_organise
from govhub.congress.tables import CongressCallToAction, Edition
from govhub.governance.principal import Principal
from govhub.governance.tables import CallToAction
from govhub.settings import get_settings
from govhub.validation import FormError, parse_date, parse_time, require, whole_number

__all__ = [
    "EDITION_FIELDS",
    "MAX_CAPACITY",
    "EditionPlan",
    "at_local",
    "chosen_calls_to_action",
    "create_edition",
    "edition_values",
    "local",
    "local_hhmm",
    "parse_capacity",
    "parse_edition",
    "set_calls_to_action",
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
MAX_CAPACITY = 100_000


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the partnership's time zone."""
    return moment.astimezone(get_settings().zone)


def local_hhmm(moment: dt.datetime) -> str:
    """``moment``'s local time as a form's time field shows it: ``18:30``."""
    return local(moment).strftime("%H:%M")


def at_local(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    """The moment ``time`` on ``day`` in the partnership's time zone (None if either is)."""
    if day is None or time is None:
        return None
    return dt.datetime.combine(day, time, tzinfo=get_settings().zone)


def parse_capacity(value: str, errors: dict[str, str], field: str = "capacity") -> int | None:
    """A number of places, from 1 to :data:`MAX_CAPACITY`."""
    value = value.strip()
    if not value:
        errors[field] = "Enter the number of places"
    elif (places := whole_number(value, 1, MAX_CAPACITY)) is None:
        errors[field] = f"The number of places must be a whole number from 1 to {MAX_CAPACITY:,}"
    else:
        return places
    return None


def edition_values(edition: Edition) -> dict[str, str]:
    """An edition as its form shows it (local dates and times)."""
    return {
        "title": edition.title,
        "theme": edition.theme,
        "date": local(edition.starts_at).date().isoformat(),
        "starts": local_hhmm(edition.starts_at),
        "ends": local_hhmm(edition.ends_at),
        "venue": edition.venue,
        "venue_access": edition.venue_access,
        "capacity": str(edition.capacity),
        "opens_date": local(edition.registration_opens_at).date().isoformat(),
        "opens_time": local_hhmm(edition.registration_opens_at),
        "closes_date": local(edition.registration_closes_at).date().isoformat(),
        "closes_time": local_hhmm(edition.registration_closes_at),
        "organising_body": str(edition.organising_body or ""),
    }


@dataclass
class EditionPlan:
    """An edition form, read and checked."""

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
    starts_at = at_local(day, parse_time(values.get("starts", ""), errors, "starts", "start time"))
    ends_at = at_local(day, parse_time(values.get("ends", ""), errors, "ends", "end time"))
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends"] = "The end time must be after the start time"
    venue = require(values, errors, "venue", "Enter the venue's name and address", 1000)
    venue_access = values.get("venue_access", "").strip()
    if len(venue_access) > 4000:
        errors["venue_access"] = "Shorten the accessibility information to 4,000 characters"
    capacity = parse_capacity(values.get("capacity", ""), errors)
    opens_at = at_local(
        parse_date(values.get("opens_date", ""), errors, "opens_date", "date registration opens"),
        parse_time(values.get("opens_time", ""), errors, "opens_time", "time registration opens"),
    )
    closes_at = at_local(
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
        allowed = {key for key, _ in await bodies_to_organise(principal)}
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


async def chosen_calls_to_action(edition: Edition) -> list[int]:
    """The ids of the calls to action the edition takes up, as its form ticks them."""
    rows = await CongressCallToAction.select(CongressCallToAction.call_to_action).where(
        CongressCallToAction.edition == edition.id
    )
    return [r["call_to_action"] for r in rows]


async def set_calls_to_action(edition_id: int, chosen: list[int]) -> None:
    """The partnership plan's calls to action this edition takes up (replacing the last set)."""
    await CongressCallToAction.delete().where(CongressCallToAction.edition == edition_id)
    for action_id in chosen:
        await CongressCallToAction(edition=edition_id, call_to_action=action_id).save()


async def create_edition(
    principal: Principal, values: dict[str, str], chosen: list[int]
) -> Edition:
    """A new edition from its form: one per season and year (``spring-2027``)."""
    plan = await parse_edition(principal, values, chosen, new=True)
    day = local(plan.starts_at).date()
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
        await set_calls_to_action(edition.id, plan.calls_to_action)
        await record(
            principal,
            "congress.edition_created",
            edition,
            summary=f"{edition.title} ({slug})",
            body_id=plan.organising_body,
        )
    return edition

"""The demo congress for ``govhub seed-demo``: the next spring or autumn congress whose
registration has not closed, with six workshops. Registration is open from the day of seeding
(rather than eight weeks before), so the demo can be tried at once."""

from __future__ import annotations

import datetime as dt

from govhub import clock
from govhub.congress.rules import next_open_edition
from govhub.congress.tables import CongressCallToAction, CongressSession, Edition
from govhub.demo.records import ensure, known
from govhub.governance.tables import Body, CallToAction
from govhub.settings import get_settings

__all__ = ["seed_congress"]

VENUE = "Town Hall, 160 Whitechapel Road, London E1 1BJ"
ACCESS = (
    "Step-free entrance on Whitechapel Road, with lifts to every floor. Hearing loops in the "
    "main hall and every workshop room. Accessible toilets on every floor, a changing place "
    "on the ground floor, and a quiet room. Whitechapel station (step-free from street to "
    "train) is two minutes' walk; buses 25, 205 and 254 stop outside."
)
THEMES = {
    "spring": "A Tower Hamlets for All: homes, health and the cost of living",
    "autumn": "A Tower Hamlets for All: young people, safety and good work",
}
# (title, start hour, start minute, minutes, room, capacity, description)
WORKSHOPS = [
    (
        "Workshop 1: Homes and neighbourhoods",
        11,
        0,
        75,
        "Room 1.01",
        40,
        "Repairs, overcrowding and what makes a street feel safe and welcoming.",
    ),
    (
        "Workshop 2: Mental health and wellbeing",
        11,
        0,
        75,
        "Room 1.02",
        40,
        "Where to get help early, and what would make it easier to ask.",
    ),
    (
        "Workshop 3: Work, skills and the cost of living",
        11,
        0,
        75,
        "Room 2.01",
        40,
        "Training, jobs and advice, with the council, DWP and local employers.",
    ),
    (
        "Workshop 4: Children and young people",
        13,
        45,
        75,
        "Room 1.01",
        40,
        "A child-friendly borough: what children and young people told us, and what is next.",
    ),
    (
        "Workshop 5: A fair, inclusive and anti-racist borough",
        13,
        45,
        75,
        "Room 1.02",
        40,
        "Tackling discrimination in services and at work.",
    ),
    (
        "Workshop 6: Health services near you",
        13,
        45,
        75,
        "Room 2.01",
        40,
        "GPs, pharmacies and community health: what works and what does not.",
    ),
]


async def seed_congress() -> dict[str, int]:
    zone = get_settings().zone
    now = clock.now()
    dates = next_open_edition(now, zone)
    opens = min(dates.opens_at, dt.datetime.combine(now.date(), dt.time(0), tzinfo=zone))
    organisers = await known("body:partnership-executive-group", Body)
    edition = await ensure(
        f"congress_edition:{dates.slug}",
        Edition,
        {Edition.slug: dates.slug},
        {
            Edition.season: dates.season,
            Edition.year: dates.year,
            Edition.title: f"{dates.season.capitalize()} Congress {dates.year}",
            Edition.theme: THEMES[dates.season],
            Edition.starts_at: dates.starts_at,
            Edition.ends_at: dates.ends_at,
            Edition.venue: VENUE,
            Edition.venue_access: ACCESS,
            Edition.capacity: 300,
            Edition.registration_opens_at: opens,
            Edition.registration_closes_at: dates.closes_at,
            Edition.organising_body: organisers,
            Edition.uid_salt: dates.slug,
        },
    )
    if edition.id is None:
        return {"congress_editions": 0, "congress_sessions": 0}  # someone deleted it
    for position, (title, hour, minute, minutes, room, capacity, text) in enumerate(WORKSHOPS):
        starts = dt.datetime.combine(dates.day, dt.time(hour, minute), tzinfo=zone)
        await ensure(
            f"congress_session:{dates.slug}:{position}",
            CongressSession,
            {CongressSession.edition: edition.id, CongressSession.title: title},
            {
                CongressSession.starts_at: starts,
                CongressSession.ends_at: starts + dt.timedelta(minutes=minutes),
                CongressSession.room: room,
                CongressSession.capacity: capacity,
                CongressSession.position: position,
                CongressSession.description: text,
            },
        )
    for number in (1, 3, 4):
        action_id = await known(f"call_to_action:{number}", CallToAction)
        if action_id is None:
            continue
        await ensure(
            f"congress_call_to_action:{dates.slug}:{number}",
            CongressCallToAction,
            {
                CongressCallToAction.edition: edition.id,
                CongressCallToAction.call_to_action: action_id,
            },
            {},
        )
    return {"congress_editions": 1, "congress_sessions": len(WORKSHOPS)}

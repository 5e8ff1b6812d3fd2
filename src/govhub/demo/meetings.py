"""Demo meetings for ``govhub seed-demo``: series, a published agenda, terms of reference.

Dates are fixed (not "today") and every row has a stable key, so seeding twice leaves the
same rows, and a meeting a secretary changed stays as they left it.
"""

from __future__ import annotations

import datetime as dt

from govhub.demo.records import ensure, known
from govhub.governance.tables import Body
from govhub.meetings.agenda import STANDARD_TITLES
from govhub.meetings.recurrence import occurrences, rule_for
from govhub.meetings.tables import (
    AgendaItem,
    Meeting,
    MeetingSeries,
    StandardItem,
    TermsOfReference,
)
from govhub.settings import get_settings

__all__ = ["seed_meetings"]

# body slug: (title, first local start, pattern, count, minutes, venue, online link)
SERIES = {
    "partnership-executive-group": (
        "Partnership Executive Group",
        dt.datetime(2026, 1, 6, 10, 0),
        "quarterly",
        8,
        120,
        "Town Hall, 160 Whitechapel Road, London E1 1BJ (step-free access)",
        "",
    ),
    "community-safety-partnership": (
        "Community Safety Partnership board",
        dt.datetime(2026, 9, 1, 18, 0),
        "monthly",
        12,
        90,
        "Committee Room 1, Town Hall, 160 Whitechapel Road, London E1 1BJ",
        "https://meet.example.org/csp",
    ),
    "health-and-wellbeing-board": (
        "Health and Wellbeing Board",
        dt.datetime(2026, 10, 14, 14, 0),
        "monthly",
        6,
        120,
        "Mile End Hospital, Bancroft Road, London E1 4DG",
        "",
    ),
}

AGENDA = [  # (title, presenter, purpose, minutes, confidential)
    (
        "Knife crime and serious violence: the new strategy",
        "Tom Baker, Metropolitan Police",
        "decision",
        25,
        False,
    ),
    ("Safer neighbourhoods: residents' survey results", "Rezaul Hoque", "discussion", 20, False),
    ("Case review: individuals at high risk", "Siobhan Brennan", "discussion", 15, True),
]

TERMS = {
    "partnership-executive-group": dict(
        quorum_members=7,
        quorum_min_organisations=5,
        quorum_required_roles="chair,vice_chair",
        meeting_frequency="Quarterly, on the first Tuesday of the quarter",
        reporting="Reports to the Tower Hamlets Partnership congress twice a year",
        decision_making="By consensus; where consensus cannot be reached, by a majority of the "
        "members present, the chair having a casting vote.",
        membership="Senior officers of each member organisation; the council's chief executive "
        "chairs.",
        review_date=dt.date(2027, 1, 5),
    ),
    "community-safety-partnership": dict(
        quorum_members=4,
        quorum_min_organisations=3,
        quorum_required_roles="chair,vice_chair",
        meeting_frequency="Monthly, on the first Tuesday",
        reporting="Reports into the Partnership Executive Group",
        decision_making="By consensus of the statutory partners present.",
        membership="The police, fire brigade, council, probation, health and the voluntary sector.",
        review_date=dt.date(2026, 12, 15),
    ),
}


async def seed_meetings() -> dict[str, int]:
    zone = get_settings().zone
    bodies = {slug: await _body(slug) for slug in (*SERIES, *TERMS)}
    meetings = 0
    for slug, (title, first, pattern, count, minutes, venue, link) in SERIES.items():
        body = bodies[slug]
        if body is None:
            continue  # someone deleted the body
        rule = rule_for(pattern, first.date(), count)
        series = await ensure(
            f"meeting_series:{slug}",
            MeetingSeries,
            {MeetingSeries.body: body.id, MeetingSeries.rrule: rule},
            {
                MeetingSeries.title: title,
                MeetingSeries.first_starts_at: first.replace(tzinfo=zone),
                MeetingSeries.duration_minutes: minutes,
                MeetingSeries.venue: venue,
                MeetingSeries.online_link: link,
                MeetingSeries.is_public: True,
            },
        )
        for start in occurrences(rule, first, zone):
            day = start.date().isoformat()
            await ensure(
                f"meeting:{slug}:{day}",
                Meeting,
                {Meeting.uid: f"demo-{slug}-{day}@govhub.invalid"},
                {
                    Meeting.body: body.id,
                    Meeting.series: series.id,
                    Meeting.title: title,
                    Meeting.starts_at: start,
                    Meeting.ends_at: start + dt.timedelta(minutes=minutes),
                    Meeting.venue: venue,
                    Meeting.online_link: link,
                    Meeting.is_public: True,
                },
            )
            meetings += 1
    items = await _seed_agenda()
    for slug, fields in TERMS.items():
        body = bodies[slug]
        if body is None:
            continue
        await ensure(
            f"terms_of_reference:{slug}:1",
            TermsOfReference,
            {TermsOfReference.body: body.id, TermsOfReference.version: 1},
            {
                TermsOfReference.state: "approved",
                TermsOfReference.purpose: body.purpose,
                TermsOfReference.approved_on: dt.date(2026, 1, 6),
                **{getattr(TermsOfReference, k): v for k, v in fields.items()},
            },
        )
    return {"meetings": meetings, "agenda_items": items, "terms_of_reference": len(TERMS)}


async def _body(slug: str) -> Body | None:
    body_id = await known(f"body:{slug}", Body)
    return await Body.objects().where(Body.id == body_id).first() if body_id else None


async def _seed_agenda() -> int:
    """The Community Safety Partnership's December agenda, published when the demo made it."""
    meeting_id = await known("meeting:community-safety-partnership:2026-12-01", Meeting)
    if meeting_id is None:
        return 0
    items = [
        (STANDARD_TITLES[s][0], "", STANDARD_TITLES[s][1].value, None, False, s.value)
        for s in (
            StandardItem.apologies,
            StandardItem.declarations,
            StandardItem.minutes,
            StandardItem.matters_arising,
        )
    ]
    items += [(*row, None) for row in AGENDA]
    items.append(
        (
            STANDARD_TITLES[StandardItem.aob][0],
            "",
            "discussion",
            None,
            False,
            StandardItem.aob.value,
        )
    )
    made_now = False
    for position, (title, presenter, purpose, minutes, confidential, standard) in enumerate(
        items, 1
    ):
        made = await ensure(
            f"agenda_item:community-safety-partnership:2026-12-01:{position}",
            AgendaItem,
            {AgendaItem.meeting: meeting_id, AgendaItem.position: position},
            {
                AgendaItem.number: str(position),
                AgendaItem.exempt_reason: 3 if confidential else None,
                AgendaItem.title: title,
                AgendaItem.presenter: presenter,
                AgendaItem.purpose: purpose,
                AgendaItem.minutes_allotted: minutes,
                AgendaItem.is_confidential: confidential,
                AgendaItem.standard: standard,
            },
        )
        made_now = made_now or made.created
    if made_now:
        await Meeting.update(
            {
                Meeting.agenda_state: "published",
                Meeting.agenda_published_at: dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
            }
        ).where(Meeting.id == meeting_id)
    return len(items)

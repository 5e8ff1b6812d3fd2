"""Set-up steps that run inside govhub, against the database its environment names.

``python bench/tasks.py NAME [ARGS]`` prints one JSON line; bench/run.py calls it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
import uuid


async def urls() -> dict:
    """The pages to measure: the demo meeting with the longest published agenda and its body."""
    from govhub.meetings.tables import AgendaItem, AgendaState, Meeting

    meetings = await Meeting.objects(Meeting.body).where(
        (Meeting.agenda_state == AgendaState.published) & (Meeting.is_public == True)  # noqa: E712
    )
    meetings = [m for m in meetings if m.body.is_public]
    if not meetings:
        raise SystemExit("the demo data has no public meeting with a published agenda")
    counts = {m.id: await AgendaItem.count().where(AgendaItem.meeting == m.id) for m in meetings}
    meeting = max(meetings, key=lambda m: counts[m.id])
    return {
        "meeting": f"/meetings/{meeting.id}",
        "meeting_items": counts[meeting.id],
        "body": f"/bodies/{meeting.body.slug}",
    }


async def member(body_slug: str) -> dict:
    """A member of ``body_slug`` who can sign in with a password: what a member's pages cost."""
    from govhub.accounts.secrets import hash_password
    from govhub.accounts.tables import User
    from govhub.governance.tables import Body, Membership, Organisation, Person

    body = await Body.objects().where(Body.slug == body_slug).first()
    org = await Organisation.objects().first()
    person = Person(name="Bench Reader", email="bench.reader@example.org")
    await person.save()
    password = "bench reader password 1234"
    await User(person=person.id, email=person.email, password_hash=hash_password(password)).save()
    await Membership(
        person=person.id,
        body=body.id,
        organisation=org.id,
        role="member",
        start_date=dt.date.today() - dt.timedelta(days=30),
    ).save()
    return {"email": person.email, "password": password}


async def queue_invites(count: str) -> dict:
    """``count`` meeting invitations (text, HTML and an iTIP part) into the outbox, dispatched."""
    from arq.connections import ArqRedis

    from govhub import queue
    from govhub.calendar.ics import CalAddress, CalendarEvent, build_calendar
    from govhub.mail.services import CalendarPart, dispatch, queue_mail
    from govhub.settings import get_settings

    settings = get_settings()
    pool = ArqRedis.from_url(settings.redis_url)
    queue.set_queue(pool)
    starts = dt.datetime(2027, 3, 2, 18, 0, tzinfo=dt.UTC)
    event = CalendarEvent(
        uid=f"{uuid.uuid4()}@govhub",
        sequence=0,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        summary="Health and Wellbeing Board",
        organiser=CalAddress(email="secretary@example.org", name="Board secretary"),
        location="Town Hall, 160 Whitechapel Road",
        description="The agenda will be published a week before.",
        url=f"{settings.base_url}/meetings/1",
    )
    ics = build_calendar([event], method="REQUEST", time_zone=settings.time_zone)
    context = {
        "change": "",
        "name": "Member",
        "body_name": "Health and Wellbeing Board",
        "title": "Health and Wellbeing Board meeting",
        "when": "Tuesday 2 March 2027, 6pm",
        "day": "Tuesday 2 March 2027",
        "time": "6pm",
        "ends": "8pm",
        "venue": "Town Hall, 160 Whitechapel Road",
        "online_link": "",
        "agenda_published": False,
        "url": f"{settings.base_url}/meetings/1",
    }
    started = time.perf_counter()
    messages = []
    for n in range(int(count)):
        messages.append(
            await queue_mail(
                to=f"member{n}@example.org",
                template="meeting_invite",
                context=context,
                kind="bench.invite",
                calendar=CalendarPart(ics=ics, method="REQUEST"),
            )
        )
    queued = time.perf_counter()
    for message in messages:
        await dispatch(message)
    await pool.aclose()
    return {
        "queued": len(messages),
        "queue_seconds": queued - started,
        "dispatch_seconds": time.perf_counter() - queued,
        "bytes": len(messages[0].text_body) + len(messages[0].html_body) + len(ics),
    }


async def feed_member(years: str = "5") -> dict:
    """A member of three bodies, each meeting monthly for ``years`` years (half past, half
    future), and their personal feed URL; {"missing": why} until the feed exists."""
    try:
        from govhub.calendar.feed_tokens import feed_token_for
    except ImportError as error:
        return {"missing": f"govhub.calendar.feed_tokens.feed_token_for: {error}"}
    from govhub.accounts.secrets import hash_password
    from govhub.accounts.tables import User
    from govhub.governance.tables import Body, Membership, Organisation, Person
    from govhub.meetings.tables import Meeting

    org = Organisation(name="Bench Organisation", slug="bench-org", sector="voluntary")
    await org.save()
    person = Person(name="Bench Member", email="bench.member@example.org")
    await person.save()
    user = User(person=person.id, email=person.email, password_hash=hash_password("x" * 12))
    await user.save()
    months = int(years) * 12
    first = dt.datetime.now(dt.UTC).replace(day=1, hour=18, minute=0, second=0, microsecond=0)
    first -= dt.timedelta(days=30 * (months // 2))
    meetings = 0
    for n in range(3):
        body = Body(name=f"Bench Board {n}", slug=f"bench-board-{n}", kind="thematic_board")
        await body.save()
        await Membership(
            person=person.id,
            body=body.id,
            organisation=org.id,
            role="member",
            start_date=(first - dt.timedelta(days=40)).date(),
        ).save()
        rows = []
        for month in range(months):
            starts = first + dt.timedelta(days=30 * month + 7 * n)
            rows.append(
                Meeting(
                    body=body.id,
                    title=f"Bench Board {n} meeting",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    uid=f"{uuid.uuid4()}@govhub",
                    venue="Town Hall, 160 Whitechapel Road",
                )
            )
        await Meeting.insert(*rows)
        meetings += len(rows)
    token = await feed_token_for(user.id)
    return {"url": f"/calendar/{token}.ics", "meetings": meetings}


async def congress_edition(capacity: str = "300") -> dict:
    """A congress open for registration with ``capacity`` places and one 50-place workshop."""
    from govhub.congress.tables import CongressSession, Edition

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    starts = now + dt.timedelta(days=30)
    edition = Edition(
        slug="bench-2099",
        season="spring",
        year=2099,
        title="Bench Congress",
        theme="Homes and health",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=5),
        venue="Town Hall, 160 Whitechapel Road",
        capacity=int(capacity),
        registration_opens_at=now - dt.timedelta(days=1),
        registration_closes_at=starts - dt.timedelta(days=2),
        uid_salt="bench",
    )
    await edition.save()
    workshop = CongressSession(
        edition=edition.id,
        title="Workshop",
        starts_at=starts + dt.timedelta(hours=1),
        ends_at=starts + dt.timedelta(hours=2),
        room="Room 1",
        capacity=50,
        position=0,
    )
    await workshop.save()
    return {"slug": edition.slug, "id": edition.id, "session": workshop.id}


async def congress_outcome(edition_id: str) -> dict:
    from govhub.congress.tables import Registration

    rows = await Registration.select(Registration.status).where(
        Registration.edition == int(edition_id)
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


TASKS = {
    "urls": urls,
    "queue-invites": queue_invites,
    "feed-member": feed_member,
    "congress-edition": congress_edition,
    "congress-outcome": congress_outcome,
    "member": member,
}


async def main(name: str, *args: str) -> None:
    from piccolo.engine import engine_finder

    from govhub import db

    engine = engine_finder()
    await db.open_engine(engine)
    try:
        result = await TASKS[name](*args)
    finally:
        await db.close_engine(engine)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))

"""Never overbooked: 1,000 people register at once for 300 places.

Run on SQLite by default and on PostgreSQL by ``.ci/postgres-redis-tests``. The control run
switches the lock off and must overbook, or this test would prove nothing.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from govhub.congress import places, registrations
from govhub.congress.tables import Registration, SessionBooking

from .conftest import registration_form

PEOPLE = 1000
PLACES = 300
SESSION_PLACES = 50


@pytest.fixture
def locking(monkeypatch):
    def switch(mode: str) -> None:
        monkeypatch.setattr(places, "LOCKING", mode)

    return switch


async def register_everyone(edition, people: int = PEOPLE) -> tuple[list, float]:
    workshop = edition.sessions[0]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(registrations.register(edition, registration_form(n, [workshop])) for n in range(people)),
        return_exceptions=True,
    )
    return results, time.perf_counter() - started


async def outcome(edition) -> dict:
    rows = await Registration.select(
        Registration.email, Registration.status, Registration.arrival
    ).where(Registration.edition == edition.id)
    session_places = await SessionBooking.count().where(
        (SessionBooking.session == edition.sessions[0].id) & (SessionBooking.status == "confirmed")
    )
    return {
        "confirmed": [r for r in rows if r["status"] == "confirmed"],
        "waiting": [r for r in rows if r["status"] == "waiting"],
        "session_places": session_places,
    }


async def test_a_thousand_at_once_for_three_hundred_places(app, make_edition, locking):
    locking("full")
    edition = await make_edition(
        capacity=PLACES, sessions=[{"title": "Workshop 3", "capacity": SESSION_PLACES}]
    )
    results, seconds = await register_everyone(edition)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    seen = await outcome(edition)
    print(f"\n{PEOPLE} registrations for {PLACES} places in {seconds:.1f}s")
    assert len(seen["confirmed"]) == PLACES
    assert len(seen["waiting"]) == PEOPLE - PLACES
    assert seen["session_places"] == SESSION_PLACES
    # Arrival order: everyone got the number of their turn at the lock, once each; the first
    # 300 have the places and the waiting list runs on from 301 in order. In this process the
    # turn is the order the requests came in: person n was the (n+1)th to ask.
    arrival = {r["email"]: r["arrival"] for r in seen["confirmed"] + seen["waiting"]}
    assert sorted(arrival.values()) == list(range(1, PEOPLE + 1))
    assert all(r["arrival"] <= PLACES for r in seen["confirmed"])
    assert all(r["arrival"] > PLACES for r in seen["waiting"])
    assert all(arrival[f"resident{n}@example.org"] == n + 1 for n in range(PEOPLE))
    # The manage pages number the waiting list from the arrival order.
    assert [r.registration.arrival for r in results[PLACES:]] == list(range(PLACES + 1, PEOPLE + 1))


async def test_the_database_lock_alone_holds(app, make_edition, locking):
    """Without the in-process queue every request waits on the database's own lock, as
    requests in several web processes do."""
    locking("database")
    edition = await make_edition(
        capacity=PLACES, sessions=[{"title": "Workshop 3", "capacity": SESSION_PLACES}]
    )
    results, seconds = await register_everyone(edition)
    assert [r for r in results if isinstance(r, BaseException)] == []
    seen = await outcome(edition)
    print(f"\n{PEOPLE} registrations, database lock only, in {seconds:.1f}s")
    assert len(seen["confirmed"]) == PLACES
    assert len(seen["waiting"]) == PEOPLE - PLACES
    assert seen["session_places"] == SESSION_PLACES
    arrivals = sorted(r["arrival"] for r in seen["confirmed"] + seen["waiting"])
    assert arrivals == list(range(1, PEOPLE + 1))
    assert max(r["arrival"] for r in seen["confirmed"]) == PLACES


async def test_control_without_the_lock_it_overbooks(app, make_edition, locking):
    """The same load with the lock switched off: the test above would catch this."""
    locking("off")
    edition = await make_edition(
        capacity=PLACES, sessions=[{"title": "Workshop 3", "capacity": SESSION_PLACES}]
    )
    results, seconds = await register_everyone(edition)
    seen = await outcome(edition)
    errors = [r for r in results if isinstance(r, BaseException)]
    print(
        f"\nno lock: {len(seen['confirmed'])} confirmed for {PLACES} places, "
        f"{seen['session_places']} in a {SESSION_PLACES}-place session, "
        f"{len(errors)} errors, {seconds:.1f}s"
    )
    assert len(seen["confirmed"]) > PLACES or seen["session_places"] > SESSION_PLACES

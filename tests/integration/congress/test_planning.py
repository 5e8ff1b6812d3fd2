"""Organisers planning a congress: a new edition through the form, changing one (and what
registrants are sent when it moves), and the programme."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govhub import clock
from govhub.audit.tables import AuditEntry
from govhub.calendar.tables import Reminder
from govhub.congress import registrations
from govhub.congress.edition_setup import edition_values
from govhub.congress.tables import (
    CongressCallToAction,
    CongressSession,
    Edition,
    Registration,
)
from govhub.governance.tables import CallToAction, Plan
from govhub.settings import get_settings

from .conftest import registration_form
from .test_places import calendar_of


@pytest.fixture
async def organising_body(make_body):
    return await make_body(name="Partnership Executive Group", slug="peg")


@pytest.fixture
async def secretary(make_user, make_membership, make_person, organising_body, signed_in_client):
    person = await make_person(name="Claire Dunn")
    await make_membership(person=person, body=organising_body, role="secretary")
    return await signed_in_client(await make_user(person=person))


@pytest.fixture
async def member(make_user, make_membership, make_person, organising_body, signed_in_client):
    person = await make_person(name="Hodan Abdi")
    await make_membership(person=person, body=organising_body, role="member")
    return await signed_in_client(await make_user(person=person))


def day_times() -> dict:
    """A congress from 10:00 to 16:00 on one day (the factory's may cross midnight)."""
    day = (clock.now() + dt.timedelta(days=30)).date()
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=get_settings().zone)
    return {
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=6),
        "registration_closes_at": starts - dt.timedelta(days=2),
    }


@pytest.fixture
async def edition(make_edition, organising_body):
    return await make_edition(
        **day_times(),
        organising_body=organising_body.id,
        capacity=40,
        sessions=[{"title": "Workshop 1: Homes", "capacity": 2}, {"title": "Workshop 2"}],
    )


async def token(client, url: str) -> str:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    return re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


def new_edition_form(organising_body, **fields) -> dict:
    day = (clock.now() + dt.timedelta(days=400)).date()
    data = {
        "organising_body": str(organising_body.id),
        "title": "Autumn Congress",
        "theme": "Young people, safety and good work",
        "date": day.isoformat(),
        "starts": "10:00",
        "ends": "16:00",
        "venue": "Town Hall, 160 Whitechapel Road",
        "venue_access": "Step-free entrance, hearing loops",
        "capacity": "250",
        "opens_date": (day - dt.timedelta(days=56)).isoformat(),
        "opens_time": "09:00",
        "closes_date": (day - dt.timedelta(days=2)).isoformat(),
        "closes_time": "23:59",
    }
    data.update(fields)
    return data


async def test_an_organiser_creates_an_edition_through_the_form(app, secretary, organising_body):
    plan = Plan(name="Tower Hamlets Plan", slug="plan", start_year=2023, end_year=2028)
    await plan.save()
    actions = []
    for number in (1, 2):
        action = CallToAction(plan=plan.id, number=number, title=f"Call {number}")
        await action.save()
        actions.append(action)
    index = await secretary.get("/congress/organise")
    assert 'href="/congress/organise/new"' in index.text
    csrf = await token(secretary, "/congress/organise/new")
    data = new_edition_form(organising_body, _csrf=csrf, calls_to_action=[str(actions[1].id)])
    response = await secretary.post("/congress/organise/new", data=data)
    assert response.status_code == 303, response.text
    edition = await Edition.objects().first()
    assert response.headers["location"] == f"/congress/organise/{edition.slug}"
    assert edition.title == "Autumn Congress" and edition.capacity == 250
    assert edition.organising_body == organising_body.id
    assert edition.slug.split("-")[0] in ("spring", "autumn")
    assert edition.ends_at - edition.starts_at == dt.timedelta(hours=6)
    assert edition.registration_closes_at < edition.starts_at
    links = await CongressCallToAction.select(CongressCallToAction.call_to_action)
    assert [r["call_to_action"] for r in links] == [actions[1].id]
    assert await AuditEntry.exists().where(AuditEntry.action == "congress.edition_created")
    dashboard = await secretary.get(response.headers["location"])
    assert f"/congress/organise/{edition.slug}/edit" in dashboard.text
    assert f"/congress/organise/{edition.slug}/programme" in dashboard.text


async def test_bad_input_is_refused_with_messages_and_keeps_what_was_typed(
    app, secretary, organising_body
):
    csrf = await token(secretary, "/congress/organise/new")
    data = new_edition_form(
        organising_body,
        _csrf=csrf,
        title="Typed title",
        date="31/2/2027",
        starts="15:00",
        ends="11:00",
        opens_date="2027-02-10",
        closes_date="2027-02-01",
    )
    response = await secretary.post("/congress/organise/new", data=data)
    assert response.status_code == 400
    assert "The date of the congress must be a real date" in response.text
    assert "Registration must close after it opens" in response.text
    assert 'value="Typed title"' in response.text and 'value="31/2/2027"' in response.text
    assert await Edition.count() == 0

    data = new_edition_form(organising_body, _csrf=csrf, starts="15:00", ends="11:00")
    response = await secretary.post("/congress/organise/new", data=data)
    assert response.status_code == 400
    assert "The end time must be after the start time" in response.text


async def test_capacity_cannot_go_below_the_places_given(app, edition, secretary):
    for n in range(3):
        await registrations.register(edition, registration_form(n))
    url = f"/congress/organise/{edition.slug}/edit"
    csrf = await token(secretary, url)
    values = edition_values(edition)
    values.update(_csrf=csrf, capacity="2")
    response = await secretary.post(url, data=values)
    assert response.status_code == 400
    assert "cannot be below the 3 people who already have a place" in response.text
    assert 'value="2"' in response.text
    assert (await Edition.objects().where(Edition.id == edition.id).first()).capacity == 40


async def test_a_member_who_does_not_organise_gets_404(app, edition, member, organising_body):
    for url in (
        "/congress/organise/new",
        f"/congress/organise/{edition.slug}/edit",
        f"/congress/organise/{edition.slug}/programme",
        f"/congress/organise/{edition.slug}/programme/{edition.sessions[0].id}",
    ):
        assert (await member.get(url)).status_code == 404, url
    # Posting with a real token from a page they may see is still refused.
    csrf = await token(member, f"/congress/organise/{edition.slug}/check-in")
    moved = await member.post(
        f"/congress/organise/{edition.slug}/edit", data={"_csrf": csrf, "title": "Mine"}
    )
    assert moved.status_code == 404
    created = await member.post(
        "/congress/organise/new", data=new_edition_form(organising_body, _csrf=csrf)
    )
    assert created.status_code == 404
    assert await Edition.count() == 1


async def test_moving_the_date_sends_updated_requests_with_a_higher_sequence(
    app, smtp_sink, make_edition, organising_body, secretary
):
    edition = await make_edition(
        **day_times(),
        organising_body=organising_body.id,
        capacity=1,
        sessions=[{"title": "Workshop 1"}],
    )
    await registrations.register(
        edition, registration_form(1, [edition.sessions[0]], email="rahim@example.org")
    )
    await registrations.register(edition, registration_form(2, email="salma@example.org"))
    smtp_sink.received(2)
    [first] = smtp_sink.to("rahim@example.org")
    _, invite = calendar_of(first)

    url = f"/congress/organise/{edition.slug}/edit"
    csrf = await token(secretary, url)
    values = edition_values(edition)
    old_day = dt.date.fromisoformat(values["date"])
    values.update(
        _csrf=csrf,
        date=(old_day + dt.timedelta(days=7)).isoformat(),
        venue="Oxford House, Derbyshire Street",
    )
    response = await secretary.post(url, data=values)
    assert response.status_code == 303, response.text
    smtp_sink.received(4)

    [_, updated] = smtp_sink.to("rahim@example.org")
    method, event = calendar_of(updated)
    assert method == "REQUEST"
    assert event["UID"] == invite["UID"]
    assert event["SEQUENCE"] > invite["SEQUENCE"]
    assert event.decoded("DTSTART") - invite.decoded("DTSTART") == dt.timedelta(days=7)
    assert "Oxford House" in str(event["LOCATION"])
    [_, waiting] = smtp_sink.to("salma@example.org")
    assert not [p for p in waiting.walk() if p.get_content_type() == "text/calendar"]
    assert "Oxford House" in waiting.get_body(("plain",)).get_content()

    moved = await Edition.objects().where(Edition.id == edition.id).first()
    assert moved.sequence == edition.sequence + 1
    [session] = await CongressSession.objects().where(CongressSession.edition == edition.id)
    assert session.starts_at - edition.sessions[0].starts_at == dt.timedelta(days=7)
    assert await AuditEntry.exists().where(AuditEntry.action == "congress.edition_changed")
    # The reminders follow the congress: a week and a day before the new date.
    rahim = await Registration.objects().where(Registration.email == "rahim@example.org").first()
    due = await Reminder.select(Reminder.due_at).where(
        (Reminder.kind == "congress") & (Reminder.target_id == rahim.id)
    )
    zone = get_settings().zone
    day = moved.starts_at.astimezone(zone).date()
    assert sorted(r["due_at"] for r in due) == [  # at nine, a week and a day before
        dt.datetime.combine(day - dt.timedelta(days=n), dt.time(9, 0), tzinfo=zone) for n in (7, 1)
    ]

    # Saving the form again unchanged is not a move: nothing more is sent.
    csrf = await token(secretary, url)
    again = await secretary.post(url, data={**edition_values(moved), "_csrf": csrf})
    assert again.status_code == 303
    still = await Edition.objects().where(Edition.id == edition.id).first()
    assert still.sequence == moved.sequence


async def test_the_programme_add_change_and_remove(app, edition, secretary):
    programme = f"/congress/organise/{edition.slug}/programme"
    csrf = await token(secretary, programme)
    day_start = edition.starts_at.astimezone(get_settings().zone)
    start = day_start.strftime("%H:%M")
    end = (day_start + dt.timedelta(minutes=45)).strftime("%H:%M")
    added = await secretary.post(
        programme,
        data={
            "_csrf": csrf,
            "title": "Workshop 3: Parallel",
            "starts": start,
            "ends": end,
            "room": "Room 3",
            "capacity": "25",
        },
    )
    assert added.status_code == 303, added.text
    new = await CongressSession.objects().where(CongressSession.title == "Workshop 3: Parallel")
    assert len(new) == 1 and new[0].capacity == 25

    late = await secretary.post(
        programme,
        data={"_csrf": csrf, "title": "Too late", "starts": "23:00", "ends": "23:30"},
    )
    assert late.status_code == 400
    assert "The session must start during the congress" in late.text
    assert 'value="Too late"' in late.text

    changed = await secretary.post(
        f"{programme}/{new[0].id}",
        data={
            "_csrf": csrf,
            "title": "Workshop 3: Renamed",
            "starts": start,
            "ends": end,
            "room": "Room 4",
            "capacity": "20",
        },
    )
    assert changed.status_code == 303, changed.text

    # Booked: it cannot be removed.
    booked = edition.sessions[0]
    await registrations.register(edition, registration_form(1, [booked]))
    refused = await secretary.post(f"{programme}/{booked.id}/remove", data={"_csrf": csrf})
    assert refused.status_code == 400
    assert "You cannot remove Workshop 1: Homes: 1 person has booked it" in refused.text
    assert await CongressSession.exists().where(CongressSession.id == booked.id)
    # Nor its capacity go below the places given.
    low = await secretary.post(
        f"{programme}/{booked.id}",
        data={"_csrf": csrf, "title": booked.title, "starts": start, "ends": end, "capacity": "0"},
    )
    assert low.status_code == 400

    removed = await secretary.post(f"{programme}/{new[0].id}/remove", data={"_csrf": csrf})
    assert removed.status_code == 303
    assert not await CongressSession.exists().where(CongressSession.id == new[0].id)
    actions = {r["action"] for r in await AuditEntry.select(AuditEntry.action)}
    assert {"congress.session_added", "congress.session_changed", "congress.session_removed"} <= (
        actions
    )
    assert await Registration.count() == 1

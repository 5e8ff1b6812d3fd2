"""Personal data: the registrant downloads it and erases it; the retention job erases
everyone's after the congress. Afterwards no row of any table holds their email."""

from __future__ import annotations

import datetime as dt
import json
import re

from govhub import clock
from govhub.calendar.tables import Reminder
from govhub.congress import registrations
from govhub.congress.organiser import mark_arrived
from govhub.congress.privacy import erase_expired_registrations
from govhub.congress.tables import Edition, Registration
from govhub.piccolo_app import TABLES

from .conftest import form_data, manage_link_sent_to, registration_form

EMAIL = "Erase.Me@Example.org"
NAME = "Zebedee Quartermain"


async def tables_holding(*needles: str) -> list[str]:
    """Every table with a row that contains any of ``needles`` anywhere (case-insensitive)."""
    found = []
    for table in TABLES:
        rows = await table.select()
        text = json.dumps(rows, default=str, ensure_ascii=False).lower()
        if any(needle.lower() in text for needle in needles):
            found.append(table._meta.tablename)
    return found


async def test_after_the_retention_job_no_row_holds_the_email(app, make_edition, settings):
    edition = await make_edition(capacity=5, sessions=[{"title": "Workshop 1"}])
    done = await registrations.register(
        edition,
        registration_form(
            1,
            name=NAME,
            email=EMAIL,
            sessions=edition.sessions,
            needs=["bsl", "lang_other"],
            interpreting_other="Tigrinya",
            access_details="My son is 4",
            phone="07700 900123",
        ),
    )
    keep = await registrations.register(edition, registration_form(2))
    from govhub.governance.principal import Principal

    organiser = Principal(user_id=None, name="Desk")
    await mark_arrived(organiser, edition, done.registration.id)
    assert await Reminder.count().where(Reminder.recipient == EMAIL) == 2
    holding = set(await tables_holding(EMAIL))
    assert holding >= {"congress_registration", "outbox_message", "reminder"}

    # Nothing happens while the congress is within its retention period.
    assert await erase_expired_registrations() == 0
    # The congress took place long enough ago.
    ended = clock.now() - dt.timedelta(days=settings.congress_retention_days + 1)
    await Edition.update(
        {Edition.starts_at: ended - dt.timedelta(hours=5), Edition.ends_at: ended}
    ).where(Edition.id == edition.id)
    assert await erase_expired_registrations() == 2
    assert await tables_holding(EMAIL, NAME, "Tigrinya", "My son is 4", "07700 900123") == []
    erased = await Registration.objects().where(Registration.id == done.registration.id).first()
    assert erased.erased_at is not None and erased.status == "confirmed"
    assert erased.arrived_at is not None  # the numbers still add up
    assert await erase_expired_registrations() == 0  # safe to run twice
    assert keep.registration.id


async def test_a_registrant_downloads_then_erases_their_registration(app, client, make_edition):
    edition = await make_edition(capacity=1)
    page = await client.get(f"/congress/{edition.slug}")
    first = await client.post(
        f"/congress/{edition.slug}/register",
        data=form_data(page.text, name=NAME, email=EMAIL, needs=["hearing_loop"]),
    )
    assert first.status_code == 303
    manage = await manage_link_sent_to(EMAIL)
    await registrations.register(edition, registration_form(2))  # waiting for the place

    data = await client.get(f"{manage}/data.json")
    assert data.status_code == 200
    assert "attachment" in data.headers["content-disposition"]
    assert data.headers["cache-control"] == "no-store"
    mine = data.json()
    assert mine["email"] == EMAIL and mine["name"] == NAME
    assert mine["access_needs"] == ["Hearing loop"]
    assert mine["emails_sent_to_you"][0]["subject"].startswith("You have a place")

    confirm = await client.get(f"{manage}/erase")
    token = re.search(r'name="_csrf" value="([^"]+)"', confirm.text).group(1)
    erased = await client.post(f"{manage}/erase", data={"_csrf": token})
    assert erased.status_code == 200
    assert "Your information has been deleted" in erased.text
    assert await tables_holding(EMAIL, NAME) == []
    assert (await client.get(manage)).status_code == 404
    statuses = sorted(r["status"] for r in await Registration.select(Registration.status))
    assert statuses == ["cancelled", "confirmed"]  # the place went to the person waiting

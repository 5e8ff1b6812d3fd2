"""The organisers' side: who may run a congress, waiting lists, access needs, the CSV export,
and the check-in list for the day.

Least privilege, following memberships like the rest of govhub: the **secretary of the
edition's organising body** (and admins) see registrants' details, the waiting lists and the
export; any **current member** of that body can work the check-in desk (names, sessions and
needs of people with a place, mark arrived, add walk-ins) and nothing more.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from govhub import db
from govhub.audit.services import record
from govhub.congress import places
from govhub.congress.registrations import new_reference
from govhub.congress.rules import NEED_LABELS, SUMMARY_LABELS, summarise_needs
from govhub.congress.tables import (
    AttendingAs,
    BookingStatus,
    CongressSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from govhub.errors import NotFound
from govhub.governance.principal import Principal
from govhub.governance.tables import Body, Organisation
from govhub.spreadsheets import neutralise_cell
from govhub.validation import FormError

__all__ = [
    "add_walk_in",
    "bodies_to_organise",
    "can_add_congress",
    "can_check_in",
    "can_organise",
    "check_in_list",
    "editions_to_run",
    "export_csv",
    "mark_arrived",
    "needs_summary",
    "waiting_lists",
    "walk_in_added",
]


def can_organise(principal: Principal, edition: Edition) -> bool:
    """Who may organise the edition: its organising body's secretary, and admins."""
    if principal.is_admin:
        return True
    return edition.organising_body is not None and principal.can_manage_body(
        edition.organising_body
    )


def can_check_in(principal: Principal, edition: Edition) -> bool:
    """Who may work the edition's check-in desk: its organisers and the organising body's
    current members."""
    if can_organise(principal, edition):
        return True
    return edition.organising_body is not None and principal.is_member_of(edition.organising_body)


def can_add_congress(principal: Principal) -> bool:
    """Whether the organisers' list offers "Add a congress": admins and secretaries."""
    return principal.is_admin or bool(principal.secretary_of)


async def editions_to_run(principal: Principal) -> list[tuple[Edition, bool]]:
    """The editions whose desk this person may work, the latest first, each with whether they
    may also organise it."""
    rows = await Edition.objects().order_by(Edition.starts_at, ascending=False)
    return [(e, can_organise(principal, e)) for e in rows if can_check_in(principal, e)]


async def bodies_to_organise(principal: Principal) -> list[tuple[str, str]]:
    """The bodies this person may organise a new congress for: (id, name), by name."""
    rows = await Body.select(Body.id, Body.name).order_by(Body.name)
    return [(str(r["id"]), r["name"]) for r in rows if principal.can_manage_body(r["id"])]


async def waiting_lists(edition: Edition, sessions: list[CongressSession]) -> dict:
    """The congress's waiting list, and each session's, in the order places will be offered."""
    congress = (
        await Registration.select(
            Registration.id, Registration.name, Registration.reference, Registration.created_at
        )
        .where(
            (Registration.edition == edition.id)
            & (Registration.status == RegistrationStatus.waiting)
        )
        .order_by(Registration.arrival)
    )
    by_session: dict[int, list[dict]] = {s.id: [] for s in sessions}
    rows = (
        await SessionBooking.select(
            SessionBooking.session,
            SessionBooking.registration.name.as_alias("name"),
            SessionBooking.registration.reference.as_alias("reference"),
        )
        .where(
            SessionBooking.session.is_in(list(by_session) or [0])
            & (SessionBooking.status == BookingStatus.waiting)
        )
        .order_by(SessionBooking.arrival)
    )
    for row in rows:
        by_session[row["session"]].append(row)
    return {"congress": congress, "sessions": by_session}


async def needs_summary(edition: Edition, sessions: list[CongressSession]) -> dict:
    """Counts of each access need among people with a place: the whole congress and each
    session, with the sentence an organiser books interpreters from."""
    regs = await Registration.select(Registration.id, Registration.access_needs).where(
        (Registration.edition == edition.id) & (Registration.status == RegistrationStatus.confirmed)
    )
    needs = {r["id"]: [c for c in r["access_needs"].split(",") if c] for r in regs}
    whole = Counter(code for codes in needs.values() for code in codes)
    bookings = await SessionBooking.select(
        SessionBooking.session, SessionBooking.registration
    ).where(
        SessionBooking.session.is_in([s.id for s in sessions] or [0])
        & (SessionBooking.status == BookingStatus.confirmed)
    )
    per_session: dict[int, Counter] = {s.id: Counter() for s in sessions}
    for booking in bookings:
        per_session[booking["session"]].update(needs.get(booking["registration"], []))
    return {
        "congress": {"counts": dict(whole), "text": summarise_needs(whole)},
        "sessions": {
            sid: {"counts": dict(c), "text": summarise_needs(c)} for sid, c in per_session.items()
        },
    }


CSV_COLUMNS = [
    "reference",
    "status",
    "name",
    "email",
    "phone",
    "attending as",
    "organisation",
    "postcode",
    "sessions",
    "access needs",
    "interpreting language",
    "anything else",
    "newsletter",
    "language",
    "registered at",
    "arrived at",
]


async def export_csv(principal: Principal, edition: Edition) -> str:
    """Every registration as CSV. Each cell is neutralised, so a name like
    ``=HYPERLINK(...)`` is shown as text and never run as a formula; the export is audited."""
    regs = (
        await Registration.objects()
        .where(Registration.edition == edition.id)
        .order_by(Registration.arrival)
    )
    organisations = {
        o["id"]: o["name"] for o in await Organisation.select(Organisation.id, Organisation.name)
    }
    bookings = await SessionBooking.select(
        SessionBooking.registration,
        SessionBooking.status,
        SessionBooking.session.title.as_alias("title"),
    ).where(SessionBooking.registration.is_in([r.id for r in regs] or [0]))
    sessions: dict[int, list[str]] = {}
    for booking in bookings:
        note = "" if booking["status"] == "confirmed" else f" ({booking['status']})"
        sessions.setdefault(booking["registration"], []).append(booking["title"] + note)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in regs:
        codes = [c for c in r.access_needs.split(",") if c]
        row = [
            r.reference,
            r.status,
            r.name,
            r.email,
            r.phone,
            r.attending_as if r.attending_as != "other" else f"other: {r.attending_other}",
            organisations.get(r.organisation, "") or r.organisation_name,
            r.postcode,
            "; ".join(sessions.get(r.id, [])),
            "; ".join(NEED_LABELS[c] for c in codes if c in NEED_LABELS),
            r.interpreting_other,
            r.access_details,
            "yes" if r.newsletter else "no",
            r.locale,
            r.created_at.isoformat() if r.created_at else "",
            r.arrived_at.isoformat() if r.arrived_at else "",
        ]
        writer.writerow([neutralise_cell(cell) for cell in row])
    async with Edition._meta.db.transaction():
        await record(
            principal,
            "congress.exported",
            edition,
            summary=f"{edition.title}: {len(regs)} registrations exported",
        )
    return out.getvalue()


async def check_in_list(edition: Edition, query: str = "") -> list[dict]:
    """People with a place, by name, filtered by what the desk typed (name or reference)."""
    where = (Registration.edition == edition.id) & (
        Registration.status == RegistrationStatus.confirmed
    )
    query = query.strip()[:100]
    if query:
        where &= db.contains(Registration.name, query) | db.contains(Registration.reference, query)
    rows = await Registration.select(
        Registration.id,
        Registration.name,
        Registration.reference,
        Registration.attending_as,
        Registration.access_needs,
        Registration.arrived_at,
        Registration.is_walk_in,
    ).where(where)
    rows.sort(key=lambda r: (r["name"].casefold(), r["id"]))
    for row in rows:
        row["needs"] = [
            SUMMARY_LABELS[c] for c in row["access_needs"].split(",") if c in SUMMARY_LABELS
        ]
    return rows


async def mark_arrived(principal: Principal, edition: Edition, registration_id: int) -> dict:
    async with Registration._meta.db.transaction():
        registration = (
            await Registration.objects()
            .where(
                (Registration.id == registration_id)
                & (Registration.edition == edition.id)
                & (Registration.status == RegistrationStatus.confirmed)
            )
            .first()
        )
        if registration is None:
            raise NotFound()
        if registration.arrived_at is None:
            registration.arrived_at = dt.datetime.now(dt.UTC)
            await registration.save([Registration.arrived_at])
            await record(
                principal, "congress.arrived", registration, summary=registration.reference
            )
    return {"id": registration.id, "name": registration.name, "arrived_at": registration.arrived_at}


async def walk_in_added(edition: Edition, reference: str) -> dict | None:
    """The walk-in just added at the desk (name and reference), to say so on the page."""
    return (
        await Registration.select(Registration.name, Registration.reference)
        .where((Registration.edition == edition.id) & (Registration.reference == reference[:12]))
        .first()
    )


async def add_walk_in(principal: Principal, edition: Edition, values: dict) -> Registration:
    """Someone at the door: a place (arrived) while the congress has one free."""
    name = values.get("name", "").strip()
    if not name:
        raise FormError({"walk_in_name": "Enter the person's name"})
    if len(name) > 200:
        raise FormError({"walk_in_name": "The name must be 200 characters or fewer"})
    attending = values.get("attending_as", "resident")
    if attending not in {a.value for a in AttendingAs}:
        attending = AttendingAs.resident
    now = dt.datetime.now(dt.UTC)
    async with places.holding_places(edition.id):
        if await places.confirmed_count(edition.id) >= edition.capacity:
            raise FormError({"walk_in_name": "The congress is full: there are no places left"})
        reference = new_reference()
        registration = Registration(
            edition=edition.id,
            status=RegistrationStatus.confirmed,
            arrival=await places.next_arrival(edition.id),
            reference=reference,
            name=name,
            email_key=f"~walk-in-{reference}",
            manage_token_hash=f"~walk-in-{reference}",
            attending_as=attending,
            is_walk_in=True,
            arrived_at=now,
            confirmed_at=now,
        )
        await registration.save()
        await record(principal, "congress.walk_in", registration, summary=reference)
    return registration

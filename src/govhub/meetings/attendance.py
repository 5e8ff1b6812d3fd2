"""Who was at the meeting, and was it quorate? The attendance sheet, its form and its saving."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from govhub.audit import services as audit
from govhub.governance.principal import Principal
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Person, Role
from govhub.meetings._common import db, id_of, int_or_none, org_id
from govhub.meetings.quorum import (
    NOT_SEATS,
    Attendee,
    QuorumResult,
    QuorumRule,
    assess_quorum,
    default_rule,
    parse_roles,
    parse_sector_minimums,
)
from govhub.meetings.response_tables import Answer
from govhub.meetings.responses import meeting_day, responses_for
from govhub.meetings.tables import (
    Attendance,
    AttendanceStatus,
    Meeting,
)
from govhub.meetings.terms import current_terms
from govhub.meetings.terms_rules import describe_quorum
from govhub.validation import FormError, valid_email

__all__ = [
    "AttendanceSheet",
    "Substitute",
    "attendance_from_form",
    "current_members",
    "meeting_day",
    "meeting_quorum",
    "quorum_rule",
    "save_attendance",
    "saved_attendance",
]

STATUSES = frozenset(s.value for s in AttendanceStatus)


async def current_members(meeting: Meeting) -> list[Membership]:
    """Memberships of the body current on the meeting's date, chair first, then by name."""
    rows = await Membership.objects(Membership.person, Membership.organisation).where(
        Membership.body == id_of(meeting.body)
    )
    day = meeting_day(meeting)
    current = [m for m in rows if is_current(m, day)]
    return sorted(current, key=lambda m: (Role(m.role).rank, m.person.name))


async def quorum_rule(meeting: Meeting, members: list[Membership]) -> QuorumRule:
    """The quorum in the body's approved terms of reference, else a majority of its members."""
    terms = await current_terms(id_of(meeting.body))
    if terms is None:
        return default_rule(sum(1 for m in members if m.role not in NOT_SEATS))
    return QuorumRule(
        members=terms.quorum_members or 1,
        min_organisations=terms.quorum_min_organisations or None,
        required_roles=parse_roles(terms.quorum_required_roles),
        sector_minimums=parse_sector_minimums(terms.quorum_sectors),
        description=describe_quorum(terms),
    )


@dataclass
class Substitute:
    organisation_id: int
    organisation_name: str
    name: str
    person_id: int | None = None


@dataclass
class AttendanceSheet:
    """A meeting's attendance as its form shows it: as saved, or as just typed."""

    members: list[Membership]
    statuses: dict[int, str] = field(default_factory=dict)  # membership id -> status or ""
    substitutes: list[Substitute] = field(default_factory=list)
    guests: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # the "add" fields, kept on a problem
    errors: dict[str, str] = field(default_factory=dict)
    recorded: bool = False
    """True when the sheet was read back from attendance saved for the meeting."""

    def organisations(self) -> list[tuple[str, str]]:
        """The organisations with a seat, for "stands in for"."""
        seats = {m.organisation.id: m.organisation.name for m in self.members if org_id(m)}
        return sorted(((str(k), v) for k, v in seats.items()), key=lambda pair: pair[1])

    def attendees(self) -> list[Attendee]:
        # A standing substitute (a member in the substitute role) counts like one brought on
        # the day: only in place of someone from their organisation who is away.
        sectors = {org_id(m): m.organisation.sector for m in self.members if org_id(m)}
        people = [
            Attendee(
                self.statuses.get(m.id) or "",
                org_id(m),
                m.role,
                is_substitute=m.role == Role.substitute,
                name=m.person.name,
                sector=sectors.get(org_id(m)),
                organisation_name=m.organisation.name if org_id(m) else "",
            )
            for m in self.members
        ]
        people += [
            Attendee(
                "present",
                s.organisation_id,
                Role.substitute,
                is_substitute=True,
                name=s.name,
                sector=sectors.get(s.organisation_id),
                organisation_name=s.organisation_name,
            )
            for s in self.substitutes
        ]
        return people + [
            Attendee("present", None, Role.observer, is_guest=True, name=name)
            for name in self.guests
        ]

    def quorum(self, rule: QuorumRule) -> QuorumResult:
        return assess_quorum(rule, self.attendees())

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("present", "apologies", "absent")}
        for m in self.members:
            counts[self.statuses.get(m.id) or "absent"] += 1
        return {**counts, "substitutes": len(self.substitutes), "guests": len(self.guests)}


async def saved_attendance(meeting: Meeting, members: list[Membership]) -> AttendanceSheet:
    rows = await Attendance.objects(Attendance.person, Attendance.organisation).where(
        Attendance.meeting == meeting.id
    )
    sheet = AttendanceSheet(members, recorded=bool(rows))
    for row in sorted(rows, key=lambda r: r.id):
        if row.is_guest:
            sheet.guests.append(row.guest_name)
        elif row.is_substitute and row.organisation.id:
            person_id = row.person.id if row.person else None
            name = row.person.name if person_id else row.guest_name
            sheet.substitutes.append(
                Substitute(row.organisation.id, row.organisation.name, name, person_id)
            )
        elif row.membership:
            sheet.statuses[row.membership] = row.status
    await _add_answers(meeting, sheet)
    return sheet


async def _add_answers(meeting: Meeting, sheet: AttendanceSheet) -> None:
    """Members' own answers fill what the record leaves open: apologies sent count as apologies
    (unless they came after all), and a substitute the secretary confirmed stands in until the
    attendance is recorded."""
    answers = await responses_for(meeting.id)
    for m in sheet.members:
        answer = answers.get(m.person.id)
        if answer and Answer(answer.answer).sends_apologies:
            if sheet.statuses.get(m.id, "") in ("", AttendanceStatus.absent):
                sheet.statuses[m.id] = AttendanceStatus.apologies
    if sheet.recorded:
        return
    for answer in answers.values():
        organisation = answer.substitute_organisation
        if answer.substitute_confirmed_at and organisation and organisation.id:
            person_id = answer.substitute_person.id if answer.substitute_person else None
            sheet.substitutes.append(
                Substitute(organisation.id, organisation.name, answer.substitute_name, person_id)
            )


async def meeting_quorum(meeting: Meeting) -> tuple[QuorumRule, AttendanceSheet]:
    """The quorum rule and the attendance as saved, for the meeting's page to explain."""
    members = await current_members(meeting)
    return await quorum_rule(meeting, members), await saved_attendance(meeting, members)


def _indexes(form: Mapping[str, str], prefix: str) -> list[int]:
    """The row numbers of the ``<prefix>-<n>-name`` fields, in order."""
    pattern = re.compile(rf"^{prefix}-(\d+)-name$")
    return sorted({int(match[1]) for key in form if (match := pattern.match(key))})


async def attendance_from_form(
    meeting: Meeting, members: list[Membership], form: Mapping[str, str]
) -> AttendanceSheet:
    """Read the attendance form; ``errors`` says what is wrong with a substitute or guest added."""
    sheet = AttendanceSheet(members)
    for m in members:
        status = form.get(f"status-{m.id}", "")
        sheet.statuses[m.id] = status if status in STATUSES else ""
    seats = dict((int(k), v) for k, v in sheet.organisations())
    for i in _indexes(form, "sub"):
        org = int_or_none(form.get(f"sub-{i}-organisation"))
        name = form.get(f"sub-{i}-name", "").strip()[:200]
        if org in seats and name and form.get(f"sub-{i}-remove") != "yes":
            person = int_or_none(form.get(f"sub-{i}-person"))
            sheet.substitutes.append(Substitute(org, seats[org], name, person))
    await _known_people(sheet.substitutes)
    for i in _indexes(form, "guest"):
        name = form.get(f"guest-{i}-name", "").strip()[:200]
        if name and form.get(f"guest-{i}-remove") != "yes":
            sheet.guests.append(name)
    await _add_substitute(sheet, seats, form)
    guest = form.get("new_guest_name", "").strip()
    sheet.typed["new_guest_name"] = guest
    if len(guest) > 200:
        sheet.errors["new_guest_name"] = "Shorten the guest's name to 200 characters or fewer"
    elif guest and guest not in sheet.guests:
        sheet.guests.append(guest)
    return sheet


async def _add_substitute(sheet: AttendanceSheet, seats: dict, form: Mapping[str, str]) -> None:
    typed = {k: form.get(k, "").strip() for k in ("new_sub_email", "new_sub_name", "new_sub_org")}
    sheet.typed.update(typed)
    email, name, org = (
        typed["new_sub_email"].lower(),
        typed["new_sub_name"],
        int_or_none(typed["new_sub_org"]),
    )
    if not any(typed.values()):
        return
    errors = sheet.errors
    person = None
    if email and not valid_email(email):
        errors["new_sub_email"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
    elif email:
        person = await Person.objects().where(Person.email == email).first()
        if person is None:
            errors["new_sub_email"] = (
                "Nobody with this email address is recorded: leave it empty and enter their name"
            )
    elif not name:
        errors["new_sub_name"] = (
            "Enter the substitute's name, or the email address of someone recorded"
        )
    elif len(name) > 200:
        errors["new_sub_name"] = "Shorten the substitute's name to 200 characters or fewer"
    if org not in seats:
        errors["new_sub_org"] = "Choose the organisation they stand in for"
    if errors.keys() & {"new_sub_email", "new_sub_name", "new_sub_org"}:
        return
    substitute = Substitute(org, seats[org], person.name if person else name, id_of(person))
    known = {(s.organisation_id, s.person_id or s.name) for s in sheet.substitutes}
    if (org, substitute.person_id or substitute.name) not in known:
        sheet.substitutes.append(substitute)


async def _known_people(substitutes: list[Substitute]) -> None:
    """A substitute's person id comes back from a hidden field: keep only ids that exist."""
    claimed = [s.person_id for s in substitutes if s.person_id]
    if claimed:
        rows = await Person.select(Person.id).where(Person.id.is_in(claimed))
        known = {row["id"] for row in rows}
        for s in substitutes:
            s.person_id = s.person_id if s.person_id in known else None


async def save_attendance(actor: Principal, meeting: Meeting, sheet: AttendanceSheet) -> None:
    """Replace the meeting's attendance with ``sheet``: saving the same twice changes nothing."""
    if sheet.errors:
        raise FormError(sheet.errors)
    before = (await saved_attendance(meeting, sheet.members)).counts()
    rows = [
        Attendance(
            meeting=meeting.id,
            person=m.person.id,
            membership=m.id,
            organisation=org_id(m),
            role=m.role,
            status=sheet.statuses.get(m.id) or AttendanceStatus.absent,
        )
        for m in sheet.members
    ]
    rows += [
        Attendance(
            meeting=meeting.id,
            person=s.person_id,
            organisation=s.organisation_id,
            role=Role.substitute,
            is_substitute=True,
            guest_name="" if s.person_id else s.name,
        )
        for s in sheet.substitutes
    ]
    rows += [
        Attendance(meeting=meeting.id, role=Role.observer, is_guest=True, guest_name=name)
        for name in sheet.guests
    ]
    after = sheet.counts()
    async with db().transaction():
        await Attendance.delete().where(Attendance.meeting == meeting.id)
        if rows:
            await Attendance.insert(*rows)
        await audit.record(
            actor,
            "attendance.recorded",
            meeting,
            body_id=id_of(meeting.body),
            summary=f"Attendance at {meeting.title}: {after['present']} present, "
            f"{after['apologies']} apologies, {after['substitutes']} substitutes, "
            f"{after['guests']} guests",
            before=before,
            after=after,
        )

"""At the meeting and after it: attendance and quorum, declarations, minutes, decisions, actions.

Every change raises :class:`FormError` with a message per field when the input is wrong, and
otherwise writes in one transaction with a dotted audit entry. Minutes go none -> draft (as
soon as anything is written) -> approved (at a later meeting), and approved minutes are final.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from govhub import clock
from govhub.accounts.principal import Principal
from govhub.audit import services as audit
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Person, Role
from govhub.meetings.quorum import (
    NOT_SEATS,
    Attendee,
    QuorumResult,
    QuorumRule,
    assess_quorum,
    default_rule,
    parse_roles,
)
from govhub.meetings.tables import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Declaration,
    Meeting,
    MeetingStatus,
    MinutesState,
    TermsOfReference,
    TorState,
)
from govhub.settings import get_settings
from govhub.web.validation import FormError, parse_date, require, valid_email

__all__ = [
    "AttendanceSheet",
    "ItemRecord",
    "MinutesRecord",
    "Substitute",
    "action_log",
    "add_action",
    "add_decision",
    "add_declaration",
    "agenda_items",
    "approve_minutes",
    "attendance_from_form",
    "current_members",
    "is_overdue",
    "later_meetings",
    "meeting_day",
    "minutes_record",
    "open_actions_for",
    "people_at",
    "quorum_rule",
    "remove_decision",
    "remove_declaration",
    "save_attendance",
    "save_notes",
    "saved_attendance",
    "set_action_status",
]

STATUSES = frozenset(s.value for s in AttendanceStatus)
NOTES_LIMIT = 20_000


def _db():
    return Meeting._meta.db


def _id(value) -> int | None:
    return getattr(value, "id", value)


def meeting_day(meeting: Meeting) -> dt.date:
    """The meeting's date where the partnership is, which decides who was a member then."""
    return meeting.starts_at.astimezone(get_settings().zone).date()


def is_overdue(action: Action, today: dt.date) -> bool:
    return action.status == ActionStatus.open and bool(action.due_date) and action.due_date < today


async def current_members(meeting: Meeting) -> list[Membership]:
    """Memberships of the body current on the meeting's date, chair first, then by name."""
    rows = await Membership.objects(Membership.person, Membership.organisation).where(
        Membership.body == _id(meeting.body)
    )
    day = meeting_day(meeting)
    current = [m for m in rows if is_current(m, day)]
    return sorted(current, key=lambda m: (Role(m.role).rank, m.person.name))


async def quorum_rule(meeting: Meeting, members: list[Membership]) -> QuorumRule:
    """The quorum in the body's approved terms of reference, else a majority of its members."""
    terms = (
        await TermsOfReference.objects()
        .where(
            (TermsOfReference.body == _id(meeting.body))
            & (TermsOfReference.state == TorState.approved)
        )
        .order_by(TermsOfReference.version, ascending=False)
        .first()
    )
    if terms is None:
        return default_rule(sum(1 for m in members if m.role not in NOT_SEATS))
    return QuorumRule(
        members=terms.quorum_members or 1,
        min_organisations=terms.quorum_min_organisations or None,
        required_roles=parse_roles(terms.quorum_required_roles),
    )


# Attendance


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

    def organisations(self) -> list[tuple[str, str]]:
        """The organisations with a seat, for "stands in for"."""
        seats = {m.organisation.id: m.organisation.name for m in self.members if _org_id(m)}
        return sorted(((str(k), v) for k, v in seats.items()), key=lambda pair: pair[1])

    def attendees(self) -> list[Attendee]:
        people = [Attendee(self.statuses.get(m.id) or "", _org_id(m), m.role) for m in self.members]
        people += [
            Attendee("present", s.organisation_id, Role.substitute, is_substitute=True)
            for s in self.substitutes
        ]
        return people + [Attendee("present", None, Role.observer, is_guest=True)] * len(self.guests)

    def quorum(self, rule: QuorumRule) -> QuorumResult:
        return assess_quorum(rule, self.attendees())

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("present", "apologies", "absent")}
        for m in self.members:
            counts[self.statuses.get(m.id) or "absent"] += 1
        return {**counts, "substitutes": len(self.substitutes), "guests": len(self.guests)}


def _org_id(membership: Membership) -> int | None:
    org = membership.organisation
    return getattr(org, "id", None) if org is not None else None


async def saved_attendance(meeting: Meeting, members: list[Membership]) -> AttendanceSheet:
    rows = await Attendance.objects(Attendance.person, Attendance.organisation).where(
        Attendance.meeting == meeting.id
    )
    sheet = AttendanceSheet(members)
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
    return sheet


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
        org = _int(form.get(f"sub-{i}-organisation"))
        name = form.get(f"sub-{i}-name", "").strip()[:200]
        if org in seats and name and form.get(f"sub-{i}-remove") != "yes":
            person = _int(form.get(f"sub-{i}-person"))
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
        _int(typed["new_sub_org"]),
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
    substitute = Substitute(org, seats[org], person.name if person else name, _id(person))
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


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


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
            organisation=_org_id(m),
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
    async with _db().transaction():
        await Attendance.delete().where(Attendance.meeting == meeting.id)
        if rows:
            await Attendance.insert(*rows)
        await audit.record(
            actor,
            "attendance.recorded",
            meeting,
            body_id=_id(meeting.body),
            summary=f"Attendance at {meeting.title}: {after['present']} present, "
            f"{after['apologies']} apologies, {after['substitutes']} substitutes, "
            f"{after['guests']} guests",
            before=before,
            after=after,
        )


# Minutes: what was said and decided, then notes, declarations and decisions


@dataclass
class ItemRecord:
    item: AgendaItem | None  # None: declarations, decisions and actions on no one item
    declarations: list[Declaration] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.declarations or self.decisions or self.actions)


@dataclass
class MinutesRecord:
    items: list[ItemRecord]
    general: ItemRecord
    attendance: dict[str, list[str]]  # present, apologies, absent, substitutes, guests


async def minutes_record(meeting: Meeting, *, confidential: bool) -> MinutesRecord:
    """The minutes as read: confidential items (and what hangs on them) only if ``confidential``."""
    items = [i for i in await agenda_items(meeting) if confidential or not i.is_confidential]
    records = {i.id: ItemRecord(i) for i in items}
    general = ItemRecord(None)
    of_meeting = Declaration.meeting == meeting.id
    for kind, rows in [
        ("declarations", await Declaration.objects(Declaration.person).where(of_meeting)),
        ("decisions", await Decision.objects().where(Decision.meeting == meeting.id)),
        (
            "actions",
            await Action.objects(Action.owner, Action.organisation).where(
                Action.meeting == meeting.id
            ),
        ),
    ]:
        for row in sorted(rows, key=lambda r: r.id):
            target = general if row.item is None else records.get(row.item)
            if target is not None:  # None: on an item this reader may not see
                getattr(target, kind).append(row)
    return MinutesRecord(list(records.values()), general, await _attendance_names(meeting))


async def _attendance_names(meeting: Meeting) -> dict[str, list[str]]:
    rows = await Attendance.objects(Attendance.person, Attendance.organisation).where(
        Attendance.meeting == meeting.id
    )
    names: dict[str, list[str]] = {k: [] for k in ("present", "apologies", "absent")}
    names |= {"substitutes": [], "guests": []}
    for row in sorted(rows, key=lambda r: r.id):
        name = row.person.name if row.person and row.person.id else row.guest_name
        org = row.organisation.name if row.organisation and row.organisation.id else ""
        if row.is_guest:
            names["guests"].append(name)
        elif row.is_substitute:
            names["substitutes"].append(f"{name} (for {org})" if org else name)
        else:
            names[row.status].append(f"{name} ({org})" if org else name)
    return names


async def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    return (
        await AgendaItem.objects()
        .where(AgendaItem.meeting == meeting.id)
        .order_by(AgendaItem.position)
    )


async def people_at(
    meeting: Meeting, members: list[Membership]
) -> tuple[dict[int, str], dict[int, str]]:
    """(who may declare an interest, who may own an action): person id -> name, by name.

    Those present declare (the members, until attendance is recorded); an action may go
    to any member, or to a substitute who was there.
    """
    rows = await Attendance.objects(Attendance.person).where(Attendance.meeting == meeting.id)
    present = {
        r.person.id: r.person.name
        for r in rows
        if r.person and r.person.id and r.status == AttendanceStatus.present
    }
    seated = {m.person.id: m.person.name for m in members}
    return _by_name(present if rows else seated), _by_name({**seated, **present})


def _by_name(people: dict[int, str]) -> dict[int, str]:
    return dict(sorted(people.items(), key=lambda pair: pair[1]))


def _check_open(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.approved:
        raise FormError({"minutes": "These minutes have been approved and can no longer change"})


async def _drafted(meeting: Meeting) -> None:
    """Anything written makes the minutes a draft (call inside the writing transaction)."""
    if meeting.minutes_state in (None, "", MinutesState.none):
        meeting.minutes_state = MinutesState.draft
        await meeting.save([Meeting.minutes_state])


async def save_notes(
    actor: Principal, meeting: Meeting, items: list[AgendaItem], values: Mapping[str, str]
) -> None:
    """Each agenda item's notes from the ``notes-<item id>`` fields; only changes are written."""
    _check_open(meeting)
    changed: list[tuple[AgendaItem, str]] = []
    for item in items:
        text = values.get(f"notes-{item.id}", item.notes or "").strip()
        if len(text) > NOTES_LIMIT:
            raise FormError(
                {f"notes-{item.id}": f"Shorten these notes to {NOTES_LIMIT:,} characters"}
            )
        if text != (item.notes or ""):
            changed.append((item, text))
    if not changed:
        return
    async with _db().transaction():
        for item, text in changed:
            await AgendaItem.update({AgendaItem.notes: text}).where(AgendaItem.id == item.id)
        await _drafted(meeting)
        await audit.record(
            actor,
            "minutes.notes_saved",
            meeting,
            body_id=_id(meeting.body),
            summary=f"Minutes of {meeting.title}: notes on {len(changed)} item(s)",
            before={str(i.id): i.notes for i, _ in changed},
            after={str(i.id): text for i, text in changed},
        )


def _choice(values, errors, name: str, allowed, message: str) -> int | None:
    chosen = _int(values.get(name, ""))
    if chosen not in allowed:
        errors[name] = message
    return chosen


async def add_declaration(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], people, items
) -> Declaration:
    """``people``: id -> name of those who may declare; ``items``: the agenda items."""
    _check_open(meeting)
    errors: dict[str, str] = {}
    person = _choice(values, errors, "declaration_person", people, "Choose who is declaring")
    item = _choice(values, errors, "declaration_item", {i.id for i in items}, "Choose the item")
    interest = require(values, errors, "interest", "Enter the interest declared", 2000)
    if errors:
        raise FormError(errors)
    declaration = Declaration(meeting=meeting.id, item=item, person=person, interest=interest)
    async with _db().transaction():
        await declaration.save()
        await _drafted(meeting)
        await audit.record(
            actor,
            "declaration.added",
            declaration,
            body_id=_id(meeting.body),
            summary=f"{people[person]} declared an interest",
            after=audit.snapshot(declaration),
        )
    return declaration


async def remove_declaration(actor: Principal, meeting: Meeting, declaration_id: int) -> None:
    await _remove(actor, meeting, Declaration, declaration_id, "declaration.removed")


async def add_decision(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], items
) -> Decision:
    _check_open(meeting)
    errors: dict[str, str] = {}
    item = _choice(values, errors, "decision_item", {i.id for i in items}, "Choose the item")
    text = require(values, errors, "decision_text", "Enter the decision", 5000)
    if errors:
        raise FormError(errors)
    decision = Decision(meeting=meeting.id, item=item, text=text)
    async with _db().transaction():
        await decision.save()
        await _drafted(meeting)
        await audit.record(
            actor,
            "decision.added",
            decision,
            body_id=_id(meeting.body),
            summary=text[:200],
            after=audit.snapshot(decision),
        )
    return decision


async def remove_decision(actor: Principal, meeting: Meeting, decision_id: int) -> None:
    await _remove(actor, meeting, Decision, decision_id, "decision.removed")


async def _remove(actor, meeting, table, row_id: int, action: str) -> None:
    _check_open(meeting)
    row = await table.objects().where((table.id == row_id) & (table.meeting == meeting.id)).first()
    if row is None:
        return  # already gone: removing twice is harmless
    async with _db().transaction():
        await table.delete().where(table.id == row.id)
        await audit.record(
            actor, action, row, body_id=_id(meeting.body), before=audit.snapshot(row)
        )


# Actions


async def add_action(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], people, organisations, items
) -> Action:
    """``people``: id -> name of possible owners; ``organisations``: their ids."""
    _check_open(meeting)
    errors: dict[str, str] = {}
    description = require(values, errors, "action_description", "Enter the action", 2000)
    owner = _int(values.get("action_owner", ""))
    owner_name = values.get("action_owner_name", "").strip()
    if owner is not None and owner not in people:
        errors["action_owner"] = "Choose the owner from the list"
    elif owner is None and not owner_name:
        errors["action_owner"] = "Choose who will do this, or enter their name"
    elif len(owner_name) > 200:
        errors["action_owner_name"] = "Shorten the name to 200 characters or fewer"
    org = _int(values.get("action_organisation", ""))
    if values.get("action_organisation") and org not in organisations:
        errors["action_organisation"] = "Choose the organisation from the list"
    item = _int(values.get("action_item", ""))
    if values.get("action_item") and item not in {i.id for i in items}:
        errors["action_item"] = "Choose the item from the list"
    due = parse_date(
        values.get("action_due_date", ""), errors, "action_due_date", "due date", required=False
    )
    if errors:
        raise FormError(errors)
    if org is None and owner is not None:
        org = await _organisation_of(owner, meeting)
    action = Action(
        body=_id(meeting.body),
        meeting=meeting.id,
        item=item,
        description=description,
        owner=owner,
        owner_name="" if owner else owner_name,
        organisation=org,
        due_date=due,
    )
    async with _db().transaction():
        await action.save()
        await _drafted(meeting)
        await audit.record(
            actor,
            "action.added",
            action,
            body_id=_id(meeting.body),
            summary=description[:200],
            after=audit.snapshot(action),
        )
    return action


async def _organisation_of(person_id: int, meeting: Meeting) -> int | None:
    """The organisation the owner sits on the body for, when they do."""
    for m in await current_members(meeting):
        if m.person.id == person_id and _org_id(m):
            return _org_id(m)
    return None


async def set_action_status(actor: Principal, action: Action, status: str) -> None:
    if status not in {s.value for s in ActionStatus}:
        raise FormError({f"status-{action.id}": "Choose open, done or dropped"})
    if status == action.status:
        return
    before = audit.snapshot(action, "status", "completed_on")
    action.status = status
    action.completed_on = clock.today() if status == ActionStatus.done else None
    async with _db().transaction():
        await action.save([Action.status, Action.completed_on])
        await audit.record(
            actor,
            "action.updated",
            action,
            body_id=_id(action.body),
            summary=f"{action.description[:150]}: {status}",
            before=before,
            after=audit.snapshot(action, "status", "completed_on"),
        )


def _due_first(action: Action):
    return (action.due_date is None, action.due_date or dt.date.max, action.id)


async def open_actions_for(body_id: int, before: dt.datetime) -> list[Action]:
    """Open actions from the body's meetings that started before ``before``: matters arising.

    Owner, organisation and meeting are loaded; soonest due first, undated last.
    """
    rows = await Action.objects(Action.owner, Action.organisation, Action.meeting).where(
        (Action.body == body_id)
        & (Action.status == ActionStatus.open)
        & (Action.meeting.starts_at < before)
    )
    return sorted(rows, key=_due_first)


async def action_log(body_id: int) -> tuple[list[Action], list[Action]]:
    """(open, closed): open ones soonest due first; done and dropped ones latest first."""
    rows = await Action.objects(Action.owner, Action.organisation, Action.meeting).where(
        Action.body == body_id
    )
    still_open = sorted((a for a in rows if a.status == ActionStatus.open), key=_due_first)
    closed = [a for a in rows if a.status != ActionStatus.open]
    closed.sort(key=lambda a: (a.completed_on or dt.date.min, a.id), reverse=True)
    return still_open, closed


# Approval


async def later_meetings(meeting: Meeting) -> list[Meeting]:
    """The body's later meetings that have begun and were not cancelled: where minutes are
    approved."""
    return (
        await Meeting.objects()
        .where(
            (Meeting.body == _id(meeting.body))
            & (Meeting.starts_at > meeting.starts_at)
            & (Meeting.starts_at <= clock.now())
            & (Meeting.status != MeetingStatus.cancelled)
        )
        .order_by(Meeting.starts_at)
    )


async def approve_minutes(actor: Principal, meeting: Meeting, values: Mapping[str, str]) -> None:
    if meeting.minutes_state == MinutesState.approved:
        raise FormError({"approved_at": "These minutes have already been approved"})
    if meeting.minutes_state != MinutesState.draft:
        raise FormError({"approved_at": "There are no minutes to approve yet"})
    later = {m.id: m for m in await later_meetings(meeting)}
    chosen = _int(values.get("approved_at", ""))
    if chosen not in later:
        raise FormError({"approved_at": "Choose the meeting at which the minutes were approved"})
    before = audit.snapshot(meeting, "minutes_state", "minutes_approved_at")
    async with _db().transaction():
        meeting.minutes_state = MinutesState.approved
        meeting.minutes_approved_at = chosen
        await meeting.save([Meeting.minutes_state, Meeting.minutes_approved_at])
        await audit.record(
            actor,
            "minutes.approved",
            meeting,
            body_id=_id(meeting.body),
            summary=f"Minutes of {meeting.title} approved at {later[chosen].title}",
            before=before,
            after=audit.snapshot(meeting, "minutes_state", "minutes_approved_at"),
        )

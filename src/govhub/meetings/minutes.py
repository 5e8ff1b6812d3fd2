"""What was said and decided at a meeting? Notes, declarations, decisions, approving the minutes.

Every change raises :class:`FormError` with a message per field when the input is wrong, and
otherwise writes in one transaction with a dotted audit entry. Minutes go none -> draft (as
soon as anything is written) -> approved (at a later meeting), and approved minutes are final.
Each item's notes carry a version: a save decided on an older one than is stored is refused
(:class:`NotesConflict`), so two people writing the same minutes never overwrite each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from govhub import clock
from govhub.audit import services as audit
from govhub.errors import Conflict
from govhub.governance.principal import Principal
from govhub.governance.tables import Membership
from govhub.meetings._common import (
    add_to_minutes,
    check_minutes_open,
    db,
    id_of,
    int_or_none,
    mark_minutes_drafted,
    reread_locked,
)
from govhub.meetings.responses import apologies_sent
from govhub.meetings.tables import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Declaration,
    Meeting,
    MeetingStatus,
    MinutesState,
)
from govhub.meetings.visibility import visible_meetings
from govhub.validation import FormError, require

__all__ = [
    "ItemRecord",
    "MinutesRecord",
    "NotesConflict",
    "add_decision",
    "add_declaration",
    "agenda_items",
    "approve_minutes",
    "approved_at",
    "clean_notes",
    "later_meetings",
    "minutes_record",
    "notes_digest",
    "people_at",
    "remove_decision",
    "remove_declaration",
    "save_notes",
]

NOTES_LIMIT = 20_000


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
    # Apologies the members sent count until the record says they came after all.
    sent = await apologies_sent(meeting)
    for row in sorted(rows, key=lambda r: r.id):
        name = row.person.name if row.person and row.person.id else row.guest_name
        org = row.organisation.name if row.organisation and row.organisation.id else ""
        if row.is_guest:
            names["guests"].append(name)
        elif row.is_substitute:
            names["substitutes"].append(f"{name} (for {org})" if org else name)
        else:
            status = row.status
            if status == "absent" and row.person and row.person.id in sent:
                status = "apologies"
            names[status].append(f"{name} ({org})" if org else name)
        if row.person and not row.is_substitute:
            sent.pop(row.person.id, None)
    names["apologies"] += list(sent.values())
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


class NotesConflict(Conflict):
    """Someone else saved notes on these items since the form was opened: nothing was saved.

    ``theirs``: item id -> the notes as they now stand, to show beside what was typed;
    ``errors``: a message per notes field, as for :class:`FormError`.
    """

    def __init__(self, theirs: dict[int, str], titles: dict[int, str]) -> None:
        self.theirs = theirs
        self.errors = {
            f"notes-{item_id}": (
                f"Someone else saved changes to the notes on {titles[item_id]} while you were "
                "editing. Nothing was saved: their version is below the box. Merge it into "
                "yours, then save again"
            )
            for item_id in theirs
        }
        super().__init__("; ".join(self.errors.values()))


def clean_notes(text: str | None) -> str:
    """Notes as stored: one kind of line ending (browsers send CRLF), no surrounding space."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def notes_digest(text: str | None) -> str:
    """A short fingerprint of notes as a form showed them (its ``notes_seen-<id>`` field): what
    comes back unchanged was not touched, so it is neither saved nor a conflict."""
    return hashlib.sha256(clean_notes(text).encode()).hexdigest()[:16]


async def save_notes(
    actor: Principal, meeting: Meeting, items: list[AgendaItem], values: Mapping[str, str]
) -> list[AgendaItem]:
    """Save the ``notes-<item id>`` fields sent (an item whose field is absent is left alone).

    Beside each, ``notes_version-<id>`` is the version the form was opened at and
    ``notes_seen-<id>`` the fingerprint of the text it showed. Notes sent back untouched are
    skipped; edited notes whose item was saved by someone else since (a newer version, other
    text) raise :class:`NotesConflict` and nothing is saved. Returns the items sent edited,
    as they now stand (each write raises ``notes_version``; text already stored is not written).
    """
    typed: dict[int, tuple[str, int | None]] = {}
    errors: dict[str, str] = {}
    for item in items:
        field_name = f"notes-{item.id}"
        if field_name not in values:
            continue
        text = clean_notes(values[field_name])
        if len(text) > NOTES_LIMIT:
            errors[field_name] = f"Shorten these notes to {NOTES_LIMIT:,} characters"
        elif values.get(f"notes_seen-{item.id}") != notes_digest(text):
            typed[item.id] = (text, int_or_none(values.get(f"notes_version-{item.id}", "")))
    if errors:
        raise FormError(errors)
    check_minutes_open(meeting)
    if not typed:
        return []
    async with db().transaction():
        await reread_locked(meeting)  # one save of this meeting's minutes at a time
        check_minutes_open(meeting)
        stored = await AgendaItem.objects().where(
            (AgendaItem.meeting == meeting.id) & AgendaItem.id.is_in(list(typed))
        )
        changed, theirs = [], {}
        for row in stored:
            text, seen_version = typed[row.id]
            if text == (row.notes or ""):
                continue  # already so (an autosave of the same text got there first)
            if seen_version is not None and seen_version != row.notes_version:
                theirs[row.id] = row.notes or ""
            else:
                changed.append((row, text))
        if theirs:
            titles = {row.id: f"{row.number}. {row.title}" for row in stored}
            raise NotesConflict(theirs, titles)
        before = {str(row.id): row.notes for row, _ in changed}
        for row, text in changed:
            row.notes, row.notes_version = text, row.notes_version + 1
            await row.save([AgendaItem.notes, AgendaItem.notes_version])
        if changed:
            await mark_minutes_drafted(meeting)
            await audit.record(
                actor,
                "minutes.notes_saved",
                meeting,
                body_id=id_of(meeting.body),
                summary=f"Minutes of {meeting.title}: notes on {len(changed)} item(s)",
                before=before,
                after={str(row.id): row.notes for row, _ in changed},
            )
    return [row for row in stored if row.id not in theirs]


def _choice(values, errors, name: str, allowed, message: str) -> int | None:
    chosen = int_or_none(values.get(name, ""))
    if chosen not in allowed:
        errors[name] = message
    return chosen


async def add_declaration(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], people, items
) -> Declaration:
    """``people``: id -> name of those who may declare; ``items``: the agenda items."""
    check_minutes_open(meeting)
    errors: dict[str, str] = {}
    person = _choice(values, errors, "declaration_person", people, "Choose who is declaring")
    item = _choice(values, errors, "declaration_item", {i.id for i in items}, "Choose the item")
    interest = require(values, errors, "interest", "Enter the interest declared", 2000)
    if errors:
        raise FormError(errors)
    declaration = Declaration(meeting=meeting.id, item=item, person=person, interest=interest)
    summary = f"{people[person]} declared an interest"
    return await add_to_minutes(actor, meeting, declaration, "declaration.added", summary)


async def remove_declaration(actor: Principal, meeting: Meeting, declaration_id: int) -> None:
    await _remove(actor, meeting, Declaration, declaration_id, "declaration.removed")


async def add_decision(
    actor: Principal, meeting: Meeting, values: Mapping[str, str], items
) -> Decision:
    check_minutes_open(meeting)
    errors: dict[str, str] = {}
    item = _choice(values, errors, "decision_item", {i.id for i in items}, "Choose the item")
    text = require(values, errors, "decision_text", "Enter the decision", 5000)
    if errors:
        raise FormError(errors)
    decision = Decision(meeting=meeting.id, item=item, text=text)
    return await add_to_minutes(actor, meeting, decision, "decision.added", text[:200])


async def remove_decision(actor: Principal, meeting: Meeting, decision_id: int) -> None:
    await _remove(actor, meeting, Decision, decision_id, "decision.removed")


async def _remove(actor, meeting, table, row_id: int, action: str) -> None:
    check_minutes_open(meeting)
    row = await table.objects().where((table.id == row_id) & (table.meeting == meeting.id)).first()
    if row is None:
        return  # already gone: removing twice is harmless
    async with db().transaction():
        await table.delete().where(table.id == row.id)
        await audit.record(
            actor, action, row, body_id=id_of(meeting.body), before=audit.snapshot(row)
        )


# Approval


async def later_meetings(meeting: Meeting) -> list[Meeting]:
    """The body's later meetings that have begun and were not cancelled: where minutes are
    approved."""
    return (
        await Meeting.objects()
        .where(
            (Meeting.body == id_of(meeting.body))
            & (Meeting.starts_at > meeting.starts_at)
            & (Meeting.starts_at <= clock.now())
            & (Meeting.status != MeetingStatus.cancelled)
        )
        .order_by(Meeting.starts_at)
    )


async def approved_at(meeting: Meeting, viewer: Principal) -> Meeting | None:
    """The meeting at which ``meeting``'s minutes were approved, if ``viewer`` may see it (a
    private meeting's title never shows on public minutes)."""
    if not meeting.minutes_approved_at:
        return None
    where = (Meeting.id == id_of(meeting.minutes_approved_at)) & visible_meetings(viewer)
    return await Meeting.objects().where(where).first()


async def approve_minutes(actor: Principal, meeting: Meeting, values: Mapping[str, str]) -> None:
    later = {m.id: m for m in await later_meetings(meeting)}
    chosen = int_or_none(values.get("approved_at", ""))
    async with db().transaction():
        await reread_locked(meeting)  # two approvals at once: the second is told it is done
        if meeting.minutes_state == MinutesState.approved:
            raise FormError({"approved_at": "These minutes have already been approved"})
        if meeting.minutes_state != MinutesState.draft:
            raise FormError({"approved_at": "There are no minutes to approve yet"})
        if chosen not in later:
            raise FormError(
                {"approved_at": "Choose the meeting at which the minutes were approved"}
            )
        before = audit.snapshot(meeting, "minutes_state", "minutes_approved_at")
        meeting.minutes_state = MinutesState.approved
        meeting.minutes_approved_at = chosen
        await meeting.save([Meeting.minutes_state, Meeting.minutes_approved_at])
        await audit.record(
            actor,
            "minutes.approved",
            meeting,
            body_id=id_of(meeting.body),
            summary=f"Minutes of {meeting.title} approved at {later[chosen].title}",
            before=before,
            after=audit.snapshot(meeting, "minutes_state", "minutes_approved_at"),
        )

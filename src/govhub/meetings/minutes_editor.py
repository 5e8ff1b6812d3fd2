"""What one press of a button on the minutes page does: the notes saved, then the button's step.

The minutes page is one form, so whichever button is pressed nothing typed is lost: every
item's notes are saved first (:func:`govhub.meetings.minutes.save_notes`, which refuses a
save over someone else's), then the step the button names in ``action``. What was typed for
another step (half a decision, when "Add action" was pressed) is handed back, not done yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from govhub.governance.principal import Principal
from govhub.governance.tables import Organisation
from govhub.meetings import actions, attendance, minutes
from govhub.meetings.tables import Meeting
from govhub.validation import parse_id

__all__ = ["FIELDS", "Outcome", "press", "shown_again"]

FIELDS = {  # the fields each step reads, by the part of the page they sit in
    "declarations": ("declaration_person", "declaration_item", "interest"),
    "decisions": ("decision_item", "decision_text"),
    "actions": (
        "action_description",
        "action_owner",
        "action_owner_name",
        "action_organisation",
        "action_due_date",
        "action_item",
    ),
    "approval": ("approved_at",),
}


@dataclass(frozen=True)
class Outcome:
    section: str  # where the page goes next: notes, declarations, ..., or attendance
    done: str  # what happened, in words
    kept: dict[str, str] = field(default_factory=dict)  # typed for other steps, not done


async def press(
    actor: Principal, meeting: Meeting, action: str, values: Mapping[str, str]
) -> Outcome:
    """Save the notes, then do ``action`` ("add_decision", "remove_decision:12", ...; anything
    else only saves). Raises FormError or minutes.NotesConflict; on a conflict nothing is
    done, and on the step's FormError the notes are already saved."""
    values = {name: value.strip() for name, value in values.items()}
    items = await minutes.agenda_items(meeting)
    await minutes.save_notes(actor, meeting, items, values)
    step, _, row = action.partition(":")
    row_id = parse_id(row) or 0
    section, done, used = "notes", "The notes have been saved", ()
    if step == "add_declaration":
        declarers, _ = await minutes.people_at(meeting, await attendance.current_members(meeting))
        await minutes.add_declaration(actor, meeting, values, declarers, items)
        section, done, used = "declarations", "Declaration added", FIELDS["declarations"]
    elif step == "add_decision":
        await minutes.add_decision(actor, meeting, values, items)
        section, done, used = "decisions", "Decision added", FIELDS["decisions"]
    elif step == "add_action":
        _, owners = await minutes.people_at(meeting, await attendance.current_members(meeting))
        organisations = {org["id"] for org in await Organisation.select(Organisation.id)}
        await actions.add_action(actor, meeting, values, owners, organisations, items)
        section, done, used = "actions", "Action added", FIELDS["actions"]
    elif step == "remove_declaration":
        await minutes.remove_declaration(actor, meeting, row_id)
        section, done = "declarations", "Declaration removed"
    elif step == "remove_decision":
        await minutes.remove_decision(actor, meeting, row_id)
        section, done = "decisions", "Decision removed"
    elif step == "approve":
        await minutes.approve_minutes(actor, meeting, values)
        section, done = "approval", "The minutes have been approved"
        used = FIELDS["approval"]
    elif step == "attendance":
        section = "attendance"
    kept = {
        name: values[name]
        for names in FIELDS.values()
        for name in names
        if name not in used and values.get(name)
    }
    return Outcome(section, done, kept)


def shown_again(values: Mapping[str, str]) -> dict[str, str]:
    """The form's fields to show again after a problem, less notes sent back untouched: their
    box shows the notes as saved now (perhaps by someone else meanwhile), so that sending the
    form again overwrites nothing."""
    return {
        name: value
        for name, value in values.items()
        if not name.startswith("notes-")
        or values.get(f"notes_seen-{name.removeprefix('notes-')}") != minutes.notes_digest(value)
    }

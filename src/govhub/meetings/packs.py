"""Agenda packs: what a meeting's pack holds, for the public or for members, and its version.

Two packs per meeting. The public pack holds what anyone may read: the public items (an exempt
item keeps only its number, "not for publication"), the previous public meeting's approved
minutes and the actions the public may see. The members' pack reads the record as any member
of the body would (:func:`govhub.meetings.visibility.members_view`): every item, the previous
meeting's minutes in draft for approval, and the whole action log. Only published agendas have
packs, except that those who manage the body may preview a draft.

A pack's version is a hash of everything it shows: the PDF is built once per version by a job
(:mod:`govhub.meetings.packs_build`) and served from storage (:mod:`govhub.meetings.packs_store`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from piccolo.table import Table

from govhub import clock
from govhub.errors import NotFound
from govhub.governance.principal import ANONYMOUS, Principal
from govhub.meetings import file_kinds
from govhub.meetings import papers as paper_files
from govhub.meetings.access import can_see_confidential, can_see_minutes, load_meeting
from govhub.meetings.minutes import MinutesRecord, agenda_items, minutes_record
from govhub.meetings.tables import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaState,
    Meeting,
    MeetingStatus,
    MinutesState,
    Paper,
)
from govhub.meetings.visibility import members_view, visible_actions, visible_meetings
from govhub.settings import get_settings
from govhub.validation import slugify

__all__ = [
    "ActionLog",
    "Pack",
    "PackItem",
    "PreviousMinutes",
    "cache_control",
    "format_when",
    "load_pack",
    "pack_context",
    "pack_filename",
    "pack_for",
    "pack_version",
    "print_url",
]

LAYOUT = "2"
"""Part of every pack's version: raise it when the pack's templates or stamping change, so
packs stored by the old code are built again."""


@dataclass(frozen=True)
class PackItem:
    """An agenda item in a pack. ``item`` is None for an exempt item in the public pack: only
    its number shows, so both packs number every item alike."""

    number: str
    item: AgendaItem | None
    papers: list[Paper]


@dataclass(frozen=True)
class PreviousMinutes:
    """The minutes of the body's previous meeting; ``record`` is None while the reader may not
    read them yet (the public, before they are approved)."""

    meeting: Meeting
    record: MinutesRecord | None
    numbers: dict[int, str]


@dataclass(frozen=True)
class ActionLog:
    """Actions from earlier meetings: still open (matters arising), and done since the
    previous meeting."""

    still_open: list[Action]
    done: list[Action]
    as_of: dt.date  # "overdue" means overdue by the day of the meeting

    def is_overdue(self, action: Action) -> bool:
        return bool(action.due_date) and action.due_date < self.as_of


@dataclass(frozen=True)
class Pack:
    meeting: Meeting
    items: list[PackItem]
    for_members: bool
    is_draft: bool
    previous: PreviousMinutes | None
    actions: ActionLog

    @property
    def kind(self) -> str:
        """``members`` or ``public``: which of a meeting's two packs this is."""
        return "members" if self.for_members else "public"

    @property
    def papers(self) -> list[tuple[PackItem, Paper]]:
        return [(entry, p) for entry in self.items for p in entry.papers]


async def load_pack(meeting_id: int, principal: Principal) -> Pack:
    """The pack ``principal`` may read, or 404 (an unpublished agenda, a hidden meeting)."""
    meeting = await load_meeting(meeting_id, principal)
    body_id = meeting.body.id
    if meeting.agenda_state != AgendaState.published and not principal.can_manage_body(body_id):
        raise NotFound()
    return await pack_for(meeting, for_members=can_see_confidential(principal, body_id))


async def pack_for(meeting: Meeting, *, for_members: bool) -> Pack:
    """The members' or the public pack of ``meeting`` (its body loaded), whoever asks."""
    body_id = meeting.body.id
    viewer = members_view(body_id) if for_members else ANONYMOUS
    items = await agenda_items(meeting)
    grouped = await paper_files.papers_by_item([i.id for i in items if for_members or _public(i)])
    numbers = item_numbers(items)
    entries = [
        PackItem(number=numbers[item.id], item=item, papers=grouped[item.id])
        if for_members or _public(item)
        else PackItem(number=numbers[item.id], item=None, papers=[])
        for item in items
    ]
    previous = await _previous_meeting(meeting, viewer)
    return Pack(
        meeting=meeting,
        items=entries,
        for_members=for_members,
        is_draft=meeting.agenda_state != AgendaState.published,
        previous=await _previous_minutes(previous, viewer, for_members) if previous else None,
        actions=await _action_log(meeting, previous, viewer),
    )


def _public(item: AgendaItem) -> bool:
    return not item.is_confidential


def item_numbers(items: list[AgendaItem]) -> dict[int, str]:
    """Each item's number as the agenda published it ("7", "6a"): the same in every view."""
    return {item.id: item.number or str(item.position) for item in items}


async def _previous_meeting(meeting: Meeting, viewer: Principal) -> Meeting | None:
    """The body's last meeting before this one that ``viewer`` may see and that took place."""
    return (
        await Meeting.objects(Meeting.body)
        .where(
            visible_meetings(viewer)
            & (Meeting.body == meeting.body.id)
            & (Meeting.starts_at < meeting.starts_at)
            & (Meeting.status != MeetingStatus.cancelled)
        )
        .order_by(Meeting.starts_at, ascending=False)
        .first()
    )


async def _previous_minutes(
    previous: Meeting, viewer: Principal, for_members: bool
) -> PreviousMinutes:
    readable = previous.minutes_state != MinutesState.none and can_see_minutes(viewer, previous)
    record = await minutes_record(previous, confidential=for_members) if readable else None
    numbers = item_numbers(await agenda_items(previous)) if readable else {}
    return PreviousMinutes(meeting=previous, record=record, numbers=numbers)


async def _action_log(meeting: Meeting, previous: Meeting | None, viewer: Principal) -> ActionLog:
    """The actions ``viewer`` may see from the body's earlier meetings."""
    rows = await Action.objects(Action.owner, Action.organisation, Action.meeting).where(
        visible_actions(viewer, meeting.body.id) & (Action.meeting.starts_at < meeting.starts_at)
    )
    since = previous.starts_at.date() if previous else dt.date.min
    due_first = sorted(rows, key=lambda a: (a.due_date is None, a.due_date or dt.date.max, a.id))
    return ActionLog(
        still_open=[a for a in due_first if a.status == ActionStatus.open],
        done=[
            a
            for a in due_first
            if a.status == ActionStatus.done and a.completed_on and a.completed_on >= since
        ],
        as_of=meeting.starts_at.astimezone(get_settings().zone).date(),
    )


# The version: everything the pack shows, hashed.


def pack_version(pack: Pack) -> str:
    """A short hash of everything ``pack`` shows: a new version whenever any of it changes
    (an item, a paper's file, the previous minutes, an action), the same one otherwise."""
    # The site's address too: the PDF prints the address of each paper not bound in.
    shown = [LAYOUT, get_settings().base_url, _plain(pack)]
    plain = json.dumps(shown, sort_keys=True, default=str)
    return hashlib.sha256(plain.encode()).hexdigest()[:24]


_NOT_SHOWN = frozenset(
    {"created_at", "invites_sent_at", "sequence", "stored_name", "uid", "updated_at", "uploaded_by"}
)
"""Columns no pack shows: changing them (the invitations going out, say) is no new version."""


def _plain(value):
    if isinstance(value, Table):
        return {
            column._meta.name: _plain(getattr(value, column._meta.name, None))
            for column in value._meta.columns
            if column._meta.name not in _NOT_SHOWN
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# What the templates need.


def cache_control(pack: Pack) -> str:
    """The members' pack and draft previews must never be stored."""
    return paper_files.PRIVATE if pack.for_members or pack.is_draft else "no-cache"


def format_when(starts_at: dt.datetime, ends_at: dt.datetime | None, zone: ZoneInfo) -> str:
    """``Tuesday 3 March 2026, 6pm to 8pm`` in the partnership's time zone (GOV.UK style)."""
    start = starts_at.astimezone(zone)
    text = f"{start:%A} {start.day} {start:%B %Y}, {_clock(start)}"
    if ends_at is not None:
        end = ends_at.astimezone(zone)
        text += f" to {_clock(end)}" if end.date() == start.date() else ""
    return text


def _clock(moment: dt.datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def pack_context(
    pack: Pack,
    *,
    pdf: bool,
    attached: dict[int, int] | None = None,
    pages: dict[str, int] | None = None,
) -> dict:
    """What ``meetings/pack.html`` needs.

    For the PDF: ``attached`` maps the PDF papers bound into it to their number of pages, and
    ``pages`` the page each item's papers (``item-<number>-papers``) and each paper
    (``paper-<id>``) begins on.
    """
    meeting = pack.meeting
    zone = get_settings().zone
    previous = pack.previous
    return {
        "pack": pack,
        "meeting": meeting,
        "body_name": meeting.body.name,
        "when": format_when(meeting.starts_at, meeting.ends_at, zone),
        "previous_when": (format_when(previous.meeting.starts_at, None, zone) if previous else ""),
        "is_cancelled": meeting.status == MeetingStatus.cancelled,
        "pdf": pdf,
        "attached": attached or {},
        "pages": pages or {},
        "download_url": paper_files.download_url,
        "format_size": file_kinds.format_size,
        "kind_labels": file_kinds.KIND_LABELS,
        "print_url": print_url,
        "produced_at": clock.now(),
    }


def print_url(paper: Paper) -> str:
    """A paper's full address to print in the PDF: readable, since the name part is cosmetic."""
    stem = slugify(paper.title)[:60].strip("-") or "paper"
    return f"{get_settings().base_url}/papers/{paper.id}/{stem}.{paper.kind}"


def pack_filename(pack: Pack) -> str:
    """``health-and-wellbeing-board-2026-03-03-agenda-pack.pdf`` (members' and draft marked)."""
    meeting = pack.meeting
    day = meeting.starts_at.astimezone(get_settings().zone).date().isoformat()
    name = f"{slugify(meeting.body.name)[:60] or 'meeting'}-{day}-agenda-pack"
    if pack.for_members:
        name += "-members"
    if pack.is_draft:
        name += "-draft"
    return f"{name}.pdf"

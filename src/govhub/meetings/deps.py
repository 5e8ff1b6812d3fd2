"""What meetings routes need, loaded before the handler runs: 404 when absent or not visible.

Each dict below goes in a route's ``dependencies=``; the handler then takes the loaded object
by its key, typed with the alias beside it (``meeting: ManagedMeeting``, ``item: MeetingItem``).
The rules themselves are in :mod:`govhub.meetings.access`: plain functions that feeds, packs
and jobs use too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter

from govhub.errors import NotFound
from govhub.governance.deps import (
    BODY,
    MANAGED_BODY,
    ManagedBody,
    VisibleBody,
    provide_body,
)
from govhub.governance.tables import Body, Membership
from govhub.meetings import access, packs, papers, terms
from govhub.meetings.responses import seat_of
from govhub.meetings.rsvp_links import LINK_ANSWERS, signature_ok
from govhub.meetings.tables import Action, AgendaItem, Meeting, Paper, TermsOfReference
from govhub.validation import whole_number
from govhub.web.guards import Me

__all__ = [
    "ACTION",
    "ANSWER_LINK",
    "COMPARISON",
    "DOWNLOAD",
    "DRAFT",
    "ITEM",
    "LOG_BODY",
    "MANAGED_ITEM",
    "MANAGED_MEETING",
    "MANAGED_PAPER",
    "MEETING",
    "MINUTES_MEETING",
    "PACK",
    "VERSION",
    "AnswerLink",
    "Comparison",
    "Download",
    "ItemPaper",
    "LoggedAction",
    "ManagedMeeting",
    "MeetingItem",
    "MemberBody",
    "MinutesMeeting",
    "PaperDownload",
    "ReadablePack",
    "SignedAnswer",
    "TermsComparison",
    "TermsDraft",
    "TermsVersion",
    "VisibleMeeting",
]

logger = logging.getLogger(__name__)

VisibleMeeting = NamedDependency[Meeting]
"""``meeting: VisibleMeeting`` (with ``dependencies=MEETING``)."""

ManagedMeeting = NamedDependency[Meeting]
"""``meeting: ManagedMeeting`` (with ``dependencies=MANAGED_MEETING``)."""

MinutesMeeting = NamedDependency[Meeting]
"""``meeting: MinutesMeeting`` (with ``dependencies=MINUTES_MEETING``)."""

MeetingItem = NamedDependency[AgendaItem]
"""``item: MeetingItem`` (with ``ITEM`` or ``MANAGED_ITEM``)."""

ItemPaper = NamedDependency[Paper]
"""``paper: ItemPaper`` (with ``MANAGED_PAPER``)."""


# A meeting and its parts.


async def provide_meeting(meeting_id: FromPath[int], principal: Me) -> Meeting:
    """The meeting at ``{meeting_id}``, if ``principal`` may see it."""
    return await access.load_meeting(meeting_id, principal)


async def provide_managed_meeting(meeting_id: FromPath[int], principal: Me) -> Meeting:
    """The meeting at ``{meeting_id}``, for its body's secretary or an admin."""
    return await access.load_managed_meeting(meeting_id, principal)


async def provide_minutes_meeting(meeting_id: FromPath[int], principal: Me) -> Meeting:
    """The meeting whose minutes ``principal`` may read (approved ones, or drafts for members)."""
    meeting = await access.load_meeting(meeting_id, principal)
    if not access.can_see_minutes(principal, meeting):
        raise NotFound()
    return meeting


async def provide_item(
    meeting: NamedDependency[Meeting], item_id: FromPath[int], principal: Me
) -> AgendaItem:
    """Item ``{item_id}`` of the route's meeting; a confidential one only for its members."""
    return await access.load_item(meeting, item_id, principal)


async def provide_paper(item: MeetingItem, paper_id: FromPath[int]) -> Paper:
    """Paper ``{paper_id}`` of the route's item."""
    return await access.load_paper(item, paper_id)


MEETING = {"meeting": Provide(provide_meeting)}
"""``dependencies=MEETING`` on a route with ``{meeting_id}``: a meeting this person may see."""

MANAGED_MEETING = {"meeting": Provide(provide_managed_meeting)}
"""A meeting of a body this person manages."""

MINUTES_MEETING = {"meeting": Provide(provide_minutes_meeting)}
"""A meeting whose minutes this person may read."""

ITEM = {"item": Provide(provide_item)}
"""With a ``meeting`` provider and ``{item_id}``: an item of that meeting."""

MANAGED_ITEM = {**MANAGED_MEETING, **ITEM}
"""A meeting this person manages, and its ``item``."""

MANAGED_PAPER = {**MANAGED_ITEM, "paper": Provide(provide_paper)}
"""A meeting this person manages, its ``item``, and the item's ``paper`` at ``{paper_id}``."""


# Reading: packs and papers' files.


@dataclass(frozen=True)
class Download:
    """A paper ``principal`` may download, with its item, meeting and file."""

    paper: Paper
    item: AgendaItem
    meeting: Meeting
    path: Path


ReadablePack = NamedDependency[packs.Pack]
"""``pack: ReadablePack`` (with ``dependencies=PACK``)."""

PaperDownload = NamedDependency[Download]
"""``download: PaperDownload`` (with ``dependencies=DOWNLOAD``)."""


async def provide_pack(meeting_id: FromPath[int], principal: Me) -> packs.Pack:
    """The agenda pack of ``{meeting_id}`` that ``principal`` may read."""
    return await packs.load_pack(meeting_id, principal)


async def provide_download(paper_id: FromPath[int], principal: Me) -> Download:
    """Paper ``{paper_id}`` and its file; 404 as well (logged) when the file has gone."""
    paper, item, meeting = await papers.load_downloadable_paper(paper_id, principal)
    path = papers.paper_path(paper)
    if not path.is_file():
        logger.error("the file of paper %s is missing: %s", paper.id, path)
        raise NotFound()
    return Download(paper=paper, item=item, meeting=meeting, path=path)


PACK = {"pack": Provide(provide_pack)}
"""The pack of ``{meeting_id}`` as this person may read it."""

DOWNLOAD = {"download": Provide(provide_download)}
"""The paper at ``{paper_id}`` and its file, if this person may download it."""


# A body's action log.

MemberBody = NamedDependency[Body]
"""``member_body: MemberBody`` (with ``dependencies=LOG_BODY``)."""

LoggedAction = NamedDependency[Action]
"""``action: LoggedAction`` (with ``dependencies=ACTION``)."""


async def provide_member_body(slug: FromPath[str], principal: Me) -> Body:
    """The body at ``{slug}`` whose action log this is: for its members and admins."""
    body = await provide_body(slug, principal)
    if not access.can_see_action_log(principal, body.id):
        raise NotFound()
    return body


async def provide_action(
    member_body: MemberBody, action_id: FromPath[int], principal: Me
) -> Action:
    """Action ``{action_id}`` on the body's log, for those who manage the body."""
    return await access.load_action(member_body.id, action_id, principal)


LOG_BODY = {"member_body": Provide(provide_member_body)}
"""The body at ``{slug}`` whose action log this person may read."""

ACTION = {**LOG_BODY, "action": Provide(provide_action)}
"""That body, and the ``action`` at ``{action_id}`` if this person may change it."""


# Terms of reference.


@dataclass(frozen=True)
class Comparison:
    """Two versions of a body's terms of reference, in the order they are compared."""

    before: TermsOfReference
    after: TermsOfReference


TermsVersion = NamedDependency[TermsOfReference]
"""``tor: TermsVersion`` (with ``dependencies=VERSION``)."""

TermsDraft = NamedDependency[TermsOfReference]
"""``draft: TermsDraft`` (with ``dependencies=DRAFT``)."""

TermsComparison = NamedDependency[Comparison]
"""``comparison: TermsComparison`` (with ``dependencies=COMPARISON``)."""


async def provide_version(
    visible_body: VisibleBody, number: FromPath[int], principal: Me
) -> TermsOfReference:
    """Version ``{number}`` of the body's terms of reference (drafts for its managers)."""
    body = visible_body
    tor = await terms.version_of(body.id, number, principal.can_manage_body(body.id))
    if tor is None:
        raise NotFound()
    return tor


async def provide_comparison(
    visible_body: VisibleBody,
    principal: Me,
    old: Annotated[str | None, QueryParameter(name="from")] = None,
    to: FromQuery[str | None] = None,
) -> Comparison:
    """The versions named by ``?from=`` and ``?to=`` (numbers); 404 if either is not there."""
    body = visible_body
    drafts = principal.can_manage_body(body.id)
    versions = {v.version: v for v in await terms.versions_of(body.id, drafts)}
    before, after = versions.get(_number(old)), versions.get(_number(to))
    if before is None or after is None:
        raise NotFound()
    return Comparison(before=before, after=after)


async def provide_draft(managed_body: ManagedBody) -> TermsOfReference:
    """The body's draft terms of reference; 404 when there is none."""
    draft = await terms.draft_of(managed_body.id)
    if draft is None:
        raise NotFound()
    return draft


def _number(text: str | None) -> int | None:
    return whole_number(text or "")


VERSION = {**BODY, "tor": Provide(provide_version)}
"""The body at ``{slug}`` and its version ``{number}`` as ``tor``."""

COMPARISON = {**BODY, "comparison": Provide(provide_comparison)}
"""The body at ``{slug}`` and the two versions named by ``?from=`` and ``?to=``."""

DRAFT = {**MANAGED_BODY, "draft": Provide(provide_draft)}
"""A body this person manages, and its ``draft``."""


# Answering an invitation from a signed link (no sign-in).


@dataclass(frozen=True)
class SignedAnswer:
    """A signed answer link, checked: its meeting (with body), the member's seat, the answer."""

    meeting: Meeting
    seat: Membership
    answer: str
    signature: str


AnswerLink = NamedDependency[SignedAnswer]
"""``link: AnswerLink`` (with ``dependencies=ANSWER_LINK``)."""


async def provide_answer_link(
    meeting_id: FromPath[int],
    person_id: FromPath[int],
    answer: FromPath[str],
    s: FromQuery[str | None] = None,
) -> SignedAnswer:
    """The link ``/meetings/{meeting_id}/rsvp/{person_id}/{answer}?s=``, if its signature is
    good and the person sits on the body; any other: 404, the same whatever is wrong."""
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()
    if (
        meeting is None
        or answer not in LINK_ANSWERS
        or not signature_ok(meeting.uid, person_id, answer, s or "")
    ):
        raise NotFound()
    seat = await seat_of(meeting, person_id)
    if seat is None:
        raise NotFound()
    return SignedAnswer(meeting=meeting, seat=seat, answer=answer, signature=s or "")


ANSWER_LINK = {"link": Provide(provide_answer_link)}
"""A signed answer link to a meeting, as ``link``."""

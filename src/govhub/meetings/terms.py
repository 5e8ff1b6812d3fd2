"""Terms of reference: versions of a body's rules, drafted, approved, then superseded.

A body has at most one draft at a time and at most one approved version; approving a draft
supersedes the version before it in the same transaction. The pure rules (describing a quorum,
checking a draft) are in :mod:`govhub.meetings.terms_rules`. Comparing two versions is in
:mod:`govhub.meetings.terms_diff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from govhub import clock
from govhub.audit.services import record, snapshot
from govhub.governance.principal import Principal
from govhub.governance.tables import Body
from govhub.meetings.tables import Meeting, MeetingStatus, TermsOfReference, TorState
from govhub.meetings.terms_rules import (
    COPIED,
    clean_approval,
    clean_terms,
    describe_quorum,
    next_version_number,
)
from govhub.validation import FormError

__all__ = [
    "ReviewDue",
    "TermsSummary",
    "approvable_meetings",
    "approve_draft",
    "current_terms",
    "draft_of",
    "reviews_due",
    "save_draft",
    "starting_point",
    "terms_summary",
    "version_of",
    "versions_of",
]


def _db():
    return TermsOfReference._meta.db


async def current_terms(body_id: int) -> TermsOfReference | None:
    """The version in force: the approved one (None before any is approved)."""
    return (
        await TermsOfReference.objects(TermsOfReference.approved_at)
        .where((TermsOfReference.body == body_id) & (TermsOfReference.state == TorState.approved))
        .order_by(TermsOfReference.version, ascending=False)
        .first()
    )


async def draft_of(body_id: int) -> TermsOfReference | None:
    return (
        await TermsOfReference.objects()
        .where((TermsOfReference.body == body_id) & (TermsOfReference.state == TorState.draft))
        .first()
    )


async def versions_of(body_id: int, with_drafts: bool = False) -> list[TermsOfReference]:
    """Every version, newest first, with the approving meeting loaded."""
    where = TermsOfReference.body == body_id
    if not with_drafts:
        where &= TermsOfReference.state != TorState.draft
    return (
        await TermsOfReference.objects(TermsOfReference.approved_at)
        .where(where)
        .order_by(TermsOfReference.version, ascending=False)
    )


async def version_of(
    body_id: int, number: int, with_drafts: bool = False
) -> TermsOfReference | None:
    return next((v for v in await versions_of(body_id, with_drafts) if v.version == number), None)


async def starting_point(body_id: int) -> TermsOfReference | None:
    """What a new draft is copied from: the approved version, else the latest."""
    current = await current_terms(body_id)
    if current is not None:
        return current
    versions = await versions_of(body_id, with_drafts=True)
    return versions[0] if versions else None


async def approvable_meetings(body_id: int) -> list[Meeting]:
    """The body's meetings that could have approved a version, most recent first."""
    return (
        await Meeting.objects()
        .where((Meeting.body == body_id) & (Meeting.status != MeetingStatus.cancelled))
        .order_by(Meeting.starts_at, ascending=False)
    )


@dataclass(frozen=True)
class TermsSummary:
    """What a body's page says about its terms of reference."""

    version: int
    quorum: str
    review_date: dt.date | None


async def terms_summary(body_id: int) -> TermsSummary | None:
    tor = await current_terms(body_id)
    if tor is None:
        return None
    return TermsSummary(tor.version, describe_quorum(tor), tor.review_date)


@dataclass(frozen=True)
class ReviewDue:
    body: Body
    version: int
    review_date: dt.date
    today: dt.date

    @property
    def is_overdue(self) -> bool:
        return self.review_date < self.today


async def reviews_due(body_ids: Iterable[int], within_days: int = 60) -> list[ReviewDue]:
    """Approved versions whose review date is within ``within_days`` of today, or past."""
    ids = list(body_ids)
    if not ids:
        return []
    today = clock.today()
    rows = (
        await TermsOfReference.objects(TermsOfReference.body)
        .where(
            TermsOfReference.body.is_in(ids)
            & (TermsOfReference.state == TorState.approved)
            & (TermsOfReference.review_date <= today + dt.timedelta(days=within_days))
        )
        .order_by(TermsOfReference.review_date)
    )
    return [ReviewDue(row.body, row.version, row.review_date, today) for row in rows]


# Changing


async def save_draft(
    actor: Principal, body: Body, values: Mapping[str, str], roles: Sequence[str]
) -> TermsOfReference:
    """Save the body's draft; with none, start one copied from the version in force.

    Approved and superseded versions are never changed: editing them means a new draft.
    """
    clean = clean_terms(values, roles)
    async with _db().transaction():
        draft = await draft_of(body.id)
        before = snapshot(draft) if draft else None
        if draft is None:
            source = await starting_point(body.id)
            numbers = await TermsOfReference.select(TermsOfReference.version).where(
                TermsOfReference.body == body.id
            )
            draft = TermsOfReference(
                body=body.id,
                version=next_version_number(r["version"] for r in numbers),
                state=TorState.draft,
                created_by=actor.user_id,
                **({name: getattr(source, name) for name in COPIED} if source else {}),
            )
        for name, value in clean.items():
            setattr(draft, name, value)
        await draft.save()
        await record(
            actor,
            "terms.draft_updated" if before else "terms.draft_created",
            draft,
            body_id=body.id,
            summary=f"Terms of reference version {draft.version} "
            + ("updated" if before else "drafted"),
            before=before,
            after=snapshot(draft),
        )
    return draft


async def approve_draft(actor: Principal, body: Body, values: Mapping[str, str]) -> None:
    """Approve the draft; the version it replaces becomes superseded."""
    meetings = await approvable_meetings(body.id)
    approved_on, meeting_id = clean_approval(values, clock.today(), (m.id for m in meetings))
    async with _db().transaction():
        draft = await draft_of(body.id)
        if draft is None:
            raise FormError({"approved_on": "There is no draft to approve"})
        previous = await TermsOfReference.objects().where(
            (TermsOfReference.body == body.id) & (TermsOfReference.state == TorState.approved)
        )
        for old in previous:
            old_before = snapshot(old)
            old.state = TorState.superseded
            await old.save([TermsOfReference.state])
            await record(
                actor,
                "terms.superseded",
                old,
                body_id=body.id,
                summary=f"Version {old.version} superseded by version {draft.version}",
                before=old_before,
                after=snapshot(old),
            )
        before = snapshot(draft)
        draft.state, draft.approved_on, draft.approved_at = (
            TorState.approved,
            approved_on,
            meeting_id,
        )
        await draft.save()
        await record(
            actor,
            "terms.approved",
            draft,
            body_id=body.id,
            summary=f"Terms of reference version {draft.version} approved",
            before=before,
            after=snapshot(draft),
        )

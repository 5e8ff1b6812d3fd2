"""The answers to a meeting's invitation as its page shows them: a member's own answer and
buttons, the quorum expected from the answers, and for the secretary everyone's answers and the
substitutes to confirm."""

from __future__ import annotations

from dataclasses import dataclass, field

from govhub import clock
from govhub.governance.principal import Principal
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Role
from govhub.meetings._common import id_of
from govhub.meetings.forecast import QuorumForecast, quorum_forecast
from govhub.meetings.response_tables import MeetingResponse
from govhub.meetings.responses import ANSWER_LABELS, meeting_day, responses_for
from govhub.meetings.rsvp_links import rsvp_links
from govhub.meetings.tables import Meeting, MeetingStatus

__all__ = ["ResponseSummary", "response_summary"]


@dataclass
class ResponseSummary:
    """``links``: the signed-in member's answer links ({} for anyone without a seat);
    ``seats``/``answers``: every member and their answer, for the secretary only."""

    open: bool
    mine: MeetingResponse | None = None
    links: dict[str, str] = field(default_factory=dict)
    seats: list[Membership] = field(default_factory=list)
    answers: dict[int, MeetingResponse] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=lambda: dict(ANSWER_LABELS))
    forecast: QuorumForecast | None = None
    """The quorum expected from the answers, while the meeting is ahead."""

    @property
    def unanswered(self) -> list[Membership]:
        return [m for m in self.seats if m.person.id not in self.answers]


async def _seats(meeting: Meeting) -> list[Membership]:
    rows = await Membership.objects(Membership.person, Membership.organisation).where(
        Membership.body == id_of(meeting.body)
    )
    seated: dict[int, Membership] = {}
    for m in sorted(rows, key=lambda m: (Role(m.role).rank, m.person.name)):
        if is_current(m, meeting_day(meeting)):
            seated.setdefault(m.person.id, m)
    return list(seated.values())


async def response_summary(principal: Principal, meeting: Meeting) -> ResponseSummary | None:
    """What the meeting page shows of the answers to ``principal``; None when nothing."""
    manager = principal.can_manage_body(id_of(meeting.body))
    if not principal.signed_in or not (manager or principal.person_id):
        return None
    open_ = meeting.status != MeetingStatus.cancelled and meeting.ends_at > clock.now()
    seats = await _seats(meeting)
    seated = any(m.person.id == principal.person_id for m in seats)
    if not (manager or seated):
        return None
    answers = await responses_for(meeting.id)
    summary = ResponseSummary(open=open_, mine=answers.get(principal.person_id))
    if seated and open_:
        summary.links = rsvp_links(meeting.id, meeting.uid, principal.person_id)
    if open_:
        summary.forecast = await quorum_forecast(meeting)
    if manager:
        summary.seats, summary.answers = seats, answers
    return summary

"""Answering a meeting's invitation: Attending, Apologies or Sending a substitute.

The links in the invitation work without signing in, from a phone's mail app: opening one shows
a page with one button (mail clients' link scanners open links, so a GET records nothing); the
button's POST, with its CSRF token, records the answer. Signed-in members reach the same pages
from the meeting page. The secretary confirms a substitute a member named.
"""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath
from litestar.response import Redirect

from govhub import clock
from govhub.meetings import responses
from govhub.meetings.deps import (
    ANSWER_LINK,
    MANAGED_MEETING,
    AnswerLink,
    ManagedMeeting,
    SignedAnswer,
)
from govhub.meetings.response_tables import Answer, ResponseChannel
from govhub.meetings.tables import MeetingStatus
from govhub.validation import FormError
from govhub.web.forms import form_values
from govhub.web.guards import Me, requires_sign_in
from govhub.web.pages import page as _page

__all__ = ["RsvpController"]

LINK_PATH = "/meetings/{meeting_id:int}/rsvp/{person_id:int}/{answer:str}"
PRIVATE = CacheControlHeader(no_store=True)  # the page is one member's, its link a secret


async def _answer_page(
    link: SignedAnswer,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    done: bool = False,
    status_code: int = 200,
) -> HTMXBlockTemplate:
    meeting = link.meeting
    closed = meeting.status == MeetingStatus.cancelled or meeting.ends_at <= clock.now()
    choices = await responses.substitute_choices(link.seat) if not done else []
    return _page(
        "meetings/rsvp.html",
        status_code=status_code,
        link=link,
        meeting=meeting,
        closed=closed,
        choices=choices,
        labels=responses.ANSWER_LABELS,
        errors=errors or {},
        values=values or {},
        done=done,
    )


def _substitute(values: dict[str, str]) -> responses.SubstituteChoice:
    chosen = values["substitute"]
    if chosen.isascii() and chosen.isdigit():
        return responses.SubstituteChoice(person_id=int(chosen))
    return responses.SubstituteChoice(name=values["substitute_name"])


class RsvpController(Controller):
    include_in_schema = False

    @get(LINK_PATH, name="rsvp_link", dependencies=ANSWER_LINK, cache_control=PRIVATE)
    async def confirm(self, link: AnswerLink) -> HTMXBlockTemplate:
        """The answer's page: the meeting, and one button that records the answer."""
        return await _answer_page(link)

    @post(LINK_PATH, name="rsvp_answer", dependencies=ANSWER_LINK, cache_control=PRIVATE)
    async def answer(self, request: Request, link: AnswerLink, principal: Me) -> HTMXBlockTemplate:
        values = await form_values(request, "comment", "substitute", "substitute_name")
        own_page = principal.person_id == link.seat.person.id
        try:
            await responses.record_response(
                link.meeting,
                link.seat.person.id,
                Answer(link.answer),
                via=ResponseChannel.page if own_page else ResponseChannel.link,
                comment=values["comment"],
                substitute=_substitute(values) if link.answer == Answer.substitute else None,
                actor=principal if principal.signed_in else None,
            )
        except FormError as problem:
            return await _answer_page(link, errors=problem.errors, values=values, status_code=400)
        return await _answer_page(link, done=True)

    @post(
        "/manage/meetings/{meeting_id:int}/responses/{person_id:int}/confirm",
        name="substitute_confirm",
        guards=[requires_sign_in],
        dependencies=MANAGED_MEETING,
    )
    async def confirm_substitute(
        self, request: Request, meeting: ManagedMeeting, person_id: FromPath[int], principal: Me
    ) -> Redirect:
        await responses.confirm_substitute(principal, meeting, person_id)
        path = request.app.route_reverse("meeting", meeting_id=meeting.id)
        return Redirect(f"{path}#responses", status_code=303)

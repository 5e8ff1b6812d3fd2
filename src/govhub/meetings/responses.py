"""Members' answers to a meeting's invitation, however they come: a signed link from the email,
the meeting page, or a reply from their calendar (:mod:`govhub.meetings.replies`).

An answer is the member's own: apologies (or a substitute) appear in the attendance sheet and
the minutes' apologies until the secretary records otherwise. A substitute is someone from the
member's organisation; they stand in once the secretary confirms them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhub import clock
from govhub.audit import services as audit
from govhub.errors import NotFound, Refused
from govhub.governance.principal import Principal
from govhub.governance.rules import is_current
from govhub.governance.tables import Membership, Person, Role
from govhub.i18n import N_, gettext
from govhub.meetings._common import db, id_of, org_id, reread_locked
from govhub.meetings.response_tables import Answer, MeetingResponse, ResponseChannel
from govhub.meetings.rsvp_links import rsvp_links
from govhub.meetings.tables import Meeting, MeetingStatus
from govhub.settings import get_settings
from govhub.validation import FormError

__all__ = [
    "Answer",
    "ResponseChannel",
    "SubstituteChoice",
    "apologies_sent",
    "confirm_substitute",
    "links_for",
    "meeting_day",
    "record_response",
    "responses_for",
    "seat_of",
    "substitute_choices",
]

ANSWER_LABELS = {
    Answer.attending: N_("Attending"),
    Answer.apologies: N_("Apologies"),
    Answer.substitute: N_("Sending a substitute"),
    Answer.tentative: N_("Tentative"),
}


@dataclass(frozen=True)
class SubstituteChoice:
    """Who stands in: someone recorded (``person_id``) or a name typed."""

    person_id: int | None = None
    name: str = ""


def meeting_day(meeting: Meeting) -> dt.date:
    """The meeting's date where the partnership is, which decides who was a member then."""
    return meeting.starts_at.astimezone(get_settings().zone).date()


async def seat_of(meeting: Meeting, person_id: int) -> Membership | None:
    """The person's seat on the meeting's body on its day (their highest role), else None."""
    rows = await Membership.objects(Membership.person, Membership.organisation).where(
        (Membership.body == id_of(meeting.body)) & (Membership.person == person_id)
    )
    current = [m for m in rows if is_current(m, meeting_day(meeting))]
    return min(current, key=lambda m: Role(m.role).rank, default=None)


async def links_for(meeting: Meeting, email: str) -> dict[str, str]:
    """The signed answer links for the invitation sent to ``email`` ({} for an unknown one)."""
    person = await Person.select(Person.id).where(Person.email == email.strip().lower()).first()
    return rsvp_links(meeting.id, meeting.uid, person["id"]) if person else {}


async def responses_for(meeting_id: int) -> dict[int, MeetingResponse]:
    """Person id -> their answer, for one meeting."""
    rows = await MeetingResponse.objects(
        MeetingResponse.substitute_person, MeetingResponse.substitute_organisation
    ).where(MeetingResponse.meeting == meeting_id)
    return {id_of(row.person): row for row in rows}


async def apologies_sent(meeting: Meeting) -> dict[int, str]:
    """Person id -> "Name (Organisation)" of each member who sent apologies (or a substitute),
    as the minutes list them."""
    answers = await MeetingResponse.select(MeetingResponse.person).where(
        (MeetingResponse.meeting == meeting.id)
        & MeetingResponse.answer.is_in([Answer.apologies, Answer.substitute])
    )
    wanted = {row["person"] for row in answers}
    if not wanted:
        return {}
    seats = await Membership.objects(Membership.person, Membership.organisation).where(
        (Membership.body == id_of(meeting.body)) & Membership.person.is_in(list(wanted))
    )
    names = {}
    for seat in sorted(seats, key=lambda m: (Role(m.role).rank, m.id)):
        if is_current(seat, meeting_day(meeting)) and seat.person.id not in names:
            org = seat.organisation.name if org_id(seat) else ""
            names[seat.person.id] = f"{seat.person.name} ({org})" if org else seat.person.name
    return names


async def substitute_choices(seat: Membership) -> list[tuple[str, str]]:
    """People from the member's organisation (on any body) who could stand in: (id, name)."""
    organisation = org_id(seat)
    if organisation is None:
        return []
    rows = await Membership.objects(Membership.person).where(
        Membership.organisation == organisation
    )
    people = {m.person.id: m.person.name for m in rows if m.person.id != id_of(seat.person)}
    return sorted(((str(k), v) for k, v in people.items()), key=lambda pair: pair[1])


def _check_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise Refused(gettext("This meeting has been cancelled: there is nothing to answer."))
    if meeting.ends_at <= clock.now():
        raise Refused(gettext("This meeting has already taken place."))


async def _substitute(seat: Membership, choice: SubstituteChoice) -> dict:
    """The substitute columns for ``choice``; FormError unless it names someone suitable."""
    if choice.person_id is not None:
        allowed = dict(await substitute_choices(seat))
        if str(choice.person_id) not in allowed:
            raise FormError({"substitute": gettext("Choose someone from your organisation")})
        name = allowed[str(choice.person_id)]
    else:
        name = " ".join(choice.name.split())
        if not name:
            raise FormError(
                {"substitute": gettext("Choose who will stand in for you, or enter their name")}
            )
        if len(name) > 200:
            raise FormError({"substitute": gettext("Shorten the name to 200 characters or fewer")})
    return {
        MeetingResponse.substitute_person: choice.person_id,
        MeetingResponse.substitute_name: name,
        MeetingResponse.substitute_organisation: org_id(seat),
    }


async def record_response(
    meeting: Meeting,
    person_id: int,
    answer: Answer,
    *,
    via: ResponseChannel,
    comment: str = "",
    substitute: SubstituteChoice | None = None,
    actor: Principal | None = None,
) -> MeetingResponse:
    """Record a member's answer (replacing any earlier one): the same answer twice changes
    nothing. Refused for a meeting that is over or cancelled, or a person without a seat."""
    _check_open(meeting)
    seat = await seat_of(meeting, person_id)
    if seat is None:
        raise NotFound()
    values = {
        MeetingResponse.answer: answer,
        MeetingResponse.comment: " ".join(comment.split())[:1000],
        MeetingResponse.via: via,
        MeetingResponse.answered_at: clock.now(),
        MeetingResponse.substitute_person: None,
        MeetingResponse.substitute_name: "",
        MeetingResponse.substitute_organisation: None,
        MeetingResponse.substitute_confirmed_at: None,
    }
    if answer == Answer.substitute:
        values |= await _substitute(seat, substitute or SubstituteChoice())
    async with db().transaction():
        # Under the meeting's lock: two answers at once (a link and a calendar reply) cannot
        # both insert, and a meeting cancelled meanwhile takes none.
        _check_open(await reread_locked(meeting))
        earlier = (await responses_for(meeting.id)).get(person_id)
        if earlier is not None and _same(earlier, values):
            return earlier
        if earlier is None:
            row = MeetingResponse(meeting=meeting.id, person=person_id)
            for column, value in values.items():
                setattr(row, column._meta.name, value)
            await row.save()
        else:
            await MeetingResponse.update(values).where(MeetingResponse.id == earlier.id)
        await audit.record(
            # From a link or a calendar, no one is signed in: the entry names the member.
            actor or Principal(person_id=person_id, name=seat.person.name),
            "meeting.responded",
            meeting,
            body_id=id_of(meeting.body),
            summary=f"{seat.person.name}: {answer} ({via}) for {meeting.title}",
            before={"answer": earlier.answer} if earlier else None,
            after={"answer": str(answer)},
        )
    return (await responses_for(meeting.id))[person_id]


def _same(row: MeetingResponse, values: dict) -> bool:
    """The answer, comment and substitute are as recorded (a confirmed substitute stays so)."""
    compared = [
        MeetingResponse.answer,
        MeetingResponse.comment,
        MeetingResponse.substitute_name,
    ]
    return all(getattr(row, c._meta.name) == values[c] for c in compared)


async def confirm_substitute(actor: Principal, meeting: Meeting, person_id: int) -> None:
    """The secretary accepts the substitute a member named: they stand in at the meeting."""
    row = (await responses_for(meeting.id)).get(person_id)
    if row is None or row.answer != Answer.substitute:
        raise NotFound()
    if row.substitute_confirmed_at is not None:
        return
    async with db().transaction():
        await MeetingResponse.update({MeetingResponse.substitute_confirmed_at: clock.now()}).where(
            MeetingResponse.id == row.id
        )
        await audit.record(
            actor,
            "meeting.substitute_confirmed",
            meeting,
            body_id=id_of(meeting.body),
            summary=f"{row.substitute_name} confirmed as substitute at {meeting.title}",
        )

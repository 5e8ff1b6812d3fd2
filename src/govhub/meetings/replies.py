"""Calendar replies read back: a member's Accept, Decline or Tentative, sent by their calendar
(Outlook, Gmail, Apple Calendar) to the invitation's ORGANIZER, becomes their answer.

A mail server hands each message to ``govhub inbound`` (a pipe, or LMTP). The reply counts only
when all three agree: the token in the address it was sent to was made for this meeting's UID
and this attendee, and the attendee is the sender. Anything else is ignored and logged, never
bounced: a bounce would tell a forger which guess was closer, and a mail loop helps nobody.
"""

from __future__ import annotations

import email
import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import icalendar

from govhub.errors import DomainError
from govhub.governance.tables import Person
from govhub.meetings.response_tables import Answer, ResponseChannel
from govhub.meetings.responses import record_response, responses_for
from govhub.meetings.rsvp_links import reply_token, token_in
from govhub.meetings.tables import Meeting

__all__ = ["MAX_MESSAGE_BYTES", "CalendarReply", "read_message", "replies_in"]

logger = logging.getLogger(__name__)

ANSWERS = {
    "ACCEPTED": Answer.attending,
    "DECLINED": Answer.apologies,
    "TENTATIVE": Answer.tentative,
}
"""The PARTSTATs a reply may carry that govhub records (NEEDS-ACTION and DELEGATED are not
answers to the question asked)."""

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
"""A calendar reply is a few kilobytes; anything over this is not read."""

ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


@dataclass(frozen=True)
class CalendarReply:
    """One attendee's answer in an iTIP REPLY."""

    uid: str
    attendee: str
    partstat: str
    comment: str = ""


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return parseaddr(text)[1].strip().lower()


def _comment(event) -> str:
    comments = event.get("COMMENT")
    if comments is None:
        return ""
    comments = comments if isinstance(comments, list) else [comments]
    return " ".join(" ".join(str(c).split()) for c in comments).strip()


def _calendars(message: EmailMessage) -> Iterable[bytes]:
    """Every calendar in the message: inline text/calendar parts and attached .ics files."""
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if payload:
                yield payload


def replies_in(message: EmailMessage) -> list[CalendarReply]:
    """The attendees' answers in the message's METHOD:REPLY calendars, each once."""
    found: dict[tuple[str, str], CalendarReply] = {}
    for raw in _calendars(message):
        try:
            calendar = icalendar.Calendar.from_ical(raw)
        except Exception:  # whatever a sender wrote, the message is only ignored
            logger.warning("calendar reply ignored: a calendar part does not parse")
            continue
        if str(calendar.get("METHOD", "")).upper() != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            attendees = event.get("ATTENDEE")
            attendees = attendees if isinstance(attendees, list) else [attendees]
            for attendee in filter(None, attendees):
                reply = CalendarReply(
                    uid=str(event.get("UID", "")),
                    attendee=_address(attendee),
                    partstat=str(attendee.params.get("PARTSTAT", "")).upper(),
                    comment=_comment(event),
                )
                found.setdefault((reply.uid, reply.attendee), reply)
    return list(found.values())


def _tokens(message: EmailMessage, recipients: Iterable[str]) -> set[str]:
    """The reply tokens in the envelope recipients, else in the message's address headers."""
    addresses = list(recipients)
    if not addresses:
        for header in ADDRESS_HEADERS:
            addresses += [a for _, a in getaddresses(message.get_all(header, []))]
    return {token for address in addresses if (token := token_in(address))}


async def _record(reply: CalendarReply, sender: str, tokens: set[str]) -> str | None:
    """Record one reply; None when recorded, else why it was ignored."""
    answer = ANSWERS.get(reply.partstat)
    if answer is None:
        return f"PARTSTAT {reply.partstat or 'missing'} is not an answer"
    meeting = await Meeting.objects(Meeting.body).where(Meeting.uid == reply.uid).first()
    if meeting is None or not reply.uid:
        return "no meeting has this UID"
    if reply.attendee != sender:
        return "the sender is not the attendee who answers"
    expected = reply_token(meeting.uid, reply.attendee)
    if not any(hmac.compare_digest(expected, token) for token in tokens):
        return "the reply token was not made for this meeting and attendee"
    person = await Person.select(Person.id).where(Person.email == reply.attendee).first()
    if person is None:
        return "the attendee is not recorded"
    earlier = (await responses_for(meeting.id)).get(person["id"])
    if answer == Answer.apologies and earlier and earlier.answer == Answer.substitute:
        return "already sending a substitute"  # a calendar's Decline says no more than that
    try:
        await record_response(
            meeting, person["id"], answer, via=ResponseChannel.calendar, comment=reply.comment
        )
    except DomainError as refused:
        return refused.message or type(refused).__name__
    return None


async def read_message(raw: bytes, recipients: Iterable[str] = ()) -> int:
    """Read one raw message (from ``govhub inbound``): record each REPLY it carries that
    matches, log each that does not. Returns how many were recorded; never raises for what
    the message holds."""
    message = email.message_from_bytes(raw, policy=policy.default)
    sender = _address(message.get("From", ""))
    tokens = _tokens(message, recipients)
    described = f"message {message.get('Message-ID', '(no Message-ID)')} from {sender or '?'}"
    replies = replies_in(message)
    if not replies:
        logger.warning("calendar reply ignored: %s carries no iTIP REPLY", described)
        return 0
    if not tokens:
        logger.warning("calendar reply ignored: %s was not sent to a reply address", described)
        return 0
    recorded = 0
    for reply in replies:
        problem = await _record(reply, sender, tokens)
        if problem:
            logger.warning("calendar reply ignored: %s, UID %s: %s", described, reply.uid, problem)
        else:
            recorded += 1
            logger.info(
                "calendar reply recorded: %s, UID %s: %s", described, reply.uid, reply.partstat
            )
    return recorded

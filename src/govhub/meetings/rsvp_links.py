"""How a member answers an invitation without signing in: signed single-purpose links, and the
per-invitation reply address that is each invitation's ORGANIZER.

A link names one meeting, one person and one answer, signed with the secret key; it records
nothing when opened (mail clients' link scanners open links), only when its page's button is
pressed. The reply address is the partnership's reply mailbox with ``+token``, the token signed
from the meeting's UID and the attendee's address: stable for the life of the meeting, and
useless for any other meeting or person.
"""

from __future__ import annotations

import hmac
from email.utils import parseaddr

from govhub.accounts.secrets import sign
from govhub.calendar.ics import CalAddress
from govhub.settings import Settings, get_settings

__all__ = [
    "LINK_ANSWERS",
    "link_signature",
    "reply_address",
    "reply_mailbox",
    "reply_organiser",
    "reply_token",
    "rsvp_links",
    "signature_ok",
    "token_in",
]

LINK_ANSWERS = ("attending", "apologies", "substitute")
"""The answers an invitation's links offer, in the order shown."""

TOKEN_LENGTH = 24
"""Hex characters of the reply token: 96 bits, and a local part well under 64 characters."""


def _key(settings: Settings | None = None) -> str:
    return (settings or get_settings()).resolved_secret_key()


def link_signature(meeting_uid: str, person_id: int, answer: str) -> str:
    return sign(_key(), "rsvp", meeting_uid, str(person_id), answer)


def signature_ok(meeting_uid: str, person_id: int, answer: str, signature: str) -> bool:
    expected = link_signature(meeting_uid, person_id, answer)
    return bool(signature) and hmac.compare_digest(expected, signature)


def rsvp_links(meeting_id: int, meeting_uid: str, person_id: int) -> dict[str, str]:
    """Answer -> the signed link that answers so, for one member's invitation."""
    base = get_settings().base_url
    return {
        answer: f"{base}/meetings/{meeting_id}/rsvp/{person_id}/{answer}"
        f"?s={link_signature(meeting_uid, person_id, answer)}"
        for answer in LINK_ANSWERS
    }


def reply_mailbox(settings: Settings | None = None) -> tuple[str, str]:
    """(local part, domain) of the reply mailbox: GOVHUB_REPLY_MAILBOX, else ``reply@`` the
    domain govhub sends from."""
    settings = settings or get_settings()
    address = settings.reply_mailbox.strip() or parseaddr(settings.mail_from)[1]
    local, _, domain = address.rpartition("@")
    if not settings.reply_mailbox.strip():
        local = "reply"
    return local.split("+", 1)[0] or "reply", (domain or "govhub.invalid").lower()


def reply_token(meeting_uid: str, email: str) -> str:
    return sign(_key(), "reply", meeting_uid, email.strip().lower())[:TOKEN_LENGTH]


def reply_address(meeting_uid: str, email: str) -> str:
    local, domain = reply_mailbox()
    return f"{local}+{reply_token(meeting_uid, email)}@{domain}"


def reply_organiser(organiser: CalAddress, meeting_uid: str, email: str) -> CalAddress:
    """The ORGANIZER of one attendee's invitation: the stable organiser's name, at the reply
    address with that attendee's token."""
    return CalAddress(email=reply_address(meeting_uid, email), name=organiser.name)


def token_in(address: str) -> str | None:
    """The token of a reply address (``reply+token@domain``) of this partnership, else None."""
    local_part, domain = reply_mailbox()
    local, _, at = parseaddr(address)[1].strip().lower().rpartition("@")
    mailbox, plus, token = local.partition("+")
    if at != domain or mailbox != local_part.lower() or not plus or not token:
        return None
    return token

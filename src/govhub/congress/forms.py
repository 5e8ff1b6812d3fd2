"""Reading the registration form: what was typed, and what to fix, in the visitor's language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from govhub.congress.rules import DIET, LANGUAGES, NEED_LABELS, NEEDS, clashes, normalise_postcode
from govhub.congress.tables import AttendingAs, CongressSession
from govhub.governance.tables import Organisation
from govhub.i18n import gettext as _
from govhub.validation import FormError, valid_email

__all__ = [
    "FIELDS",
    "LISTS",
    "RegistrationForm",
    "parse_registration",
    "parse_session_choice",
]

FIELDS = (
    "name",
    "email",
    "phone",
    "attending_as",
    "organisation",
    "organisation_name",
    "attending_other",
    "postcode",
    "interpreting_other",
    "access_details",
    "consent",
    "newsletter",
)
LISTS = ("sessions", "needs")
"""The fields that are lists of ticked boxes (at most 50 values are read)."""
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")


@dataclass
class RegistrationForm:
    name: str
    email: str
    phone: str
    attending_as: str
    organisation_id: int | None
    organisation_name: str
    attending_other: str
    postcode: str
    sessions: list[CongressSession]
    needs: list[str]
    interpreting_other: str
    access_details: str
    newsletter: bool
    values: dict = field(default_factory=dict)

    @property
    def email_key(self) -> str:
        return self.email.strip().lower()


def _too_long(errors: dict, values: dict, name: str, limit: int, message: str) -> None:
    if len(values.get(name, "")) > limit:
        errors[name] = message


def parse_session_choice(
    chosen: Sequence[str], programme: Sequence[CongressSession], errors: dict
) -> list[CongressSession]:
    by_id = {str(s.id): s for s in programme}
    picked = []
    for value in dict.fromkeys(chosen):
        session = by_id.get(value)
        if session is None:
            errors["sessions"] = _("Choose sessions from the programme")
            return []
        picked.append(session)
    pairs = clashes(picked)
    if pairs:
        first, second = pairs[0]
        errors["sessions"] = _(
            "“%(first)s” and “%(second)s” are at the same time. Choose one of them."
        ) % {"first": first.title, "second": second.title}
    return picked


def parse_registration(
    values: dict,
    programme: Sequence[CongressSession],
    organisations: Sequence[Organisation],
) -> RegistrationForm:
    """Check the form; raise FormError with one message per field to fix."""
    errors: dict[str, str] = {}
    name = values.get("name", "")
    if not name:
        errors["name"] = _("Enter your full name")
    _too_long(errors, values, "name", 200, _("Your name must be 200 characters or fewer"))
    email = values.get("email", "")
    if not email:
        errors["email"] = _("Enter your email address")
    elif not valid_email(email):
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    phone = values.get("phone", "")
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("Enter a telephone number, like 07700 900 982 or 020 7946 0000")
    attending_as = values.get("attending_as", "")
    organisation_id = None
    organisation_name = attending_other = ""
    if attending_as not in {a.value for a in AttendingAs}:
        errors["attending_as"] = _("Select how you are coming to the congress")
    elif attending_as == AttendingAs.partner:
        chosen = values.get("organisation", "")
        known = {str(o.id): o for o in organisations}
        organisation_name = values.get("organisation_name", "")[:200]
        if chosen in known:
            organisation_id = known[chosen].id
        elif not organisation_name:
            errors["organisation"] = _("Select your organisation, or type its name")
    elif attending_as == AttendingAs.other:
        attending_other = values.get("attending_other", "")[:200]
    postcode = values.get("postcode", "")
    if postcode:
        normal = normalise_postcode(postcode)
        if normal is None:
            errors["postcode"] = _("Enter a real postcode, like E1 4NS, or leave it empty")
        else:
            postcode = normal
    sessions = parse_session_choice(values.get("sessions", []), programme, errors)
    needs = [n for n in dict.fromkeys(values.get("needs", [])) if n in NEED_LABELS]
    interpreting_other = values.get("interpreting_other", "")
    if "lang_other" in needs and not interpreting_other:
        errors["interpreting_other"] = _("Enter the language you need an interpreter for")
    _too_long(errors, values, "interpreting_other", 100, _("Shorten the language name"))
    _too_long(
        errors,
        values,
        "access_details",
        2000,
        _("Anything else we should know must be 2000 characters or fewer"),
    )
    if values.get("consent") != "yes":
        errors["consent"] = _("Tick the box to say you have read how we use your information")
    if errors:
        raise FormError(errors)
    return RegistrationForm(
        name=name,
        email=email,
        phone=phone,
        attending_as=attending_as,
        organisation_id=organisation_id,
        organisation_name=organisation_name if organisation_id is None else "",
        attending_other=attending_other,
        postcode=postcode,
        sessions=sessions,
        needs=needs,
        interpreting_other=interpreting_other if "lang_other" in needs else "",
        access_details=values.get("access_details", ""),
        newsletter=values.get("newsletter") == "yes",
        values=values,
    )


NEED_GROUPS = (NEEDS, LANGUAGES, DIET)

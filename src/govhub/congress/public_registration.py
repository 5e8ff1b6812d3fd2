"""A registration sent from the public form: one answer ("check your email") whatever happened,
so the page never tells whether an address is registered, and a limit on the mail it causes.

- a new address is registered and sent its confirmation (place or waiting list);
- an address already registered is not registered again: its registrant is sent their manage
  link once more, at most once per :data:`ONE_EMAIL_PER_ADDRESS` window;
- a form whose hidden honeypot field was filled in (a robot) is answered the same and does
  nothing at all (see :func:`is_robot`).

The limit per client that stops one script taking every place is in the controllers
(:mod:`govhub.congress.public_form_controllers`): it needs the client's address.
"""

from __future__ import annotations

import datetime as dt

from govhub.accounts import ratelimit
from govhub.accounts.ratelimit import Limit
from govhub.accounts.secrets import sign
from govhub.congress import registrations
from govhub.congress.forms import RegistrationForm
from govhub.congress.notices import queue_already_registered
from govhub.congress.tables import Edition, Registration
from govhub.mail.services import dispatch_all
from govhub.settings import get_settings

__all__ = [
    "HONEYPOT",
    "ONE_EMAIL_PER_ADDRESS",
    "REGISTRATIONS_FROM_ONE_CLIENT",
    "is_robot",
    "register_from_form",
]

REGISTRATIONS_FROM_ONE_CLIENT = Limit("congress-register", 30, dt.timedelta(minutes=10))
"""Registrations one network address may send: generous, as a library's public computers (and
a community centre behind one connection) register many residents, but far from every place.
A signed-in organiser of the congress is not limited (they register groups)."""

ONE_EMAIL_PER_ADDRESS = Limit("congress-register-mail", 1, dt.timedelta(minutes=5))
"""Emails that registration attempts for one address of one congress may cause."""

HONEYPOT = "website"
"""A field no person sees or reaches (hidden, ``aria-hidden``, out of the tab order, no
autocomplete), which form-filling robots fill in."""


def is_robot(values: dict) -> bool:
    """Whether the honeypot field came back filled in."""
    return bool(str(values.get(HONEYPOT, "")).strip())


async def register_from_form(edition: Edition, form: RegistrationForm, *, locale: str) -> None:
    """Register ``form``, or send the address's registrant their link again; the caller answers
    "check your email" either way. Raises :class:`registrations.ClosedForRegistration`.

    The mail limit is counted before registering, so two attempts for one address at the same
    moment cause one email between them whichever of them registers.
    """
    verdict = await ratelimit.hit(ONE_EMAIL_PER_ADDRESS, _mail_subject(edition, form.email_key))
    try:
        await registrations.register(edition, form, locale=locale)
    except registrations.AlreadyRegistered as taken:
        if verdict.allowed:
            await _send_link_again(edition, taken.registration_id)


def _mail_subject(edition: Edition, email_key: str) -> str:
    """The counter's key for an address: keyed and one-way, so the counters never hold an
    address (erasing a registration leaves nothing of it behind)."""
    secret = get_settings().resolved_secret_key()
    return f"{edition.id}:{sign(secret, 'congress-register-mail', email_key)}"


async def _send_link_again(edition: Edition, registration_id: int) -> None:
    registration = await Registration.objects().where(Registration.id == registration_id).first()
    if registration is None or not registration.email:
        return
    async with Registration._meta.db.transaction():
        message = await queue_already_registered(edition, registration)
    await dispatch_all([message])

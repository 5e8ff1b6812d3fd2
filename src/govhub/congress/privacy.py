"""Personal data: a registrant's own copy of it, erasing it on request, and erasing everyone's
a set number of days after the congress (``GOVHUB_CONGRESS_RETENTION_DAYS``).

Erasing blanks every column that says who the person is or what they need, on the
registration and wherever it was copied: the emails written to them (outbox), their reminder
rows and the audit log. The row itself stays, with its status and sessions, so the numbers
(how many came, to which session) still add up.
"""

from __future__ import annotations

import datetime as dt
import logging

from piccolo.query import WhereRaw

from govhub import clock
from govhub.audit.tables import AuditEntry
from govhub.congress.editions import edition_of
from govhub.congress.notices import bookings_of
from govhub.congress.registrations import cancel_registration
from govhub.congress.reminders import forget_reminders
from govhub.congress.rules import NEED_LABELS, retention_cutoff
from govhub.congress.tables import Edition, Registration, RegistrationStatus
from govhub.governance.tables import Organisation
from govhub.mail.tables import MailState, OutboxMessage
from govhub.settings import get_settings

__all__ = ["erase_expired_registrations", "erase_personal_data", "personal_data"]

logger = logging.getLogger(__name__)

ERASED = "[erased]"


async def personal_data(registration: Registration) -> dict:
    """Everything we hold about the registrant, for them to download (UK GDPR article 15)."""
    edition = await edition_of(registration)
    organisation = None
    if registration.organisation:
        row = await Organisation.select(Organisation.name).where(
            Organisation.id == registration.organisation
        )
        organisation = row[0]["name"] if row else None
    messages = await OutboxMessage.select(
        OutboxMessage.subject, OutboxMessage.created_at, OutboxMessage.state
    ).where(_messages_to(registration))
    pairs = await bookings_of(registration.id)
    codes = [c for c in registration.access_needs.split(",") if c]
    return {
        "congress": {"title": edition.title, "starts_at": edition.starts_at.isoformat()},
        "reference": registration.reference,
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "attending_as": registration.attending_as,
        "organisation": organisation or registration.organisation_name or None,
        "attending_as_other": registration.attending_other,
        "postcode": registration.postcode,
        "sessions": [
            {"title": s.title, "starts_at": s.starts_at.isoformat(), "status": b.status}
            for b, s in pairs
        ],
        "access_needs": [NEED_LABELS[c] for c in codes if c in NEED_LABELS],
        "interpreting_language": registration.interpreting_other,
        "anything_else": registration.access_details,
        "newsletter": registration.newsletter,
        "language": registration.locale,
        "consented_at": _iso(registration.consented_at),
        "registered_at": _iso(registration.created_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "arrived_at": _iso(registration.arrived_at),
        "emails_sent_to_you": [
            {"subject": m["subject"], "at": _iso(m["created_at"]), "state": m["state"]}
            for m in messages
        ],
        "kept_until": _iso(
            edition.ends_at + dt.timedelta(days=get_settings().congress_retention_days)
        ),
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _messages_to(registration: Registration):
    return WhereRaw(
        "lower(to_address) = {} AND kind LIKE 'congress.%'", registration.email.strip().lower()
    )


async def erase_personal_data(registration: Registration) -> None:
    """Blank the person out of every table. Call inside a transaction (after cancelling, if
    they still held a place: erasing does not hand a place on by itself)."""
    rid = registration.id
    if registration.email:
        # Mail not yet sent is not sent at all; mail sent keeps only that it was sent.
        await OutboxMessage.update(
            {OutboxMessage.state: MailState.failed, OutboxMessage.last_error: "erased"}
        ).where(_messages_to(registration) & OutboxMessage.state.is_in([MailState.queued]))
        await OutboxMessage.update(
            {
                OutboxMessage.to_address: ERASED,
                OutboxMessage.subject: ERASED,
                OutboxMessage.text_body: "",
                OutboxMessage.html_body: "",
                OutboxMessage.calendar_body: "",
            }
        ).where(_messages_to(registration))
    await forget_reminders(rid)
    await AuditEntry.update(
        {
            AuditEntry.summary: f"registration {rid} ({ERASED})",
            AuditEntry.before: None,
            AuditEntry.after: None,
        }
    ).where((AuditEntry.object_type == "registration") & (AuditEntry.object_id == rid))
    await Registration.update(
        {
            Registration.name: "",
            Registration.email: "",
            Registration.email_key: f"~erased-{rid}",
            Registration.phone: "",
            Registration.organisation_name: "",
            Registration.attending_other: "",
            Registration.postcode: "",
            Registration.access_needs: "",
            Registration.interpreting_other: "",
            Registration.access_details: "",
            Registration.newsletter: False,
            Registration.manage_token_hash: f"~erased-{rid}",
            Registration.erased_at: dt.datetime.now(dt.UTC),
        }
    ).where(Registration.id == rid)


async def erase_registration(registration: Registration) -> None:
    """The registrant's own "erase my registration": cancel (handing the place on, without
    emailing them again) and erase, in that order."""
    if registration.status != RegistrationStatus.cancelled:
        await cancel_registration(registration, notify=False)
    async with Registration._meta.db.transaction():
        current = await Registration.objects().where(Registration.id == registration.id).first()
        await erase_personal_data(current)


async def erase_expired_registrations(ctx: dict | None = None) -> int:
    """arq cron job: erase every registration of a congress that ended more than
    ``GOVHUB_CONGRESS_RETENTION_DAYS`` ago. Safe to run twice: erased rows are skipped."""
    cutoff = retention_cutoff(clock.now(), get_settings().congress_retention_days)
    editions = await Edition.select(Edition.id).where(Edition.ends_at < cutoff)
    erased = 0
    for edition in editions:
        rows = await Registration.objects().where(
            (Registration.edition == edition["id"]) & Registration.erased_at.is_null()
        )
        for registration in rows:
            async with Registration._meta.db.transaction():
                await erase_personal_data(registration)
            erased += 1
    if erased:
        logger.info("erased %d congress registrations past their retention", erased)
    return erased

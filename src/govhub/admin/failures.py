"""Work that failed for good, for admins: jobs, parked reminders and undeliverable mail."""

from __future__ import annotations

from dataclasses import dataclass

from govhub.calendar.tables import Reminder, ReminderState
from govhub.mail.tables import MailState, OutboxMessage
from govhub.system import FailedJob

__all__ = ["SHOWN", "ParkedWork", "parked_work"]

SHOWN = 50
"""The newest of each kind the page lists (the counts are of all)."""


@dataclass(frozen=True)
class ParkedWork:
    jobs: list[FailedJob]
    job_count: int
    reminders: list[Reminder]
    reminder_count: int
    mail: list[OutboxMessage]
    mail_count: int


async def parked_work() -> ParkedWork:
    """The newest failed jobs, parked reminders and failed emails, each with its error."""
    parked = Reminder.state == ReminderState.failed
    failed_mail = OutboxMessage.state == MailState.failed
    return ParkedWork(
        jobs=await FailedJob.objects().order_by(FailedJob.id, ascending=False).limit(SHOWN),
        job_count=await FailedJob.count(),
        reminders=await Reminder.objects()
        .where(parked)
        .order_by(Reminder.retry_at, ascending=False)
        .limit(SHOWN),
        reminder_count=await Reminder.count().where(parked),
        mail=await OutboxMessage.objects()
        .where(failed_mail)
        .order_by(OutboxMessage.id, ascending=False)
        .limit(SHOWN),
        mail_count=await OutboxMessage.count().where(failed_mail),
    )

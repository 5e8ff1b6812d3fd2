"""Every kind of reminder an area plans has its writer listed in the worker, and the worker's
cron runs the sweep with them: a writer left out would drop those reminders unsent."""

import pytest

from govhub.congress import reminders as congress_reminders
from govhub.meetings import forecast, invitations
from govhub.worker import REMINDER_WRITERS, WorkerSettings, sweep_reminders

pytestmark = pytest.mark.no_db


def test_each_kind_of_reminder_has_its_writer_in_the_worker():
    assert REMINDER_WRITERS == {
        invitations.MEETING_REMINDER: invitations.write_meeting_reminder,
        invitations.AGENDA_DEADLINE_REMINDER: invitations.write_agenda_reminder,
        congress_reminders.KIND: congress_reminders.write_congress_reminder,
        forecast.QUORUM_WARNING: forecast.write_quorum_warning,
    }


def test_the_worker_sweeps_reminders_with_those_writers():
    assert sweep_reminders in [job.coroutine for job in WorkerSettings.cron_jobs]

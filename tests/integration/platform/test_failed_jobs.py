"""A job that fails for good is kept, with its error, where admins see it."""

import html
import re

import pyotp
from arq.worker import Retry, func

from govhub.queue import InlineJobs
from govhub.system import FailedJob, record_failed_job


async def broken(ctx, meeting_id):
    raise ValueError("the pack could not be built")


async def busy(ctx):
    raise Retry(defer=1)


class Settings:
    functions = [broken, func(busy, max_tries=2)]
    on_job_failed = record_failed_job


async def test_a_failed_job_is_kept_and_an_admin_sees_its_error(app, make_user, signed_in_client):
    jobs = InlineJobs(Settings)
    await jobs.enqueue_job("broken", 42, _job_id="pack:42")
    await jobs.enqueue_job("busy", _job_id="busy:1")  # try 1 of 2: retried, not failed
    assert await FailedJob.count() == 1
    await jobs.run_deferred()  # try 2 of 2 asks again: given up
    assert len(jobs.failures) == 1

    rows = await FailedJob.objects().order_by(FailedJob.id)
    assert [(r.job, r.job_id, r.arguments, r.tries) for r in rows] == [
        ("broken", "pack:42", "42", 1),
        ("busy", "busy:1", "", 2),
    ]
    assert rows[0].error == "ValueError: the pack could not be built"

    # The same failure again (a sweep failing each minute) is counted, not listed again.
    await jobs.enqueue_job("broken", 42, _job_id="pack:42:again")
    assert await FailedJob.count() == 2
    again = await FailedJob.objects().where(FailedJob.job == "broken").first()
    assert (again.occurrences, again.job_id) == (2, "pack:42:again")

    admin = await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))
    page = await admin.get("/admin/failures")
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.text)))
    assert "Jobs that failed: 2" in text
    assert "ValueError: the pack could not be built" in text
    assert "(the last of 2 times)" in text
    assert "No reminder is parked." in text and "No email has failed." in text

"""Log lines: one INFO line per job in key=value form; arq's own lines only at DEBUG."""

import logging

import pytest

from govhub.logs import KeyValueFormatter, _ArqAtDebug
from govhub.queue import InlineJobs

pytestmark = pytest.mark.no_db


def line(logger: str, level: int, msg: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord(logger, level, __file__, 1, msg, None, None)
    record.__dict__.update(extra)
    return record


def test_a_job_line_reads_as_key_value_pairs():
    text = KeyValueFormatter().format(
        line("govhub.jobs", logging.INFO, "job done", job="send_outbox_message", ms=12)
    )
    assert text.endswith(
        'level=INFO logger=govhub.jobs msg="job done" job=send_outbox_message ms=12'
    )


def test_arqs_info_lines_count_as_debug():
    at_info, at_debug = _ArqAtDebug(logging.INFO), _ArqAtDebug(logging.DEBUG)
    assert not at_info.filter(line("arq.worker", logging.INFO, "→ cron:heartbeat()"))
    assert at_debug.filter(line("arq.worker", logging.INFO, "→ cron:heartbeat()"))
    assert at_info.filter(line("arq.worker", logging.ERROR, "job failed"))
    assert at_info.filter(line("govhub.jobs", logging.INFO, "job done"))


async def done(ctx, n):
    return n


class Settings:
    functions = [done]


async def test_one_info_line_per_job_and_debug_when_it_found_nothing_to_do(caplog):
    jobs = InlineJobs(Settings)
    with caplog.at_level(logging.DEBUG, logger="govhub.jobs"):
        await jobs.enqueue_job("done", 3, _job_id="a")
        await jobs.enqueue_job("done", 0, _job_id="b")
    [busy, idle] = [r for r in caplog.records if r.name == "govhub.jobs"]
    assert (busy.levelno, busy.job, busy.job_id, busy.outcome, busy.result) == (
        logging.INFO,
        "done",
        "a",
        "ok",
        3,
    )
    assert isinstance(busy.ms, int)
    assert idle.levelno == logging.DEBUG

"""The worker's backoff doubles to its cap, and an outage is logged once each way."""

import logging

import pytest

from govhub.worker_process import Backoff, Outage

pytestmark = pytest.mark.no_db


def test_the_backoff_doubles_up_to_its_cap_and_starts_again_after_a_success():
    backoff = Backoff(first=0.5, cap=4)
    assert [backoff.next() for _ in range(6)] == [0.5, 1, 2, 4, 4, 4]
    backoff.reset()
    assert backoff.next() == 0.5


def test_an_outage_is_logged_when_it_begins_and_when_it_ends_not_on_every_try(caplog):
    redis = Outage("Redis")
    with caplog.at_level(logging.INFO, logger="govhub.worker"):
        for _ in range(5):
            redis.failed(ConnectionError("refused"), cap=30)
        redis.recovered()
        redis.recovered()
        redis.failed(ConnectionError("refused again"), cap=30)
    assert [r.getMessage() for r in caplog.records] == [
        "Redis unavailable (ConnectionError: refused); trying again, "
        "waiting up to 30 s between tries",
        "Redis is back after 0 s",
        "Redis unavailable (ConnectionError: refused again); trying again, "
        "waiting up to 30 s between tries",
    ]

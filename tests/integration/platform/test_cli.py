"""The ``govhub`` command gives clear answers when it is asked for something it cannot do."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_db


def govhub(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govhub.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_worker_without_redis_explains_that_serve_runs_it():
    result = govhub("worker", GOVHUB_REDIS_URL="")
    assert result.returncode != 0
    assert "GOVHUB_REDIS_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_secret_key_refuses_to_serve():
    result = govhub("serve", GOVHUB_ENV="production", GOVHUB_SECRET_KEY="")
    assert result.returncode != 0
    assert "GOVHUB_SECRET_KEY must be set" in result.stderr


def test_an_unknown_time_zone_is_a_clear_error():
    result = govhub("migrate", GOVHUB_TIME_ZONE="Mars/Olympus")
    assert result.returncode != 0
    assert "unknown time zone" in result.stderr

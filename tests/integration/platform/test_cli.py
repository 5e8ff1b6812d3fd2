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


def test_createadmin_makes_an_admin_who_can_sign_in(tmp_path):
    import sqlite3

    db = tmp_path / "cli.sqlite3"
    env = {"GOVHUB_DATABASE_URL": f"sqlite:///{db}", "GOVHUB_VAR_DIR": str(tmp_path)}
    assert govhub("migrate", **env).returncode == 0
    weak = subprocess.run(
        [
            sys.executable,
            "-m",
            "govhub.cli",
            "createadmin",
            "--email",
            "Ada@Example.org",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert weak.returncode != 0 and "12 characters or more" in weak.stderr
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "govhub.cli",
            "createadmin",
            "--email",
            "Ada@Example.org",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    row = sqlite3.connect(db).execute("SELECT email, is_admin FROM account").fetchone()
    assert row == ("ada@example.org", 1)

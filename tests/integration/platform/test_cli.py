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


def test_status_prints_the_health_report_and_fails_while_no_worker_is_alive(tmp_path):
    import datetime as dt
    import sqlite3

    db = tmp_path / "status.sqlite3"
    env = {"GOVHUB_DATABASE_URL": f"sqlite:///{db}", "GOVHUB_VAR_DIR": str(tmp_path)}
    assert govhub("migrate", **env).returncode == 0

    silent = govhub("status", GOVHUB_REDIS_URL="", **env)
    assert silent.returncode == 1, silent.stderr
    lines = silent.stdout.splitlines()
    assert "status: unavailable" in lines and "database: ok" in lines
    assert "worker: no heartbeat" in lines and "worker heartbeat age: -" in lines
    assert "queue: not checked" in lines  # the embedded queue lives in the web process
    assert "oldest pending job age: -" in lines

    now = dt.datetime.now(dt.UTC)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO worker_heartbeat (worker, last_seen, state) VALUES (?, ?, ?)",
            ("embedded", str(now - dt.timedelta(seconds=20)), ""),
        )
        connection.execute(
            "INSERT INTO outbox_message (message_id, to_address, subject, due_at) "
            "VALUES ('<1@test>', 'ada@example.org', 'Hello', ?)",
            (str(now - dt.timedelta(minutes=10)),),  # as Piccolo writes it
        )
    alive = govhub("status", GOVHUB_REDIS_URL="", **env)
    assert alive.returncode == 0, alive.stdout + alive.stderr
    lines = alive.stdout.splitlines()
    assert "status: ok" in lines and "worker: ok" in lines
    [age] = [line for line in lines if line.startswith("worker heartbeat age: ")]
    assert 20 <= int(age.split(": ")[1].removesuffix(" s")) < 80
    [waited] = [line for line in lines if line.startswith("oldest pending job age: ")]
    assert 600 <= int(waited.split(": ")[1].removesuffix(" s")) < 660


def test_status_names_a_redis_that_does_not_answer(tmp_path):
    db = tmp_path / "status.sqlite3"
    env = {"GOVHUB_DATABASE_URL": f"sqlite:///{db}", "GOVHUB_VAR_DIR": str(tmp_path)}
    assert govhub("migrate", **env).returncode == 0
    down = govhub("status", GOVHUB_REDIS_URL="redis://127.0.0.1:1/0", **env)
    assert down.returncode == 1
    assert "queue: unreachable: ConnectionError" in down.stdout.splitlines()
    assert "Traceback" not in down.stderr

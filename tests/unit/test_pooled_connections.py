"""Pooled PostgreSQL connections go back without a reset (govhub.db.PooledConnection), so no
code may leave session state on one: session advisory locks, LISTEN or session settings."""

import re

import pytest

from govhub.settings import PROJECT_ROOT

pytestmark = pytest.mark.no_db

SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock(_shared)?\s*\(|\bLISTEN\s+\w|\bSET\s+(SESSION\s+)?"
    r"(search_path|statement_timeout|lock_timeout|role|TIME\s+ZONE)\b|set_config\([^)]*,\s*false",
    re.IGNORECASE,
)


def test_no_code_leaves_session_state_on_a_pooled_connection():
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
        for path in sorted((PROJECT_ROOT / "src" / "govhub").rglob("*.py"))
        for match in SESSION_STATE.finditer(path.read_text())
    ]
    assert not offenders, (
        f"use pg_advisory_xact_lock and SET LOCAL / set_config(..., true) instead: {offenders}"
    )

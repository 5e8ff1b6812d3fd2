"""Row ids in paths that no row can have are "not found", before they reach the database.

``/meetings/99999999999999999999`` is a well-formed integer, but PostgreSQL's ``serial`` ids stop
at 2**31 - 1 (asyncpg refuses a larger one) and SQLite's at 2**63 - 1 (sqlite3 cannot even bind
one): without this, such a path was a server error instead of a 404. Found by schemathesis.
"""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException

from govhub.validation import MAX_ID

__all__ = ["MAX_ID", "reject_impossible_ids"]


async def reject_impossible_ids(request: Request) -> None:
    """``before_request`` hook: 404 for an integer path parameter outside 0..MAX_ID."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
            raise NotFoundException()

"""``govhub seed-demo``: the demo partnership, its meetings and its next congress.

It creates what is missing and never changes what exists: each row is known by a stable key
(:class:`~govhub.demo.tables.DemoRecord`), not by a name or slug an admin may change, so a
re-run leaves every edit in place and never brings back a second copy of a renamed board.
"""

from __future__ import annotations

from govhub.demo.congress import seed_congress
from govhub.demo.governance import seed_governance
from govhub.demo.meetings import seed_meetings
from govhub.demo.tables import DemoRecord

__all__ = ["seed_demo"]


async def seed_demo() -> dict[str, int]:
    """Load what is missing of the demo in one transaction; how many rows of each kind it has."""
    async with DemoRecord._meta.db.transaction():
        counts = await seed_governance()
        counts.update(await seed_meetings())
        counts.update(await seed_congress())
        return counts

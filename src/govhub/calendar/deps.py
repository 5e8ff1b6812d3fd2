"""What the calendar routes need before the handler runs: whose feed a secret address opens."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.accounts.tables import User
from govhub.calendar.feed_tokens import feed_owner
from govhub.errors import NotFound

__all__ = ["FEED_OWNER", "FeedOwner", "provide_feed_owner"]


async def provide_feed_owner(feed: FromPath[str]) -> User:
    """The account whose feed ``/calendar/<token>.ics`` is; 404 for anything else."""
    token = feed.removesuffix(".ics")
    if token == feed or not 20 <= len(token) <= 100:
        raise NotFound()
    return await feed_owner(token)


FeedOwner = NamedDependency[User]
"""A handler parameter ``owner: FeedOwner`` (with ``dependencies=FEED_OWNER``)."""

FEED_OWNER = {"owner": Provide(provide_feed_owner)}

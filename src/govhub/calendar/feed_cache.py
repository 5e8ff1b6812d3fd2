"""Calendar feeds kept until their data changes: calendar apps poll them all day, and data
rarely changes between two polls.

Building a member's feed (a hundred-odd meetings through Piccolo, its ETag, then the iCalendar
text) took 50 to 120 ms. Here a built feed is kept against the data version (see
:mod:`govhub.data_version`) read before it was built, and today's date, as the web page cache
does; a poll with nothing changed costs one query for the version. Who may fetch it is still
decided on every request by the caller (the feed's token, a body's visibility): only what the
feed shows is kept, under a key that names everything it depends on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from govhub import clock, data_version
from govhub.calendar.feeds import CalendarFile
from govhub.calendar.tables import FeedToken

__all__ = ["ENTRIES", "BuiltFeed", "built_feed", "clear"]

logger = logging.getLogger(__name__)

ENTRIES = 256
"""Feeds each process keeps (a member's is some tens of kilobytes)."""


@dataclass
class BuiltFeed:
    """A calendar with its validators worked out once, and its text once someone needs it."""

    calendar: CalendarFile
    etag: str
    version: int | None = None
    day: dt.date | None = None
    _text: bytes | None = field(default=None, repr=False)

    def to_ical(self) -> bytes:
        if self._text is None:
            self._text = self.calendar.to_ical()
        return self._text

    @property
    def last_modified(self) -> dt.datetime | None:
        return self.calendar.last_modified


_feeds: OrderedDict[Hashable, BuiltFeed] = OrderedDict()


def clear() -> None:
    _feeds.clear()


async def built_feed(key: Hashable, build: Callable[[], Awaitable[CalendarFile]]) -> BuiltFeed:
    """The feed for ``key``, from the cache while the data and the day are unchanged."""
    try:
        # Any table's engine: the version counts changes to every table a feed shows.
        version: int | None = await data_version.current(FeedToken._meta.db)
    except Exception:  # a database without the version: build every time
        logger.warning("feed cache off: no data version in this database", exc_info=True)
        version = None
    day = clock.today()
    kept = _feeds.get(key)
    if kept is not None and version is not None and (kept.version, kept.day) == (version, day):
        _feeds.move_to_end(key)
        return kept
    calendar = await build()
    feed = BuiltFeed(calendar=calendar, etag=calendar.etag(), version=version, day=day)
    if version is not None:
        _feeds[key] = feed
        _feeds.move_to_end(key)
        while len(_feeds) > ENTRIES:
            _feeds.popitem(last=False)
    return feed

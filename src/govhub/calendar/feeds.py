"""A calendar file to send (download, feed or invite) and the partnership's own address in it.
What a meeting's or a congress registration's event shows is decided in their own areas; the
bytes are made by :mod:`govhub.calendar.ics`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from dateutil.relativedelta import relativedelta

from govhub.calendar.ics import CalAddress, CalendarEvent, Method, build_calendar, fingerprint
from govhub.settings import Settings, get_settings

__all__ = ["FEED_HISTORY", "PARTNERSHIP_NAME", "CalendarFile", "partnership_organiser"]

FEED_HISTORY = relativedelta(months=12)
"""How far back a feed goes; every future event is in it."""

PARTNERSHIP_NAME = "Tower Hamlets Partnership"


@dataclass(frozen=True)
class CalendarFile:
    """A calendar to send: its events and what the HTTP response needs to know about it."""

    events: Sequence[CalendarEvent]
    filename: str
    last_modified: dt.datetime | None
    public: bool  # may be kept by shared caches (after revalidation)
    name: str = ""
    method: Method = "PUBLISH"

    def to_ical(self, settings: Settings | None = None) -> bytes:
        zone = (settings or get_settings()).time_zone
        return build_calendar(self.events, method=self.method, time_zone=zone, name=self.name)

    def etag(self, settings: Settings | None = None) -> str:
        """A strong ETag from the data shown, so it does not change with DTSTAMP."""
        zone = (settings or get_settings()).time_zone
        tag = fingerprint(self.events, method=self.method, time_zone=zone, name=self.name)
        return f'"{tag}"'


def partnership_organiser(settings: Settings | None = None) -> CalAddress:
    """The partnership's own address (GOVHUB_MAIL_FROM), for bodies without a secretary."""
    name, email = parseaddr((settings or get_settings()).mail_from)
    return CalAddress(email=email, name=name or PARTNERSHIP_NAME)

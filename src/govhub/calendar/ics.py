"""iCalendar files, built with the icalendar library and never by formatting text.

This module knows nothing of the database nor of what an event is about: it turns
:class:`CalendarEvent` values (a meeting's, a congress registration's) into the bytes of a
VCALENDAR, so downloads, feeds and emailed iTIP invites share one builder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import icalendar
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

__all__ = [
    "LONDON",
    "PRODID",
    "REFRESH",
    "CalAddress",
    "CalendarEvent",
    "Method",
    "build_calendar",
    "clean_text",
    "fingerprint",
    "london_vtimezone",
    "one_line",
]

PRODID = "-//Tower Hamlets Partnership//govhub//EN"
LONDON = "Europe/London"

Method = Literal["PUBLISH", "REQUEST", "CANCEL"]

REFRESH = dt.timedelta(hours=1)
"""How often a subscribed feed should be fetched again (REFRESH-INTERVAL, X-PUBLISHED-TTL)."""

# Raise when the shape of the output changes, so every ETag changes with it.
_FORMAT_VERSION = "3"


@dataclass(frozen=True)
class CalAddress:
    """A person in a calendar: ORGANIZER or ATTENDEE."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """Everything one VEVENT shows, already decided (what to show to whom is not decided here)."""

    uid: str
    sequence: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    summary: str
    organiser: CalAddress
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    tentative: bool = False  # STATUS:TENTATIVE (a place on a waiting list)
    private: bool = False  # CLASS:PRIVATE (a meeting not open to the public)
    attendees: tuple[CalAddress, ...] = ()  # in REQUEST and CANCEL only, never in a PUBLISH
    alarm: dt.timedelta | None = None  # before the start, e.g. one hour
    last_modified: dt.datetime | None = None  # LAST-MODIFIED (DTSTAMP when not known)


_BACKSLASH_N = re.compile(r"\\(?=[nN])")


def clean_text(value: str) -> str:
    """User text made safe for any parser: line breaks kept as ``\\n``, no control characters.

    icalendar escapes commas, semicolons, backslashes and newlines itself, but passes other
    control characters through raw. Runs of white space are collapsed because vobject can read
    a folded line made only of spaces as a blank line, which ends the property early.
    """
    lines = []
    for line in value.splitlines():  # every Unicode line break: \r, \x85, \u2028, ...
        line = "".join(c for c in line if unicodedata.category(c) not in ("Cc", "Cs"))
        lines.append(re.sub(r"\s+", " ", line).strip())
    # icalendar writes a typed backslash before N as an escaped line break (so a path such as
    # \\server\New papers would arrive in two lines): a word joiner keeps them apart, unseen.
    return _BACKSLASH_N.sub("\\\\\u2060", "\n".join(lines).strip("\n"))


def one_line(value: str) -> str:
    """:func:`clean_text` for a SUMMARY or LOCATION: line breaks become spaces."""
    return clean_text(value).replace("\n", " ")


def _rule(month: int) -> dict:
    return {"freq": "yearly", "bymonth": month, "byday": "-1su"}


def london_vtimezone() -> Timezone:
    """Europe/London as two yearly rules (last Sunday of March and of October, at 01:00 UTC).

    Independent parsers read this right on both sides of both changes, unlike the block of
    historical transitions that ``add_missing_timezones()`` generates (vobject and ical.js
    read that an hour wrong for most test times).
    """
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 10, 25, 2, 0))
    standard.add("rrule", _rule(10))
    standard.add("tzoffsetfrom", dt.timedelta(hours=1))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("tzname", "GMT")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 1, 0))
    daylight.add("rrule", _rule(3))
    daylight.add("tzoffsetfrom", dt.timedelta(0))
    daylight.add("tzoffsetto", dt.timedelta(hours=1))
    daylight.add("tzname", "BST")
    zone = Timezone()
    zone.add("tzid", LONDON)
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def _address(person: CalAddress, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email.strip()}")
    # icalendar quotes the name and encodes double quotes (RFC 6868), but its parser reads a
    # backslash in a parameter as an escape ("CN=a\\:mailto:..." loses the address): drop them.
    name = one_line(person.name).replace("\\", "")
    if name:
        address.params["CN"] = name
    address.params.update(params)
    return address


def _when(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``moment`` in local time, or in UTC when that local time happens twice (the hour the
    clocks go back): RFC 5545 reads such a local time as the first, and parsers disagree."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(dt.UTC)
    return local


def _status(item: CalendarEvent, method: Method | None) -> str:
    """RFC 5546: every CANCEL says CANCELLED, one attendee's withdrawal from a meeting that goes
    on included."""
    if item.cancelled or method == "CANCEL":
        return "CANCELLED"
    return "TENTATIVE" if item.tentative else "CONFIRMED"


def _event(
    item: CalendarEvent, *, zone: dt.tzinfo, stamp: dt.datetime, method: Method | None
) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("last-modified", (item.last_modified or stamp).astimezone(dt.UTC))
    event.add("dtstart", _when(item.starts_at, zone))
    event.add("dtend", _when(item.ends_at, zone))
    event.add("summary", one_line(item.summary))
    if location := one_line(item.location):
        event.add("location", location)
    if description := clean_text(item.description):
        event.add("description", description)
    if item.url:
        event.add("url", item.url)
    status = _status(item, method)
    event.add("status", status)
    if item.private:
        event.add("class", "PRIVATE")
    event.add("organizer", _address(item.organiser))
    # A published feed is read by everyone who subscribes: it names no attendee (RFC 5546).
    for attendee in () if method == "PUBLISH" else item.attendees:
        event.add(
            "attendee",
            _address(attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"),
        )
    if item.alarm is not None and status != "CANCELLED":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -abs(item.alarm))
        alarm.add("description", one_line(item.summary))
        event.add_component(alarm)
    return event


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    method: Method | None = "PUBLISH",
    time_zone: str = LONDON,
    name: str = "",
    stamp: dt.datetime | None = None,
) -> bytes:
    """The VCALENDAR for ``events``, as bytes with CRLF line endings.

    Times are local with TZID=Europe/London when that is the zone, with our own VTIMEZONE.
    For any other zone they are written in UTC: a VTIMEZONE we have not checked against other
    parsers could move events by an hour, and a UTC instant is read right by every client.
    """
    stamp = stamp or dt.datetime.now(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name := one_line(name):
        calendar.add("name", name)  # RFC 7986
        calendar.add("x-wr-calname", name)  # what Google and Outlook read
    if method == "PUBLISH":
        # How often subscribers should fetch it again: RFC 7986, and what Outlook reads.
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    if time_zone == LONDON:
        calendar.add_component(london_vtimezone())
        zone: dt.tzinfo = ZoneInfo(LONDON)
    else:
        zone = dt.UTC
    for item in events:
        calendar.add_component(_event(item, zone=zone, stamp=stamp, method=method))
    return calendar.to_ical()


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(type(value).__name__)


def fingerprint(
    events: Sequence[CalendarEvent],
    *,
    method: Method | None = "PUBLISH",
    time_zone: str = LONDON,
    name: str = "",
) -> str:
    """A hash of everything :func:`build_calendar` writes except DTSTAMP: an ETag that stays
    the same until something a calendar shows has changed."""
    data = {
        "format": [_FORMAT_VERSION, icalendar.__version__],
        "calendar": [method, time_zone, name],
        "events": [dataclasses.asdict(e) for e in events],
    }
    text = json.dumps(data, default=_plain, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]

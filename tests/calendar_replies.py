"""iTIP REPLY messages shaped as the common calendar clients send them, for the tests of
``govhub inbound``: built from the invitation the member received (its UID, ORGANIZER and times).

- Outlook: "Accepted: <subject>", multipart/alternative with a base64 text/calendar part
  (method=REPLY), no winmail.dat; MAILTO in capitals, a Windows time zone name, COMMENT with
  LANGUAGE.
- Gmail: multipart/mixed holding multipart/alternative (text, HTML, text/calendar) and the same
  calendar attached as invite.ics (application/ics); times in UTC; X-NUM-GUESTS.
- Apple Calendar: multipart/mixed with a short text part and the calendar attached as
  iCal-<stamp>.ics (text/calendar, quoted-printable), EMAIL parameter on the ATTENDEE.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import icalendar

__all__ = ["CLIENTS", "apple", "gmail", "outlook"]

VERBS = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(lines: list[str]) -> bytes:
    """CRLF lines, folded at 75 octets as RFC 5545 asks."""
    out = []
    for line in lines:
        data = line.encode()
        first, rest = data[:75], data[75:]
        out.append(first)
        while rest:
            out.append(b" " + rest[:74])
            rest = rest[74:]
    return b"\r\n".join(out) + b"\r\n"


def _invite(invitation: icalendar.Event) -> dict:
    return {
        "uid": str(invitation["UID"]),
        "organizer": str(invitation["ORGANIZER"]).removeprefix("mailto:"),
        "organizer_name": invitation["ORGANIZER"].params.get("CN", ""),
        "start": invitation["DTSTART"].dt,
        "end": invitation["DTEND"].dt,
        "summary": str(invitation["SUMMARY"]),
        "sequence": int(invitation.get("SEQUENCE", 0)),
    }


def _message(sender: str, name: str, to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    return message


def outlook(invitation, sender: str, name: str, partstat: str, comment: str = "", **forge):
    i = {**_invite(invitation), **forge}
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REPLY",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VTIMEZONE",
        "TZID:GMT Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T010000",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"ATTENDEE;PARTSTAT={partstat};CN={name}:MAILTO:{sender}",
        *([f"COMMENT;LANGUAGE=en-GB:{comment}"] if comment else []),
        f"SUMMARY;LANGUAGE=en-GB:{VERBS[partstat]}: {i['summary']}",
        f"DTSTART;TZID=GMT Standard Time:{i['start'].astimezone(dt.UTC):%Y%m%dT%H%M%S}",
        f"DTEND;TZID=GMT Standard Time:{i['end'].astimezone(dt.UTC):%Y%m%dT%H%M%S}",
        f"UID:{i['uid']}",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        f"DTSTAMP:{_utc(dt.datetime.now(dt.UTC))}",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        f"SEQUENCE:{i['sequence']}",
        "LOCATION;LANGUAGE=en-GB:Town Hall",
        f"ORGANIZER;CN={i['organizer_name']}:mailto:{i['organizer']}",
        "X-MICROSOFT-CDO-APPT-SEQUENCE:0",
        "X-MICROSOFT-CDO-OWNER-APPT-ID:-1817493726",
        "X-MICROSOFT-CDO-REPLYTIME:" + _utc(dt.datetime.now(dt.UTC)),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    message = _message(
        sender,
        name,
        f"{i['organizer_name']} <{i['organizer']}>",
        f"{VERBS[partstat]}: {i['summary']}",
    )
    message.set_content(comment or f"{VERBS[partstat]}\n")
    message.add_alternative(f"<html><body><p>{comment}</p></body></html>", subtype="html")
    message.add_alternative(
        _fold(lines), maintype="text", subtype="calendar", params={"method": "REPLY"}, cte="base64"
    )
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


def gmail(invitation, sender: str, name: str, partstat: str, comment: str = "", **forge):
    i = {**_invite(invitation), **forge}
    now = _utc(dt.datetime.now(dt.UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        f"DTSTART:{_utc(i['start'])}",
        f"DTEND:{_utc(i['end'])}",
        f"DTSTAMP:{now}",
        f"ORGANIZER;CN={i['organizer_name']}:mailto:{i['organizer']}",
        f"UID:{i['uid']}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
        f"{partstat};CN={name};X-NUM-GUESTS=0:mailto:{sender}",
        *([f"COMMENT:{comment}"] if comment else []),
        f"CREATED:{now}",
        "DESCRIPTION:",
        f"LAST-MODIFIED:{now}",
        "LOCATION:Town Hall",
        f"SEQUENCE:{i['sequence']}",
        "STATUS:CONFIRMED",
        f"SUMMARY:{i['summary']}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    ics = _fold(lines)
    verb = VERBS[partstat]
    message = _message(
        sender,
        name,
        i["organizer"],
        f"{verb}: {i['summary']} @ {i['start']:%a %d %b %Y %H:%M} (GMT) ({name})",
    )
    message.set_content(f"{name} has {verb.lower()} this invitation.\n{comment}\n")
    message.add_alternative(f"<p>{name} has {verb.lower()} this invitation.</p>", subtype="html")
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        params={"method": "REPLY", "charset": "UTF-8"},
        cte="7bit",
    )
    message.make_mixed()
    message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


def apple(invitation, sender: str, name: str, partstat: str, comment: str = "", **forge):
    i = {**_invite(invitation), **forge}
    start = i["start"].astimezone(dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apple Inc.//macOS 14.4.1//EN",
        "METHOD:REPLY",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f'ATTENDEE;CN="{name}";EMAIL={sender};PARTSTAT={partstat}:mailto:{sender}',
        *([f"COMMENT:{comment}"] if comment else []),
        f"DTEND:{_utc(i['end'])}",
        f"DTSTAMP:{_utc(dt.datetime.now(dt.UTC))}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f'ORGANIZER;CN="{i["organizer_name"]}":mailto:{i["organizer"]}',
        f"SEQUENCE:{i['sequence']}",
        f"SUMMARY:{i['summary']}",
        f"UID:{i['uid']}",
        "X-APPLE-NEEDS-REPLY:FALSE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    message = _message(sender, name, i["organizer"], f"Invitation: {i['summary']}")
    message.set_content(f"{name} has replied to your invitation.\n")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    message.add_attachment(
        _fold(lines),
        maintype="text",
        subtype="calendar",
        filename=f"iCal-{stamp}.ics",
        params={"method": "REPLY"},
        cte="quoted-printable",
    )
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


CLIENTS = {"outlook": outlook, "gmail": gmail, "apple": apple}

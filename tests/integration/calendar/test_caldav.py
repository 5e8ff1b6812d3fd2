"""Our calendar files are accepted by a real CalDAV server (Radicale, on loopback), which
then finds the meeting at the right instant in a time-range query."""

import datetime as dt
import socket
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import httpx
import pytest

LONDON = ZoneInfo("Europe/London")

QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


@pytest.fixture
def radicale(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n[logging]\nlevel = warning\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def span(instant: dt.datetime, minutes: int = 20) -> dict:
    fmt = "%Y%m%dT%H%M%SZ"
    utc = instant.astimezone(dt.UTC)
    return {
        "start": (utc - dt.timedelta(minutes=minutes)).strftime(fmt),
        "end": (utc + dt.timedelta(minutes=minutes)).strftime(fmt),
    }


async def test_an_invite_uploads_to_a_caldav_server(client, radicale, make_body, make_meeting):
    board = await make_body(name="Community Safety Partnership", slug="csp")
    starts = dt.datetime(2027, 3, 30, 18, 0, tzinfo=LONDON)  # BST: 17:00 UTC
    meeting = await make_meeting(body=board, starts_at=starts, title="Spring meeting")
    ics = (await client.get(f"/meetings/{meeting.id}/invite.ics")).content

    auth = ("member", "x")
    collection = f"{radicale}/member/govhub/"
    with httpx.Client(auth=auth, timeout=10) as dav:
        assert dav.request("MKCALENDAR", collection).status_code == 201
        put = dav.put(
            f"{collection}meeting.ics", content=ics, headers={"content-type": "text/calendar"}
        )
        assert put.status_code == 201, put.text
        stored = dav.get(f"{collection}meeting.ics")
        assert stored.status_code == 200 and meeting.uid in stored.text

        headers = {"depth": "1", "content-type": "application/xml"}
        hit = dav.request(
            "REPORT", collection, content=QUERY.format(**span(starts)), headers=headers
        )
        assert hit.status_code == 207 and "meeting.ics" in hit.text
        # The meeting ends at 19:00 UTC. Read an hour late (as a parser that took the London
        # time for GMT would), it would still be on at 19:30 UTC: the server says it is not.
        after_the_end = starts + dt.timedelta(hours=2, minutes=30)
        wrong = dav.request(
            "REPORT",
            collection,
            content=QUERY.format(**span(after_the_end)),
            headers=headers,
        )
        assert wrong.status_code == 207 and "meeting.ics" not in wrong.text

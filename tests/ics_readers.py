"""Reading calendar files with a second, independent parser (vobject) in a separate process."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# Runs in a separate interpreter: only vobject's reading of the file, printed as JSON.
VOBJECT_SCRIPT = """
import datetime, json, sys, vobject
out = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        # allowQP: vobject's stricter line reader, which ends a property at a blank line.
        calendars = list(vobject.readComponents(f.read(), allowQP=True))
    events = []
    for calendar in calendars:
        for event in calendar.contents.get("vevent", []):
            start = event.dtstart.value
            def text(name):
                return event.contents[name][0].value if name in event.contents else ""
            events.append({
                "uid": event.uid.value,
                "start": start.astimezone(datetime.timezone.utc).isoformat(),
                "end": event.dtend.value.astimezone(datetime.timezone.utc).isoformat(),
                "tz": type(start.tzinfo).__name__,
                "summary": text("summary"),
                "location": text("location"),
                "description": text("description"),
                "organiser": text("organizer"),
            })
    out.append({"calendars": len(calendars), "events": events})
print(json.dumps(out))
"""


def read_with_vobject(*files: bytes) -> list[dict]:
    """Each file as vobject reads it, in a separate process (its own imports and time zones)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, data in enumerate(files):
            path = Path(folder) / f"{n}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        done = subprocess.run(
            [sys.executable, "-c", VOBJECT_SCRIPT, *paths],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


ICALJS = Path(__file__).parent / "vendor" / "icaljs" / "ical.es5.min.cjs"

# Runs under Node.js: ical.js's reading of each file (its VTIMEZONE registered first, as
# Thunderbird does), printed as JSON.
ICALJS_SCRIPT = """
const ICAL = require(process.argv[1]);
const fs = require("fs");
const out = [];
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(fs.readFileSync(path, "utf8")));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const status = vevent.getFirstPropertyValue("status");
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      minutes: event.duration.toSeconds() / 60,
      status: status === null ? "" : String(status),
      sequence: event.sequence,
    };
  });
  out.push({ method: String(root.getFirstPropertyValue("method") || ""), events });
}
console.log(JSON.stringify(out));
"""


def read_with_icaljs(*files: bytes) -> list[dict]:
    """Each file as ical.js reads it (tests/vendor/icaljs), in Node.js; times in UTC ISO form."""
    import shutil

    import pytest

    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed (apt-get install nodejs): ical.js cannot run")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, data in enumerate(files):
            path = Path(folder) / f"{n}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        done = subprocess.run(
            [node, "-e", ICALJS_SCRIPT, str(ICALJS), *paths],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)

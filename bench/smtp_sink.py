"""A local SMTP server that accepts every message and counts them: ``smtp_sink.py PORT COUNTFILE``.

The count is written to COUNTFILE after every message, so the benchmark can read it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, path: Path) -> None:
        self.path, self.count = path, 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        self.path.write_text(str(self.count))
        return "250 OK"


async def main(port: int, path: Path) -> None:
    path.write_text("0")
    controller = Controller(Counter(path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    try:
        asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
    except KeyboardInterrupt:
        pass

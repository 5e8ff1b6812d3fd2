"""Process-level records: which workers are alive."""

from __future__ import annotations

import datetime as dt
import socket

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table

__all__ = ["WorkerHeartbeat", "heartbeat"]


class WorkerHeartbeat(Table):
    """The last time each worker process ran its heartbeat job."""

    worker = Varchar(length=200, required=True)
    last_seen = Timestamptz()


async def heartbeat(ctx: dict) -> str:
    """arq job: record that this worker is alive. Safe to run any number of times."""
    name = ctx.get("worker_name") or f"{socket.gethostname()}"
    now = dt.datetime.now(dt.UTC)
    updated = await WorkerHeartbeat.update({WorkerHeartbeat.last_seen: now}).where(
        WorkerHeartbeat.worker == name
    ).returning(WorkerHeartbeat.id)
    if not updated:
        await WorkerHeartbeat.insert(WorkerHeartbeat(worker=name, last_seen=now))
    return name

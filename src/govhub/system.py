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
    # One atomic upsert: two runs at once (the startup cron and a queued job) must not collide.
    await WorkerHeartbeat.insert(WorkerHeartbeat(worker=name, last_seen=now)).on_conflict(
        target=WorkerHeartbeat.worker, action="DO UPDATE", values=[WorkerHeartbeat.last_seen]
    )
    return name

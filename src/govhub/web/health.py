"""``/healthz``: can this process reach its database and its queue?"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass

from litestar import Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from govhub import db

__all__ = ["HealthReport", "healthz"]

CHECK_TIMEOUT = 3.0


@dataclass
class HealthReport:
    status: str
    """``ok`` or ``unavailable``."""
    database: str
    """``ok``, or ``unreachable: <error>``."""
    queue: str
    """``ok``, or ``unreachable: <error>``."""
    queue_mode: str
    """``embedded`` (in the web process) or ``redis``."""


async def _check(probe) -> str:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except Exception as exc:  # any failure is the answer we report
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@get(
    "/healthz",
    include_in_schema=True,
    summary="Liveness and readiness",
    cache=False,
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
            data_container=HealthReport,
            description="The database or the job queue does not answer",
            generate_examples=False,
        )
    },
)
async def healthz(request: Request) -> Response[HealthReport]:
    """200 when the database and the job queue answer; 503 naming what does not."""
    state = request.app.state
    database = await _check(db.ping(state.engine))
    queue = await _check(state.queue.ping())
    healthy = database == queue == "ok"
    report = HealthReport(
        status="ok" if healthy else "unavailable",
        database=database,
        queue=queue,
        queue_mode="embedded" if state.settings.embedded_queue else "redis",
    )
    return Response(
        asdict(report),
        status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Cache-Control": "no-store"},
    )

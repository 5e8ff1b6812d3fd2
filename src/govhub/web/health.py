"""``/healthz``: can this process reach its database and its queue?"""

from __future__ import annotations

import asyncio

from litestar import Request, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from govhub import db

__all__ = ["healthz"]

CHECK_TIMEOUT = 3.0


async def _check(probe) -> str:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except Exception as exc:  # any failure is the answer we report
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@get("/healthz", include_in_schema=True, summary="Liveness and readiness", cache=False)
async def healthz(request: Request) -> Response[dict]:
    """200 when the database and the job queue answer; 503 naming what does not."""
    state = request.app.state
    checks = {
        "database": await _check(db.ping(state.engine)),
        "queue": await _check(state.queue.ping()),
    }
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **checks,
        "queue_mode": "embedded" if state.settings.embedded_queue else "redis",
    }
    return Response(
        body,
        status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Cache-Control": "no-store"},
    )

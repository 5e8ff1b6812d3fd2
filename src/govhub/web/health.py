"""``/healthz``: the database, the queue, the worker and the mail waiting (:mod:`govhub.health`)."""

from __future__ import annotations

from dataclasses import asdict

from litestar import Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from govhub import queue
from govhub.health import HealthReport, LocalWorker, check_health

__all__ = ["HealthReport", "healthz"]


def _local_worker() -> LocalWorker:
    return LocalWorker(
        runner=queue.embedded_runner(),
        inline=isinstance(queue.current_queue(), queue.InlineJobs),
    )


@get(
    "/healthz",
    include_in_schema=True,
    summary="Liveness and readiness",
    cache=False,
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
            data_container=HealthReport,
            description="The database or the job queue does not answer, or the worker is gone",
            generate_examples=False,
        )
    },
)
async def healthz(request: Request) -> Response[HealthReport]:
    """200 when the database and the job queue answer and a worker is alive; 503 otherwise."""
    state = request.app.state
    report = await check_health(state.settings, state.engine, state.queue, _local_worker())
    return Response(
        asdict(report),
        status_code=HTTP_200_OK if report.healthy else HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Cache-Control": "no-store"},
    )

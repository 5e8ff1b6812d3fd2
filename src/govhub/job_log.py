"""One log line per job, and the record of a job that failed for good (see :mod:`govhub.queue`,
which wraps every job of every worker it builds in :func:`logged`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from arq.worker import Retry

__all__ = ["NOTHING_DONE", "FailureRecorder", "JobFunction", "logged"]

job_log = logging.getLogger("govhub.jobs")

JobFunction = Callable[..., Coroutine[Any, Any, Any]]


NOTHING_DONE = (None, 0, "", "nothing to do")
"""Results of a job that found nothing to do: its line is logged at DEBUG."""


FailureRecorder = Callable[[dict, str, tuple, dict, BaseException], Awaitable[None]]
"""Told of every job that failed for good (``ctx``, job name, arguments, error): a
``WorkerSettings.on_job_failed``."""


def logged(
    function: JobFunction,
    name: str,
    *,
    quiet: bool = False,
    max_tries: int | None = None,
    on_failure: FailureRecorder | None = None,
) -> JobFunction:
    """``function`` logging one line when it ends: job, id, outcome, result, duration (ms).

    INFO, unless the job is ``quiet`` (a heartbeat) or found nothing to do (a sweep with nothing
    due): then DEBUG, so an idle server's log stays empty. Failures: WARNING (retried), ERROR.
    A job that failed for good (an error arq does not retry, or a retry asked on its last try)
    is also handed to ``on_failure``, which keeps it for admins.
    """

    async def run(ctx: dict, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        outcome, level, result, failure = "ok", logging.INFO, None, None
        try:
            result = await function(ctx, *args, **kwargs)
            if quiet or result in NOTHING_DONE:
                level = logging.DEBUG
        except Retry as retry:
            outcome, level = "retry", logging.WARNING
            if max_tries is not None and ctx.get("job_try", 1) >= max_tries:
                outcome, level, failure = "gave-up", logging.ERROR, retry
            raise
        except asyncio.CancelledError:
            outcome, level = "cancelled", logging.WARNING
            raise
        except Exception as exc:
            outcome, level, failure = f"error:{type(exc).__name__}", logging.ERROR, exc
            raise
        finally:
            job_log.log(
                level,
                "job done",
                extra={
                    "job": name,
                    "job_id": ctx.get("job_id", ""),
                    "try": ctx.get("job_try", 1),
                    "outcome": outcome,
                    "result": result if isinstance(result, str | int) else type(result).__name__,
                    "ms": round((time.perf_counter() - began) * 1000),
                },
            )
            if failure is not None and on_failure is not None:
                await on_failure(ctx, name, args, kwargs, failure)
        return result

    run.__name__ = run.__qualname__ = name
    run.__doc__ = function.__doc__
    return run

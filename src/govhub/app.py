"""The Litestar application: plugins, routes, and the lifespan that opens the database and queue."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from arq.connections import ArqRedis
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from piccolo.engine.base import Engine

from govhub import db, queue
from govhub.accounts.controllers import AccountController
from govhub.admin.bodies_controllers import AdminBodiesController
from govhub.admin.controllers import AdminController
from govhub.admin.failures_controllers import FailuresController
from govhub.admin.memberships_controllers import MembershipController
from govhub.audit.controllers import AuditController
from govhub.calendar.controllers import CalendarController
from govhub.congress.controllers import CongressController, LanguageController
from govhub.congress.manage_controllers import ManageRegistrationController
from govhub.congress.organiser_controllers import OrganiseCongressController
from govhub.congress.planning_controllers import PlanCongressController
from govhub.dashboard.controllers import dashboard
from govhub.governance.controllers import GovernanceController
from govhub.mail import smtp
from govhub.mail.controllers import OutboxController
from govhub.meetings.agenda_controllers import AgendaController
from govhub.meetings.controllers import MeetingsController
from govhub.meetings.papers_controllers import PapersController
from govhub.meetings.record_controllers import ReadRecordController, RecordController
from govhub.meetings.rsvp_controllers import RsvpController
from govhub.meetings.scheduling_controllers import SchedulingController
from govhub.meetings.terms_controllers import TermsController
from govhub.settings import PROJECT_ROOT, Settings, get_settings
from govhub.web.errors import exception_handlers
from govhub.web.guards import provide_principal
from govhub.web.health import healthz
from govhub.web.idempotency import IdempotencyMiddleware
from govhub.web.ids import reject_impossible_ids
from govhub.web.limits import FORM_BODY_LIMIT, FORM_FIELD_LIMIT, InputLimits
from govhub.web.notices import NoticeMiddleware
from govhub.web.page_cache import PageCache, PageCacheMiddleware
from govhub.web.robots import robots_txt
from govhub.web.security import AllowedHosts, SecurityMiddleware, add_security_headers
from govhub.web.templating import make_template_config
from govhub.worker import WorkerSettings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    run_embedded_worker: bool | None = None,
    inline_jobs: bool = False,
) -> Litestar:
    """Build the app.

    ``engine`` defaults to the one Piccolo's tables use. The embedded worker runs
    when no Redis is configured, unless ``run_embedded_worker`` says otherwise.
    ``inline_jobs`` (the tests): no worker; each job runs as it is enqueued.
    """
    settings = settings or get_settings()
    if engine is None:
        from piccolo.engine import engine_finder

        engine = engine_finder()
    if run_embedded_worker is None:
        run_embedded_worker = settings.embedded_queue

    page_cache = PageCache(settings.page_cache_entries)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        with contextlib.suppress(Exception):
            # A database that is down must not stop the process: /healthz reports it.
            await db.open_engine(engine)
        pool: ArqRedis = await queue.connect_queue(settings)
        queue.set_queue(pool)
        app.state.queue = pool
        worker = task = None
        if inline_jobs:
            queue.set_queue(queue.InlineJobs(WorkerSettings, redis=pool))
        elif run_embedded_worker:
            worker, task = queue.start_worker(pool, WorkerSettings)
        try:
            yield
        finally:
            if worker is not None and task is not None:
                await queue.stop_worker(worker, task)
            await smtp.close_all()  # the embedded worker's kept SMTP connections
            queue.set_queue(None)
            await pool.aclose()
            await db.close_engine(engine)

    app = Litestar(
        route_handlers=[
            GovernanceController,
            AccountController,
            AdminController,
            AdminBodiesController,
            MembershipController,
            AuditController,
            OutboxController,
            FailuresController,
            MeetingsController,
            SchedulingController,
            AgendaController,
            TermsController,
            PapersController,
            RecordController,
            ReadRecordController,
            RsvpController,
            CalendarController,
            CongressController,
            ManageRegistrationController,
            OrganiseCongressController,
            PlanCongressController,
            LanguageController,
            dashboard,
            healthz,
            robots_txt,
            create_static_files_router(
                path="/static",
                directories=[PROJECT_ROOT / "static"],
                include_in_schema=False,
                send_as_attachment=False,
            ),
        ],
        plugins=[HTMXPlugin()],
        middleware=[
            InputLimits,  # first: an oversized or malformed request is refused before the session
            DefineMiddleware(SecurityMiddleware, settings=settings),
            NoticeMiddleware,
            DefineMiddleware(IdempotencyMiddleware),  # after the CSRF check, which it trusts
            DefineMiddleware(PageCacheMiddleware, settings=settings, cache=page_cache),
        ],
        before_send=[add_security_headers],
        before_request=reject_impossible_ids,
        dependencies={"principal": Provide(provide_principal)},
        template_config=make_template_config(settings),
        exception_handlers=exception_handlers,
        lifespan=[lifespan],
        state=State({"settings": settings, "engine": engine, "page_cache": page_cache}),
        # Small for forms; upload routes set their own (papers_controllers).
        request_max_body_size=FORM_BODY_LIMIT,
        multipart_form_part_limit=FORM_FIELD_LIMIT,
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, exclude_opt_key="skip_compression"
        ),
        # Only the JSON document: the interactive viewers load scripts from CDNs.
        openapi_config=OpenAPIConfig(
            title="govhub",
            version="0.1.0",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin(path="/openapi.json")],
        ),
        debug=False,
        # Log lines go through the root logger as govhub.logs sets it up (key=value lines);
        # Litestar's default would replace its handler with one of its own format.
        logging_config=None,
    )
    # Outermost, before routing, so an unknown route on an unknown host is refused too.
    app.asgi_handler = AllowedHosts(app.asgi_handler, settings.host_names)
    return app

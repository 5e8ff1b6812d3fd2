"""``/admin/failures``: jobs that failed for good, parked reminders and failed mail."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from govhub.admin.failures import parked_work
from govhub.audit.services import record
from govhub.calendar.reminders import retry_parked_reminder
from govhub.errors import NotFound
from govhub.web.guards import Me, requires_admin

__all__ = ["FailuresController"]


class FailuresController(Controller):
    """Partnership admins only."""

    path = "/admin/failures"
    guards = [requires_admin]
    include_in_schema = False

    @get("/", name="admin_failures")
    async def failures(self, done: FromQuery[str | None] = None) -> Template:
        shown = "The reminder will be tried again at the next sweep." if done == "retry" else None
        return Template(
            template_name="admin/failures.html",
            context={"work": await parked_work(), "done": shown},
        )

    @post("/reminders/{reminder_id:int}/retry", name="admin_retry_reminder")
    async def retry_reminder(
        self, request: Request, principal: Me, reminder_id: FromPath[int]
    ) -> Redirect:
        """A parked reminder goes back to the sweep with a fresh count of tries."""
        reminder = await retry_parked_reminder(reminder_id)
        if reminder is None:
            raise NotFound()  # no such reminder, or it was not parked
        await record(principal, "reminder.retried", reminder, summary=reminder.label)
        url = request.app.route_reverse("admin_failures")
        return Redirect(f"{url}?done=retry", status_code=303)

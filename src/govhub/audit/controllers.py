"""The audit log, for admins: filter by who made the change, which body, and when."""

from __future__ import annotations

import json

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, get
from litestar.params import FromQuery
from litestar.plugins.htmx import HTMXRequest

from govhub.accounts.tables import User
from govhub.audit.tables import AuditEntry
from govhub.governance.tables import Body
from govhub.validation import parse_date, parse_id
from govhub.web.guards import requires_admin
from govhub.web.pagination import paginate

__all__ = ["AuditController"]


def _decoded(value):
    """JSON columns come back as text from Piccolo's ``objects()`` queries."""
    return json.loads(value) if isinstance(value, str) else value


class AuditController(Controller):
    path = "/admin/audit"
    guards = [requires_admin]
    include_in_schema = False

    @get("/", name="audit_log")
    async def log(
        self,
        request: HTMXRequest,
        actor: FromQuery[str | None] = None,
        board: FromQuery[str | None] = None,
        date_from: FromQuery[str | None] = None,
        date_to: FromQuery[str | None] = None,
        page: FromQuery[int | None] = None,
    ) -> HTMXBlockTemplate:
        errors: dict[str, str] = {}
        where = AuditEntry.id.is_not_null()
        if actor_id := parse_id(actor):
            where &= AuditEntry.actor == actor_id
        if board_id := parse_id(board):
            where &= AuditEntry.body == board_id
        start = parse_date(
            date_from or "", errors, "date_from", "start of the date range", required=False
        )
        end = parse_date(date_to or "", errors, "date_to", "end of the date range", required=False)
        if start:
            where &= AuditEntry.at >= start
        if end:
            where &= AuditEntry.at < end.fromordinal(end.toordinal() + 1)
        params = {
            "actor": actor or "",
            "board": board or "",
            "date_from": date_from or "",
            "date_to": date_to or "",
        }
        listing = await paginate(
            AuditEntry.objects(AuditEntry.body)
            .where(where)
            .order_by(AuditEntry.at, ascending=False),
            AuditEntry.count().where(where),
            page,
            params,
        )
        for entry in listing.items:
            entry.before, entry.after = _decoded(entry.before), _decoded(entry.after)
        users = await User.select(User.id, User.person.name).order_by(User.person.name)
        bodies = await Body.select(Body.id, Body.name).order_by(Body.name)
        block = "results" if request.htmx else None
        return HTMXBlockTemplate(
            template_name="audit/log.html",
            block_name=block,
            context={
                "listing": listing,
                "values": params,
                "errors": errors,
                "actors": [(str(u["id"]), u["person.name"]) for u in users],
                "bodies": [(str(b["id"]), b["name"]) for b in bodies],
            },
        )

"""A signed-in person's own page: the bodies they run and sit on."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from govhub.governance.tables import Body
from govhub.meetings.terms import reviews_due
from govhub.web.guards import Me, requires_sign_in

__all__ = ["dashboard"]


@get("/dashboard", name="dashboard", guards=[requires_sign_in], include_in_schema=False)
async def dashboard(principal: Me) -> Template:
    ids = set(principal.member_of) | set(principal.secretary_of)
    bodies = await Body.objects().where(Body.id.is_in(list(ids))).order_by(Body.name) if ids else []
    return Template(
        template_name="dashboard/index.html",
        context={
            "me": principal,
            "running": [b for b in bodies if b.id in principal.secretary_of],
            "sitting": [b for b in bodies if b.id not in principal.secretary_of],
            "reviews": await reviews_due(principal.secretary_of),
        },
    )

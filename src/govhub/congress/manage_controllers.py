"""The registrant's secret manage link: see the registration, change sessions, cancel,
download what we hold, erase it. The link is the only key, so every page is ``no-store``
and answers "not found" to a wrong or spent token."""

from __future__ import annotations

import json

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from govhub.congress import editions, registrations
from govhub.congress.forms import parse_session_choice, read_form
from govhub.congress.notices import bookings_of
from govhub.congress.privacy import erase_registration, personal_data
from govhub.congress.rules import NEED_LABELS
from govhub.congress.tables import Registration
from govhub.web.language import use_language
from govhub.web.pages import page

__all__ = ["ManageRegistrationController"]


def _private(response):
    """The page is the link's secret: never indexed (and never stored, see _registration)."""
    response.headers["x-robots-tag"] = "noindex, nofollow"
    return response


async def _registration(request: Request, token: str) -> Registration:
    request.scope.setdefault("state", {})["no_store"] = True
    registration = await registrations.registration_by_token(token)
    if registration is None or registration.erased_at is not None:
        raise NotFoundException()
    return registration


async def _manage_page(
    request, token, registration, *, errors=None, chosen=None, notice="", status_code=200
) -> HTMXBlockTemplate:
    edition = await _edition(registration)
    sessions = await editions.programme(edition)
    pairs = await bookings_of(registration.id)
    held = [str(s.id) for _, s in pairs]
    waiting_position = None
    if registration.status == "waiting":
        waiting_position = await Registration.count().where(
            (Registration.edition == edition.id)
            & (Registration.status == "waiting")
            & (Registration.arrival <= registration.arrival)
        )
    return _private(
        page(
            "congress/manage.html",
            status_code=status_code,
            token=token,
            registration=registration,
            edition=edition,
            sessions=sessions,
            pairs=pairs,
            counts=await editions.counts(edition, sessions),
            values={"sessions": chosen if chosen is not None else held},
            errors=errors or {},
            needs=[
                NEED_LABELS[c] for c in registration.access_needs.split(",") if c in NEED_LABELS
            ],
            notice=notice or request.query_params.get("done", ""),
            registered=request.query_params.get("registered") == "1",
            waiting_position=waiting_position,
            state=editions.registration_open(edition),
        )
    )


async def _edition(registration: Registration):
    from govhub.congress.tables import Edition

    return await Edition.objects().where(Edition.id == registration.edition).first()


class ManageRegistrationController(Controller):
    path = "/congress/manage/{token:str}"
    include_in_schema = False

    @get("/")
    async def view(self, request: Request, token: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        registration = await _registration(request, token)
        return await _manage_page(request, token, registration)

    @post("/sessions")
    async def change(self, request: Request, token: FromPath[str]) -> HTMXBlockTemplate | Redirect:
        use_language(request)
        registration = await _registration(request, token)
        if registration.status == "cancelled":
            raise NotFoundException()
        edition = await _edition(registration)
        values = await read_form(request)
        errors: dict[str, str] = {}
        chosen = parse_session_choice(values["sessions"], await editions.programme(edition), errors)
        if errors:
            return await _manage_page(
                request,
                token,
                registration,
                errors=errors,
                chosen=values["sessions"],
                status_code=400,
            )
        changed = await registrations.change_sessions(registration, chosen)
        done = "sessions" if changed else "unchanged"
        return Redirect(f"/congress/manage/{token}?done={done}", status_code=303)

    @get("/cancel")
    async def cancel_form(self, request: Request, token: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        registration = await _registration(request, token)
        return _private(
            page(
                "congress/cancel.html",
                token=token,
                registration=registration,
                edition=await _edition(registration),
            )
        )

    @post("/cancel")
    async def cancel(self, request: Request, token: FromPath[str]) -> Redirect:
        use_language(request)
        registration = await _registration(request, token)
        await registrations.cancel_registration(registration)
        return Redirect(f"/congress/manage/{token}?done=cancelled", status_code=303)

    @get("/data.json")
    async def data(self, request: Request, token: FromPath[str]) -> Response:
        registration = await _registration(request, token)
        body = json.dumps(await personal_data(registration), ensure_ascii=False, indent=2)
        return Response(
            body.encode(),
            media_type="application/json; charset=utf-8",
            headers={
                "content-disposition": (
                    f'attachment; filename="congress-{registration.reference}.json"'
                ),
                "cache-control": "no-store",
            },
        )

    @get("/erase")
    async def erase_form(self, request: Request, token: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        registration = await _registration(request, token)
        return _private(
            page(
                "congress/erase.html",
                token=token,
                registration=registration,
                edition=await _edition(registration),
            )
        )

    @post("/erase")
    async def erase(self, request: Request, token: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        registration = await _registration(request, token)
        edition = await _edition(registration)
        await erase_registration(registration)
        return page("congress/erased.html", edition=edition)

"""The registrant's secret manage link: see the registration, change sessions, cancel,
download what we hold (and the calendar file), erase it. The link is the only key, so every
page is ``no-store`` and answers "not found" to a wrong or spent token.

Once registration has closed or the congress is over, the link still shows, downloads and
erases, but no longer changes sessions or cancels: those routes answer 409 with the reason.
"""

from __future__ import annotations

import json

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from govhub.calendar.ics import build_calendar
from govhub.congress import editions, registrations
from govhub.congress.controllers import in_visitors_language, read_form
from govhub.congress.deps import (
    CHANGEABLE_REGISTRATION,
    LIVE_REGISTRATION,
    REGISTRATION,
    LinkedRegistration,
    RegistrationEdition,
)
from govhub.congress.forms import parse_session_choice
from govhub.congress.notices import bookings_of, registration_event
from govhub.congress.privacy import erase_registration, personal_data
from govhub.congress.rules import NEED_LABELS
from govhub.congress.tables import Edition, Registration, RegistrationStatus
from govhub.errors import NotFound
from govhub.web.pages import page

__all__ = ["ManageRegistrationController"]


def _private(response):
    """The page is the link's secret: never indexed (and never stored, see congress.deps)."""
    response.headers["x-robots-tag"] = "noindex, nofollow"
    return response


def _manage_url(request: Request, token: str, done: str) -> str:
    return request.app.route_reverse("congress_manage", token=token) + f"?done={done}"


async def _manage_page(
    request: Request,
    token: str,
    registration: Registration,
    edition: Edition,
    *,
    errors=None,
    chosen=None,
    status_code=200,
) -> HTMXBlockTemplate:
    sessions = await editions.programme(edition)
    pairs = await bookings_of(registration.id)
    held = [str(s.id) for _, s in pairs]
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
            done=request.query_params.get("done", ""),
            waiting_position=await registrations.waiting_position(registration),
            state=editions.registration_open(edition),
            changes=editions.changes_open(edition),
        )
    )


def _confirm_page(
    template: str, token: str, registration: Registration, edition: Edition
) -> HTMXBlockTemplate:
    """The "are you sure?" page before cancelling or erasing."""
    return _private(page(template, token=token, registration=registration, edition=edition))


def _too_late(request: Request, error: registrations.ChangesClosed) -> Response:
    """409: registration has closed or the congress is over, so nothing was changed."""
    token = str(request.path_params.get("token", ""))
    return _private(
        page("congress/changes_closed.html", status_code=409, token=token, state=error.state)
    )


class ManageRegistrationController(Controller):
    path = "/congress/manage/{token:str}"
    include_in_schema = False
    before_request = in_visitors_language
    exception_handlers = {registrations.ChangesClosed: _too_late}

    @get("/", name="congress_manage", dependencies=REGISTRATION)
    async def view(
        self,
        request: Request,
        token: FromPath[str],
        registration: LinkedRegistration,
        edition: RegistrationEdition,
    ) -> HTMXBlockTemplate:
        return await _manage_page(request, token, registration, edition)

    @post("/sessions", name="congress_change_sessions", dependencies=LIVE_REGISTRATION)
    async def change(
        self,
        request: Request,
        token: FromPath[str],
        registration: LinkedRegistration,
        edition: RegistrationEdition,
    ) -> HTMXBlockTemplate | Redirect:
        values = await read_form(request)
        errors: dict[str, str] = {}
        chosen = parse_session_choice(values["sessions"], await editions.programme(edition), errors)
        if errors:
            return await _manage_page(
                request,
                token,
                registration,
                edition,
                errors=errors,
                chosen=values["sessions"],
                status_code=400,
            )
        changed = await registrations.change_sessions(registration, chosen)
        done = "sessions" if changed else "unchanged"
        return Redirect(_manage_url(request, token, done), status_code=303)

    @get("/cancel", name="congress_cancel_form", dependencies=CHANGEABLE_REGISTRATION)
    async def cancel_form(
        self, token: FromPath[str], registration: LinkedRegistration, edition: RegistrationEdition
    ) -> HTMXBlockTemplate:
        return _confirm_page("congress/cancel.html", token, registration, edition)

    @post("/cancel", name="congress_cancel", dependencies=CHANGEABLE_REGISTRATION)
    async def cancel(
        self, request: Request, token: FromPath[str], registration: LinkedRegistration
    ) -> Redirect:
        await registrations.cancel_registration(registration, by_registrant=True)
        return Redirect(_manage_url(request, token, "cancelled"), status_code=303)

    @get("/data.json", name="congress_personal_data", dependencies=REGISTRATION)
    async def data(self, registration: LinkedRegistration) -> Response:
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

    @get("/calendar.ics", name="congress_registration_calendar", dependencies=REGISTRATION)
    async def calendar(
        self, registration: LinkedRegistration, edition: RegistrationEdition
    ) -> Response:
        """The congress as a calendar file, with their sessions (a place only)."""
        if registration.status != RegistrationStatus.confirmed:
            raise NotFound()
        pairs = await bookings_of(registration.id)
        body = build_calendar([registration_event(edition, registration, pairs)])
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "content-disposition": (
                    f'attachment; filename="congress-{registration.reference}.ics"'
                ),
                "cache-control": "no-store",
            },
        )

    @get("/erase", name="congress_erase_form", dependencies=REGISTRATION)
    async def erase_form(
        self, token: FromPath[str], registration: LinkedRegistration, edition: RegistrationEdition
    ) -> HTMXBlockTemplate:
        return _confirm_page("congress/erase.html", token, registration, edition)

    @post("/erase", name="congress_erase", dependencies=REGISTRATION)
    async def erase(
        self, registration: LinkedRegistration, edition: RegistrationEdition
    ) -> HTMXBlockTemplate:
        await erase_registration(registration)
        return page("congress/erased.html", edition=edition)

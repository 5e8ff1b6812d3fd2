"""The congress for residents: editions, the programme and registering (no account needed),
in English or Bengali."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from govhub.congress import editions, public_registration, registrations
from govhub.congress.deps import EDITION, ShownEdition
from govhub.congress.forms import FIELDS, LISTS, parse_registration
from govhub.congress.public_form_controllers import organiser_of_the_edition, per_client
from govhub.congress.public_registration import HONEYPOT, REGISTRATIONS_FROM_ONE_CLIENT
from govhub.congress.rules import DIET, LANGUAGES, NEEDS
from govhub.congress.tables import Edition
from govhub.governance.tables import Organisation
from govhub.i18n import LOCALES
from govhub.settings import get_settings
from govhub.validation import FormError
from govhub.web.forms import form_values, safe_next
from govhub.web.language import LANGUAGE_COOKIE, requested_locale, use_language
from govhub.web.page_cache import PUBLIC_PAGE
from govhub.web.pages import page

__all__ = ["CongressController", "LanguageController", "in_visitors_language", "read_form"]

CHECKED_FIELDS = {"name", "email", "phone", "postcode", "organisation", "sessions"}


def _language_cookie(request: Request) -> list[Cookie]:
    """``?lang=bn`` on a translated page is remembered, like the switcher."""
    lang = request.query_params.get("lang")
    return [_remembered(lang)] if lang in LOCALES else []


async def read_form(request: Request) -> dict:
    """The registration form as typed (stripped strings), and the lists of ticked boxes."""
    values: dict = await form_values(request, *FIELDS, HONEYPOT)
    form = await request.form()
    for name in LISTS:
        values[name] = [v for v in form.getall(name, []) if isinstance(v, str)][:50]
    return values


async def _organisations() -> list[Organisation]:
    return await Organisation.objects().order_by(Organisation.name)


async def _edition_page(
    request: Request,
    edition: Edition,
    *,
    values=None,
    errors=None,
    closed_while_waiting=False,
    status_code=200,
) -> HTMXBlockTemplate:
    sessions = await editions.programme(edition)
    response = page(
        "congress/edition.html",
        status_code=status_code,
        edition=edition,
        sessions=sessions,
        counts=await editions.counts(edition, sessions),
        actions=await editions.calls_to_action(edition),
        state="closed" if closed_while_waiting else editions.registration_open(edition),
        closed_while_waiting=closed_while_waiting,
        organisations=await _organisations(),
        values=values or {"attending_as": ""},
        errors=errors or {},
        needs=NEEDS,
        languages=LANGUAGES,
        diet=DIET,
    )
    response.cookies.extend(_language_cookie(request))
    return response


async def in_visitors_language(request: Request) -> None:
    """``before_request`` of the translated pages: the visitor's language is chosen before
    anything is loaded, so a "not found" is in it too."""
    use_language(request)


class CongressController(Controller):
    path = "/congress"
    include_in_schema = False
    before_request = in_visitors_language

    @get("/", name="congress", opt=PUBLIC_PAGE)
    async def index(self, request: Request) -> HTMXBlockTemplate:
        upcoming, past = await editions.editions()
        response = page("congress/index.html", upcoming=upcoming, past=past)
        response.cookies.extend(_language_cookie(request))
        return response

    @get("/{slug:str}", name="congress_edition", opt=PUBLIC_PAGE, dependencies=EDITION)
    async def edition(self, request: Request, edition: ShownEdition) -> HTMXBlockTemplate:
        return await _edition_page(request, edition)

    @get("/{slug:str}/privacy", name="congress_privacy", dependencies=EDITION)
    async def privacy(self, request: Request, edition: ShownEdition) -> HTMXBlockTemplate:
        return page(
            "congress/privacy.html",
            edition=edition,
            retention_days=get_settings().congress_retention_days,
        )

    @post(
        "/{slug:str}/register",
        name="congress_register",
        dependencies=EDITION,
        before_request=per_client(REGISTRATIONS_FROM_ONE_CLIENT, exempt=organiser_of_the_edition),
    )
    async def register(
        self, request: Request, edition: ShownEdition
    ) -> HTMXBlockTemplate | Redirect:
        """Registered, already registered or a robot: the same "check your email" answer."""
        values = await read_form(request)
        check_your_email = Redirect(
            request.app.route_reverse("congress_check_email", slug=edition.slug), status_code=303
        )
        if public_registration.is_robot(values):
            return check_your_email
        if editions.registration_open(edition) != "open":
            return await _edition_page(request, edition, values=values, status_code=409)
        try:
            form = parse_registration(
                values, await editions.programme(edition), await _organisations()
            )
            await public_registration.register_from_form(
                edition, form, locale=requested_locale(request)
            )
        except FormError as error:
            return await _edition_page(
                request, edition, values=values, errors=error.errors, status_code=400
            )
        except registrations.ClosedForRegistration:
            return await _edition_page(
                request, edition, values=values, closed_while_waiting=True, status_code=409
            )
        return check_your_email

    @get("/{slug:str}/check-your-email", name="congress_check_email", dependencies=EDITION)
    async def check_email(self, edition: ShownEdition) -> HTMXBlockTemplate:
        return page("congress/check_email.html", edition=edition)

    @post("/{slug:str}/register/check", name="congress_register_check", dependencies=EDITION)
    async def check(
        self, request: HTMXRequest, edition: ShownEdition, field: FromQuery[str] = ""
    ) -> Template:
        """htmx: one field group, checked as the visitor leaves it."""
        sessions = await editions.programme(edition)
        organisations = await _organisations()
        values = await read_form(request)
        errors: dict[str, str] = {}
        if field in CHECKED_FIELDS:
            try:
                parse_registration(values, sessions, organisations)
            except FormError as error:
                errors = {k: v for k, v in error.errors.items() if k == field}
        return Template(
            "congress/_check.html",
            context={
                "field": field if field in CHECKED_FIELDS else "",
                "values": values,
                "errors": errors,
                "sessions": sessions,
                "counts": await editions.counts(edition, sessions),
                "organisations": organisations,
                "check_url": request.app.route_reverse(
                    "congress_register_check", slug=edition.slug
                ),
            },
        )


def _remembered(code: str) -> Cookie:
    """The language cookie: the visitor's choice, for a year."""
    return Cookie(
        key=LANGUAGE_COOKIE,
        value=code,
        path="/",
        samesite="lax",
        httponly=True,
        max_age=365 * 24 * 3600,
    )


class LanguageController(Controller):
    include_in_schema = False

    @get("/language/{code:str}", name="language")
    async def switch(
        self, request: Request, code: FromPath[str], next: FromQuery[str] = ""
    ) -> Redirect:
        """The language switcher: remember the choice, go back to the page (no JavaScript)."""
        congress = request.app.route_reverse("congress")
        target = safe_next(next or congress, congress)
        if code not in LOCALES:
            return Redirect(target, status_code=303)
        return Redirect(target, status_code=303, cookies=[_remembered(code)])

"""The congress for residents: editions, the programme and registering (no account needed),
in English or Bengali."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from govhub.congress import editions, registrations
from govhub.congress.forms import parse_registration, read_form
from govhub.congress.rules import DIET, LANGUAGES, NEEDS
from govhub.governance.tables import Organisation
from govhub.i18n import LOCALES
from govhub.validation import FormError
from govhub.web.forms import safe_next
from govhub.web.language import LANGUAGE_COOKIE, use_language
from govhub.web.page_cache import PUBLIC_PAGE
from govhub.web.pages import page

__all__ = ["CongressController", "LanguageController"]

CHECKED_FIELDS = {"name", "email", "phone", "postcode", "organisation", "sessions"}


def _language_cookie(request: Request) -> list[Cookie]:
    """``?lang=bn`` on a translated page is remembered, like the switcher."""
    lang = request.query_params.get("lang")
    if lang in LOCALES:
        return [
            Cookie(
                key=LANGUAGE_COOKIE,
                value=lang,
                path="/",
                samesite="lax",
                httponly=True,
                max_age=365 * 24 * 3600,
            )
        ]
    return []


async def _organisations() -> list[Organisation]:
    return await Organisation.objects().order_by(Organisation.name)


async def _edition_page(
    request: Request, slug: str, *, values=None, errors=None, duplicate=False, status_code=200
) -> HTMXBlockTemplate:
    edition = await editions.edition_by_slug(slug)
    sessions = await editions.programme(edition)
    response = page(
        "congress/edition.html",
        status_code=status_code,
        edition=edition,
        sessions=sessions,
        counts=await editions.counts(edition, sessions),
        actions=await editions.calls_to_action(edition),
        state=editions.registration_open(edition),
        organisations=await _organisations(),
        values=values or {"attending_as": ""},
        errors=errors or {},
        duplicate=duplicate,
        needs=NEEDS,
        languages=LANGUAGES,
        diet=DIET,
    )
    response.cookies.extend(_language_cookie(request))
    return response


class CongressController(Controller):
    path = "/congress"
    include_in_schema = False

    @get("/", opt=PUBLIC_PAGE)
    async def index(self, request: Request) -> HTMXBlockTemplate:
        use_language(request)
        upcoming, past = await editions.editions()
        response = page("congress/index.html", upcoming=upcoming, past=past)
        response.cookies.extend(_language_cookie(request))
        return response

    @get("/{slug:str}", opt=PUBLIC_PAGE)
    async def edition(self, request: Request, slug: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        return await _edition_page(request, slug)

    @get("/{slug:str}/privacy")
    async def privacy(self, request: Request, slug: FromPath[str]) -> HTMXBlockTemplate:
        use_language(request)
        edition = await editions.edition_by_slug(slug)
        from govhub.settings import get_settings

        return page(
            "congress/privacy.html",
            edition=edition,
            retention_days=get_settings().congress_retention_days,
        )

    @post("/{slug:str}/register")
    async def register(self, request: Request, slug: FromPath[str]) -> HTMXBlockTemplate | Redirect:
        locale = use_language(request)
        edition = await editions.edition_by_slug(slug)
        values = await read_form(request)
        if editions.registration_open(edition) != "open":
            return await _edition_page(request, slug, values=values, status_code=409)
        try:
            form = parse_registration(
                values, await editions.programme(edition), await _organisations()
            )
            done = await registrations.register(edition, form, locale=locale)
        except FormError as error:
            return await _edition_page(
                request, slug, values=values, errors=error.errors, status_code=400
            )
        except registrations.AlreadyRegistered:
            return await _edition_page(
                request, slug, values=values, duplicate=True, status_code=409
            )
        except registrations.ClosedForRegistration:
            return await _edition_page(request, slug, values=values, status_code=409)
        return Redirect(f"/congress/manage/{done.token}?registered=1", status_code=303)

    @post("/{slug:str}/register/check")
    async def check(
        self, request: HTMXRequest, slug: FromPath[str], field: FromQuery[str] = ""
    ) -> Template:
        """htmx: one field group, checked as the visitor leaves it."""
        use_language(request)
        edition = await editions.edition_by_slug(slug)
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
                "check_url": f"/congress/{edition.slug}/register/check",
            },
        )


class LanguageController(Controller):
    include_in_schema = False

    @get("/language/{code:str}")
    async def switch(self, code: FromPath[str], next: FromQuery[str] = "/congress") -> Redirect:
        """The language switcher: remember the choice, go back to the page (no JavaScript)."""
        target = safe_next(next, "/congress")
        if code not in LOCALES:
            return Redirect(target, status_code=303)
        cookie = Cookie(
            key=LANGUAGE_COOKIE,
            value=code,
            path="/",
            samesite="lax",
            httponly=True,
            max_age=365 * 24 * 3600,
        )
        return Redirect(target, status_code=303, cookies=[cookie])

"""The Jinja environment: where templates live, filters and globals every page uses."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from govhub.governance.tables import Sector
from govhub.settings import PROJECT_ROOT, Settings, get_settings

__all__ = ["format_date", "make_template_config"]


def format_date(value: dt.date | dt.datetime | None) -> str:
    """GOV.UK style: ``1 April 2024``."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_time(value: dt.datetime) -> str:
    """GOV.UK style, in the partnership's time zone: ``6pm``, ``6:30pm``, ``midday``."""
    local = value.astimezone(get_settings().zone)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_when(value: dt.datetime) -> str:
    """``Tuesday 3 March 2026, 6pm`` in the partnership's time zone."""
    local = value.astimezone(get_settings().zone)
    return f"{local:%A} {format_date(local)}, {format_time(value)}"


def form_token() -> str:
    """The CSRF token for this request (empty on pages outside the security layer)."""
    from govhub.web.security import current_request_state

    return current_request_state().get("csrf_token", "")


def current_principal():
    from govhub.accounts.principal import ANONYMOUS
    from govhub.web.security import current_request_state

    return current_request_state().get("principal") or ANONYMOUS


def make_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.env == "development",
    )
    env.filters["date"] = format_date
    env.filters["time"] = format_time
    env.filters["when"] = format_when
    # Not "csrf_token": Litestar installs a global of that name for its own CSRF scheme.
    env.globals["form_token"] = form_token
    env.globals["principal"] = current_principal
    env.globals["site_name"] = "Tower Hamlets Partnership"
    env.globals["sector_labels"] = {sector.value: sector.label for sector in Sector}
    _install_languages(env)
    return env


def _install_languages(env: Environment) -> None:
    """``_()`` and ``{% trans %}`` in the page's language (see :mod:`govhub.web.language`)."""
    from govhub.i18n import LOCALES
    from govhub.web import language

    env.install_gettext_callables(language.gettext, language.ngettext, newstyle=True)
    env.globals["current_locale"] = language.current_locale
    env.globals["languages"] = LOCALES
    env.globals["language_links"] = language.language_links
    env.filters["ldate"] = language.format_local_date
    env.filters["lwhen"] = language.format_local_when
    env.filters["ltime"] = language.format_local_time


def make_template_config(settings: Settings) -> TemplateConfig:
    env = make_environment(settings)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))

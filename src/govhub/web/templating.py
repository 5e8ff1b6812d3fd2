"""The Jinja environment: where templates live, filters and globals every page uses."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from govhub import i18n
from govhub.governance.tables import Sector
from govhub.settings import PROJECT_ROOT, Settings
from govhub.web.idempotency import new_form_key
from govhub.web.language import language_links

__all__ = ["make_environment", "make_template_config"]


def form_token() -> str:
    """The CSRF token for this request (empty on pages outside the security layer)."""
    from govhub.web.security import current_request_state

    return current_request_state().get("csrf_token", "")


def current_principal():
    from govhub.governance.principal import ANONYMOUS
    from govhub.web.security import current_request_state

    return current_request_state().get("principal") or ANONYMOUS


def notice() -> str:
    """The notice carried to this page (see :mod:`govhub.web.notices`), once."""
    from govhub.web.notices import current_notice
    from govhub.web.security import current_request_state

    return current_notice(current_request_state())


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
    env.filters["date"] = i18n.format_date
    env.filters["time"] = i18n.format_time
    env.filters["when"] = i18n.format_when
    # Not "csrf_token": Litestar installs a global of that name for its own CSRF scheme.
    env.globals["form_token"] = form_token
    env.globals["form_once"] = new_form_key  # a one-time key per form: govhub.web.idempotency
    env.globals["principal"] = current_principal
    env.globals["carried_notice_text"] = notice
    env.globals["site_name"] = "Tower Hamlets Partnership"
    env.globals["sector_labels"] = {sector.value: sector.label for sector in Sector}
    _install_languages(env)
    return env


def _install_languages(env: Environment) -> None:
    """``_()`` and ``{% trans %}`` in the page's language (see :mod:`govhub.i18n`)."""
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["current_locale"] = i18n.current_locale
    env.globals["languages"] = i18n.LOCALES
    env.globals["language_links"] = language_links
    env.filters["ldate"] = i18n.format_local_date
    env.filters["lwhen"] = i18n.format_local_when
    env.filters["ltime"] = i18n.format_local_time


def make_template_config(settings: Settings) -> TemplateConfig:
    env = make_environment(settings)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))

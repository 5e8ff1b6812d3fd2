"""The Jinja environment: where templates live, filters and globals every page uses."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from govhub.governance.tables import Sector
from govhub.settings import PROJECT_ROOT, Settings

__all__ = ["format_date", "make_template_config"]


def format_date(value: dt.date | dt.datetime | None) -> str:
    """GOV.UK style: ``1 April 2024``."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


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
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.env == "development",
    )
    env.filters["date"] = format_date
    # Not "csrf_token": Litestar installs a global of that name for its own CSRF scheme.
    env.globals["form_token"] = form_token
    env.globals["principal"] = current_principal
    env.globals["site_name"] = "Tower Hamlets Partnership"
    env.globals["sector_labels"] = {sector.value: sector.label for sector in Sector}
    return env


def make_template_config(settings: Settings) -> TemplateConfig:
    env = make_environment(settings)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))

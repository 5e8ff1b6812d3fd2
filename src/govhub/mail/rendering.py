"""Emails are templates: the first line is ``Subject: ...``, the rest is the text body."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from govhub.settings import PROJECT_ROOT

__all__ = ["render_email"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text: no HTML escaping, but undefined names are still errors.
    return Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates" / "emails"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 (plain-text email bodies, never HTML)
    )


def render_email(template: str, context: dict) -> tuple[str, str]:
    rendered = _environment().get_template(f"{template}.txt").render(context)
    first, _, body = rendered.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt must start with a Subject: line")
    # A subject is one line: user text must never add a header.
    subject = " ".join(first.removeprefix("Subject: ").split())
    return subject, body.lstrip("\n")

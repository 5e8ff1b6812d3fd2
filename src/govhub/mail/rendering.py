"""Emails are templates: ``emails/<name>.txt`` starts with ``Subject: ...`` and the rest is the text
body; ``emails/<name>.html``, when there is one, is the HTML body, else the text is shown as HTML.

Both are rendered in the recipient's language (``{% trans %}`` / ``_()``, see :mod:`govhub.i18n`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from markupsafe import Markup, escape

from govhub.i18n import DEFAULT_LOCALE, translations_for
from govhub.settings import PROJECT_ROOT

__all__ = ["RenderedEmail", "render_email", "text_to_html"]

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


@lru_cache(maxsize=2)
def _environment(html: bool) -> Environment:
    # Undefined names are errors in both; only the HTML body is escaped.
    environment = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates" / "emails"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=html,  # noqa: S701 (the text body is plain text, never HTML)
        extensions=["jinja2.ext.i18n"],
    )
    # For user text in a Subject line: one line, whatever was typed.
    environment.filters["oneline"] = lambda value: " ".join(str(value).split())
    return environment


def _render(html: bool, name: str, context: dict, locale: str) -> str:
    environment = _environment(html)
    # Rendering is synchronous, so installing the language for this render cannot leak into another.
    environment.install_gettext_translations(translations_for(locale), newstyle=True)
    return environment.get_template(name).render(context)


def text_to_html(text: str) -> str:
    """The text body as simple HTML: paragraphs, line breaks and links, everything escaped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        parts, last = [], 0
        for match in _URL.finditer(block):
            parts.append(escape(block[last : match.start()]))
            url = escape(match.group(0))
            parts.append(Markup('<a href="{0}">{0}</a>').format(url))
            last = match.end()
        parts.append(escape(block[last:]))
        paragraphs.append("<p>" + "".join(parts).replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


class RenderedEmail(NamedTuple):
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict, locale: str = DEFAULT_LOCALE) -> RenderedEmail:
    rendered = _render(False, f"{template}.txt", context, locale)
    first, _, body = rendered.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt must start with a Subject: line")
    # A subject is one line: user text must never add a header. Nor may it look like an RFC 2047
    # encoded word: Python's email package (3.11.7 here) decodes one when it folds a long
    # header and writes what it decoded, CR LF included, into the message (found by the
    # property test in tests/unit/test_mail_headers.py).
    subject = " ".join(first.removeprefix("Subject: ").split()).replace("=?", "= ?")
    text = body.lstrip("\n")
    try:
        html = _render(True, f"{template}.html", context, locale)
    except TemplateNotFound:
        html = text_to_html(text)
    return RenderedEmail(subject, text, html)

"""Input limits at the door: what a request may send, checked before anything parses it.

A form body may be at most :data:`FORM_BODY_LIMIT` bytes (upload routes set a larger
``request_max_body_size`` of their own) and hold at most :data:`FORM_FIELD_LIMIT` fields. A body
whose ``Content-Length`` is over the limit is refused with 413 before a byte of it is read or the
session is looked up. A path, query or form value holding a NUL byte or another control
character (tab and line breaks apart) is refused with a plain 404/400 page: PostgreSQL cannot
store a NUL, and a line break has no place in a header or a one-line field.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException, NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "FORM_BODY_LIMIT",
    "FORM_FIELD_LIMIT",
    "InputLimits",
    "has_control_characters",
]

FORM_BODY_LIMIT = 1_000_000
"""The largest request body (bytes) on every route that does not set its own."""

FORM_FIELD_LIMIT = 500
"""The most fields (urlencoded pairs or multipart parts) one form may send."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

TOO_BIG = "What you sent is too big. Go back and send less, or split it into parts."
TOO_MANY_FIELDS = "This form sent too many fields. Go back, reload the page and try again."
UNREADABLE = "This form could not be read, or sent too many fields. Go back and try again."
CONTROL_CHARACTERS = (
    "What you sent holds characters that cannot be saved, such as a null or control character. "
    "Go back, remove them and try again."
)


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a NUL or another control character other than tab, CR and LF."""
    return _CONTROL.search(value) is not None


class FormTooBig(RequestEntityTooLarge):
    detail = TOO_BIG


class InputLimits:
    """Middleware, first of the app's own (after routing): refuse oversized or malformed input."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._check(scope, receive)
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive) -> None:
        if has_control_characters(scope.get("path", "")):
            raise NotFoundException()
        query = scope.get("query_string", b"").decode("latin-1")
        if query and _pairs_hold_control_characters(_query_pairs(query)):
            raise ClientException(CONTROL_CHARACTERS)
        if scope["method"] in _SAFE_METHODS:
            return
        request: Request = Request(scope, receive)
        limit = request.route_handler.resolve_request_max_body_size() or math.inf
        if (request.content_length or 0) > limit:
            raise FormTooBig()  # at once: not a byte of the body is read
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(_FORM_TYPES):
            await _check_form(request, content_type)


def _query_pairs(query: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ClientException("The web address is not valid.") from None


def _pairs_hold_control_characters(pairs: list[tuple[str, str]]) -> bool:
    return any(
        has_control_characters(name) or has_control_characters(value) for name, value in pairs
    )


async def _check_form(request: Request, content_type: str) -> None:
    """Field count and control characters; the parsed form is kept for the handler to read."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            body = await request.body()
        except RequestEntityTooLarge:
            raise FormTooBig() from None  # a body longer than it said
        if body.count(b"&") >= FORM_FIELD_LIMIT:
            raise ClientException(TOO_MANY_FIELDS)
    try:
        form = await request.form()
    except RequestEntityTooLarge:
        raise FormTooBig() from None
    except ClientException:  # an unreadable multipart body, or more parts than the limit
        raise ClientException(UNREADABLE) from None
    for name, value in form.multi_items():
        if has_control_characters(name) or (
            not isinstance(value, UploadFile) and has_control_characters(value)
        ):
            raise ClientException(CONTROL_CHARACTERS)

"""Error pages: a real 404, a plain 500 with no stack trace, JSON for API clients.

The rules raise the plain errors of :mod:`govhub.errors`; here each becomes its response.
"""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_500_INTERNAL_SERVER_ERROR

from govhub.errors import Conflict, DomainError, FormError, NotFound, Refused

__all__ = ["error_response", "exception_handlers"]

logger = logging.getLogger(__name__)

_TITLES = {
    400: "Sorry, there is a problem with that request",
    401: "Sign in to see this page",
    403: "Your form could not be sent",
    404: "Page not found",
    409: "Someone else changed this first",
    405: "That action is not allowed here",
    413: "What you sent is too big",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, detail: str) -> Response:
    if wants_json(request):
        return Response(
            {"status_code": status, "detail": detail}, status_code=status, media_type=MediaType.JSON
        )
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": _TITLES.get(status, _TITLES[400]), "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
    )


def _http_error(request: Request, exc: HTTPException) -> Response:
    from govhub.web.guards import TwoFactorRequired

    status = exc.status_code
    if isinstance(exc, TwoFactorRequired) and not wants_json(request):
        return Redirect("/account/two-factor?required=1")
    if isinstance(exc, NotAuthorizedException) and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/sign-in?next={quote(target, safe='')}")
    if isinstance(exc, ValidationException) and status == 400:
        # A path or query value of the wrong shape: for a page that is "not found".
        if not wants_json(request):
            return error_response(request, HTTP_404_NOT_FOUND, _TITLES[404])
        return Response(
            {"status_code": 400, "detail": exc.detail, "extra": exc.extra},
            status_code=400,
            media_type=MediaType.JSON,
        )
    if isinstance(exc, NotFoundException):
        return error_response(request, 404, "If you typed the web address, check it is correct.")
    detail = exc.detail if status < 500 else _TITLES[500]
    return error_response(request, status, detail)


def _domain_error(request: Request, exc: DomainError) -> Response:
    """A rule said no: 404 for what is absent or hidden, 409 for a lost race, else 400."""
    if isinstance(exc, NotFound):
        return error_response(request, 404, "If you typed the web address, check it is correct.")
    if isinstance(exc, Conflict):
        return error_response(request, 409, exc.message or _TITLES[409])
    if isinstance(exc, FormError) and wants_json(request):
        return Response(
            {"status_code": 400, "detail": exc.message, "errors": exc.errors},
            status_code=400,
            media_type=MediaType.JSON,
        )
    status = 409 if isinstance(exc, Refused) else 400
    return error_response(request, status, exc.message or _TITLES[400])


def _data_error(request: Request, exc: Exception) -> Response:
    """The database refused a value (too long for its column, a NUL byte, a number out of range).

    A safety net: each form checks its fields first, with a message next to the field."""
    logger.warning(
        "value refused by the database on %s %s: %s", request.method, request.url.path, exc
    )
    return error_response(request, 400, VALUE_REFUSED)


VALUE_REFUSED = (
    "Something you typed is too long or holds characters that cannot be saved. "
    "Go back, shorten it and try again."
)


def _server_error(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, HTTP_500_INTERNAL_SERVER_ERROR, "Try again later. The error has been logged."
    )


exception_handlers = {
    HTTPException: _http_error,
    DomainError: _domain_error,
    # asyncpg's server-side DataError (value too long, NUL byte, out of range) and its client-side
    # one (an argument it cannot encode); sqlite3's DataError and the OverflowError of an integer
    # it cannot bind.
    asyncpg.exceptions.DataError: _data_error,
    asyncpg.exceptions._base.DataError: _data_error,
    sqlite3.DataError: _data_error,
    OverflowError: _data_error,
    HTTP_500_INTERNAL_SERVER_ERROR: _server_error,
    Exception: _server_error,
}

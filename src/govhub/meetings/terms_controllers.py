"""Terms of reference pages (filled in by the terms-of-reference work)."""

from litestar import Controller

__all__ = ["TermsController"]


class TermsController(Controller):
    include_in_schema = False

"""Papers and agenda packs (filled in by the papers work)."""

from litestar import Controller

__all__ = ["PapersController"]


class PapersController(Controller):
    include_in_schema = False

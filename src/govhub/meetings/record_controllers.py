"""At the meeting and after it: attendance, quorum, declarations, minutes, decisions, actions
(filled in by the meeting-record work)."""

from litestar import Controller

__all__ = ["RecordController"]


class RecordController(Controller):
    include_in_schema = False

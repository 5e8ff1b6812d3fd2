"""Meetings: the calendar, one meeting's page, scheduling, and building the agenda."""

from litestar import Controller

__all__ = ["MeetingsController"]


class MeetingsController(Controller):
    include_in_schema = False

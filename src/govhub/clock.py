"""The partnership's clock: today and now in its own time zone."""

from __future__ import annotations

import datetime as dt

from govhub.settings import get_settings

__all__ = ["now", "today"]


def now() -> dt.datetime:
    return dt.datetime.now(get_settings().zone)


def today() -> dt.date:
    return now().date()

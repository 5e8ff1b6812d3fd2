"""Log lines as ``key=value`` pairs, one event a line: one INFO line per job, arq's own at DEBUG.

``govhub serve`` and ``govhub worker`` call :func:`configure_logging` once; GOVHUB_LOG_LEVEL
(DEBUG, INFO, WARNING) says how much. At DEBUG, arq's lines (each job's start and end, the
worker's polls) show too.
"""

from __future__ import annotations

import logging
import os

__all__ = ["KeyValueFormatter", "configure_logging"]

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _value(value: object) -> str:
    text = str(value)
    if not text or any(c in text for c in ' "=\n'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class KeyValueFormatter(logging.Formatter):
    """``time=… level=… logger=… msg="…"`` then the record's extra fields, ``key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        pairs.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        line = " ".join(f"{key}={_value(value)}" for key, value in pairs.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _ArqAtDebug(logging.Filter):
    """arq logs every job's start and end, and every cron run, at INFO: count them as DEBUG
    (govhub's own line per job, logger ``govhub.jobs``, says what happened)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("arq") and record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return record.levelno >= self.level


def configure_logging(level: str | None = None) -> None:
    """One handler on the root logger, writing ``key=value`` lines to stderr."""
    name = (level or os.environ.get("GOVHUB_LOG_LEVEL") or "INFO").upper()
    number = logging.getLevelName(name)
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {name!r} (GOVHUB_LOG_LEVEL)")
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter())
    handler.addFilter(_ArqAtDebug(number))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(number, logging.INFO))  # arq's INFO lines reach the filter, which decides
    logging.getLogger("piccolo").setLevel(logging.WARNING)

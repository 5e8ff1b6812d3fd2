"""Typed settings, read once from the environment (prefix ``GOVHUB_``).

Every field has a safe development default, so ``govhub serve`` runs with no
configuration at all; production refuses to start without a real secret key.
"""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout: templates/, static/ and migrations/ live here."""

logger = logging.getLogger(__name__)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_", use_attribute_docstrings=True, extra="ignore"
    )

    env: Literal["development", "production"] = "development"
    """``production`` requires a secret key and marks cookies Secure over https."""

    database_url: str = ""
    """``sqlite:///path/file.sqlite3`` or ``postgresql://user@host/db``; empty: a file in var/."""

    redis_url: str = ""
    """``redis://host:6379/0``; empty runs the job queue and its cron jobs in the web process."""

    smtp_url: str = ""
    """``smtp://user:pass@host:587`` (``smtps://`` for TLS); empty: mail stays in the outbox."""

    mail_from: str = "Tower Hamlets Partnership <partnership@govhub.invalid>"
    """The From address of every email govhub sends."""

    reply_mailbox: str = ""
    """Where calendar replies go (``reply@partnership.example``; each invitation's ORGANIZER
    adds ``+token``), delivered to ``govhub inbound``. Empty: ``reply@`` the From domain."""

    quorum_warning_days: int = Field(default=3, ge=0, le=60)
    """Days before a meeting its secretary is emailed when the members' answers so far do not
    make the quorum (0: never)."""

    secret_key: str = ""
    """Signs sessions and tokens; empty in development: generated into ``var/secret_key``."""

    base_url: str = "http://127.0.0.1:8000"
    """The public address, used for links in emails and calendar files."""

    allowed_hosts: str = ""
    """Comma-separated host names this site answers to; empty: the base URL's host and localhost."""

    time_zone: str = "Europe/London"
    """The partnership's time zone: meeting times are entered and shown in it."""

    var_dir: Path = PROJECT_ROOT / "var"
    """Where the SQLite file, the generated secret key and uploaded papers live."""

    page_cache_entries: int = 256
    """Public pages each web process keeps for anonymous visitors (0: none); see web/page_cache."""

    trusted_proxies: str = ""
    """Comma-separated addresses or networks (``10.0.0.0/8``, host bits zero) of proxies whose
    ``X-Forwarded-For`` is believed; empty: none, the connecting address is the client's."""

    congress_retention_days: int = Field(default=90, ge=0, le=3650)
    """Days after a congress ends before its registrants' contact details and needs are erased."""

    worker_silent_after: float = Field(default=180, gt=0)
    """Seconds without a worker heartbeat before ``/healthz`` answers 503 (Redis queue only)."""

    worker_heartbeat_every: float = Field(default=15, gt=0)
    """Seconds between the heartbeats ``govhub worker`` writes to the database."""

    worker_reconnect_max: float = Field(default=30, gt=0)
    """The longest wait, in seconds, between ``govhub worker``'s tries to reconnect."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        import ipaddress

        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(part)
            except ValueError as exc:
                raise ValueError(f"not an address or network: {part!r}") from exc
        return value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'govhub.sqlite3'}"

    @property
    def host_names(self) -> list[str]:
        """Every Host header value accepted; any other gets 400."""
        from urllib.parse import urlsplit

        if self.allowed_hosts:
            return [h.strip() for h in self.allowed_hosts.split(",") if h.strip()]
        return sorted({urlsplit(self.base_url).hostname or "localhost", "localhost", "127.0.0.1"})

    @property
    def trusted_proxy_networks(self) -> list:
        """``trusted_proxies`` as ``ipaddress`` networks."""
        import ipaddress

        parts = filter(None, (p.strip() for p in self.trusted_proxies.split(",")))
        return [ipaddress.ip_network(part) for part in parts]

    @property
    def embedded_queue(self) -> bool:
        """True when no Redis is configured: jobs run in the web process."""
        return not self.redis_url

    def resolved_secret_key(self) -> str:
        """The secret key; in development one is generated once into ``var/``."""
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise RuntimeError("GOVHUB_SECRET_KEY must be set when GOVHUB_ENV=production")
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
            logger.warning("GOVHUB_SECRET_KEY is not set: generated one into %s", path)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()

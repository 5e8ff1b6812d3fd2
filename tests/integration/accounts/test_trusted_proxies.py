"""``govhub serve`` believes forwarding headers only from GOVHUB_TRUSTED_PROXIES."""

import pytest
import uvicorn
from click.testing import CliRunner

from govhub import cli
from govhub.settings import Settings

pytestmark = pytest.mark.no_db


def served_with(monkeypatch, **env: str) -> dict:
    """The options `govhub serve` hands uvicorn, with ``env`` set."""
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli, "configure_logging", lambda: None)  # leave pytest's logging be
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Settings read afresh from this environment, for the command alone: the process's own
    # (cached) settings object stays the one every other test shares.
    monkeypatch.setattr(cli, "get_settings", Settings)
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    return seen


def test_by_default_no_proxy_is_trusted_not_even_localhost(monkeypatch):
    options = served_with(monkeypatch, GOVHUB_TRUSTED_PROXIES="")
    assert options["proxy_headers"] is False


def test_named_proxies_are_passed_to_uvicorn(monkeypatch):
    options = served_with(monkeypatch, GOVHUB_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == "127.0.0.1,10.0.0.0/8"


def test_a_proxy_that_is_not_an_address_is_a_clear_error():
    with pytest.raises(ValueError, match=r"not an address or network: 'proxy\.local'"):
        Settings(trusted_proxies="127.0.0.1, proxy.local")

"""Promises the project makes in its README and vendor notes, checked."""

import hashlib
import re

import pytest

from govhub.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.no_db


def test_every_setting_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"GOVHUB_{name.upper()}" in readme, f"GOVHUB_{name.upper()} is not in the README"


def test_vendored_front_end_files_match_their_recorded_checksums():
    vendor = PROJECT_ROOT / "static" / "vendor"
    lines = (vendor / "SHA256SUMS").read_text().splitlines()
    assert any("htmx.min.js" in line for line in lines)
    for line in lines:
        digest, path = line.split(maxsplit=1)
        assert hashlib.sha256((vendor / path).read_bytes()).hexdigest() == digest, path


def test_htmx_is_version_2_as_the_vendor_notes_say():
    htmx = (PROJECT_ROOT / "static/vendor/htmx/htmx.min.js").read_text()
    notes = (PROJECT_ROOT / "static/vendor/README.md").read_text()
    version = re.search(r"htmx\.org\]\([^)]*\) \| (2\.\d+\.\d+)", notes).group(1)
    assert f'version:"{version}"' in htmx.replace(" ", "")


def test_no_page_loads_anything_from_another_host():
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        for match in external.finditer(template.read_text()):
            line = template.read_text()[: match.start()].count("\n") + 1
            pytest.fail(f"{template.relative_to(PROJECT_ROOT)}:{line} loads from another host")
    css = (PROJECT_ROOT / "static/vendor/govuk/govuk-frontend.min.css").read_text()
    assert not re.search(r"url\((['\"]?)(https?:)?//", css)

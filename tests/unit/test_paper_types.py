"""A paper's type comes from its bytes, never its name; names are made safe to show and send."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest

from govhub.meetings.file_kinds import content_disposition, display_name, download_name, sniff_kind
from govhub.meetings.packs import format_when
from govhub.meetings.packs_build import static_file_for

pytestmark = pytest.mark.no_db


def zipped(entries: dict[str, bytes], first: str | None = None) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr(first, entries[first], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first:
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    out.seek(0)
    return out


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
XLSX = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
ODT = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (io.BytesIO(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "pdf"),
        (zipped(DOCX), "docx"),
        (zipped(XLSX), "xlsx"),
        (zipped(ODT, first="mimetype"), "odt"),
    ],
)
def test_each_accepted_type_is_recognised_from_its_content(data, kind):
    assert sniff_kind(data) == kind
    assert data.tell() == 0, "the file is rewound for whoever reads it next"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",  # an HTML file named .pdf
        b"   %PDF-1.7",  # the magic must come first
        b"%PDF",  # too short to be a PDF header
        b"PK\x03\x04 not really a zip",
        b"MZ\x90\x00",  # a Windows program
        b"",
    ],
)
def test_anything_else_is_refused(data):
    assert sniff_kind(io.BytesIO(data)) is None


def test_zips_that_only_look_like_office_files_are_refused():
    # No [Content_Types].xml: just a zip with a Word-like folder inside.
    assert sniff_kind(zipped({"word/document.xml": b"x"})) is None
    # Macro-enabled Word and Excel files carry a vbaProject.bin.
    assert sniff_kind(zipped({**DOCX, "word/vbaProject.bin": b"x"})) is None
    assert sniff_kind(zipped({**XLSX, "xl/vbaProject.bin": b"x"})) is None
    # An OpenDocument spreadsheet, or a mimetype with anything extra, is not an ODT.
    ods = {**ODT, "mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
    assert sniff_kind(zipped(ods, first="mimetype")) is None
    padded = {**ODT, "mimetype": b"application/vnd.oasis.opendocument.text\n"}
    assert sniff_kind(zipped(padded, first="mimetype")) is None
    # An HTML page with a zip glued on the end does not start like a zip.
    glued = io.BytesIO(b"<html></html>" + zipped(DOCX).getvalue())
    assert sniff_kind(glued) is None


def test_a_zip_bomb_named_mimetype_is_not_read():
    bomb = {"mimetype": b"a" * 50_000_000, "content.xml": b"<office/>"}
    assert sniff_kind(zipped(bomb)) is None


def test_an_uploaded_name_loses_folders_and_invisible_characters():
    assert display_name("C:\\Users\\nadia\\Budget 2026.pdf") == "Budget 2026.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    # A right-to-left override would show "report‮fdp.exe" as "reportexe.pdf".
    assert display_name("report\u202efdp.exe") == "reportfdp.exe"
    assert display_name("tab\there\x00.pdf") == "tabhere.pdf"
    assert display_name("  .hidden   name.docx ") == "hidden name.docx"
    assert display_name("Cafe\u0301 notes.odt") == "Café notes.odt"
    long = display_name("x" * 300 + ".xlsx")
    assert len(long) == 255 and long.endswith(".xlsx")


def test_a_download_is_named_with_the_extension_its_content_deserves():
    assert download_name("Budget 2026.PDF", "Budget", "pdf") == "Budget 2026.pdf"
    assert download_name("minutes.html", "Minutes", "pdf") == "minutes.pdf"
    assert download_name("", "Quarterly report", "xlsx") == "Quarterly report.xlsx"
    assert download_name("", "", "odt") == "paper.odt"


def test_content_disposition_is_an_attachment_with_an_ascii_fallback_and_the_real_name():
    assert content_disposition("Budget 2026.pdf") == (
        "attachment; filename=\"Budget 2026.pdf\"; filename*=UTF-8''Budget%202026.pdf"
    )
    header = content_disposition('বাজেট "final"; x.pdf')
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and '"' not in fallback and ";" not in fallback
    assert header.endswith(
        "filename*=UTF-8''%E0%A6%AC%E0%A6%BE%E0%A6%9C%E0%A7%87%E0%A6%9F%20%22final%22%3B%20x.pdf"
    )
    assert content_disposition("Café.pdf").startswith('attachment; filename="Cafe.pdf"')


def test_the_pack_renderer_may_only_load_files_under_static():
    assert static_file_for("https://govhub.invalid/static/css/pack.css").name == "pack.css"
    for url in [
        "https://govhub.invalid/static/../pyproject.toml",
        "https://govhub.invalid/static/%2e%2e/pyproject.toml",
        "https://govhub.invalid/pyproject.toml",
        "https://example.org/static/css/pack.css",
        "file:///etc/passwd",
        "https://govhub.invalid/static/css/missing.css",
    ]:
        assert static_file_for(url) is None, url


def test_meeting_times_read_like_gov_uk_in_london_time():
    london = ZoneInfo("Europe/London")
    start = dt.datetime(2026, 7, 7, 17, 0, tzinfo=dt.UTC)  # 6pm in summer time
    assert format_when(start, start + dt.timedelta(hours=1, minutes=30), london) == (
        "Tuesday 7 July 2026, 6pm to 7:30pm"
    )
    noon = dt.datetime(2026, 1, 6, 12, 0, tzinfo=dt.UTC)
    assert format_when(noon, None, london) == "Tuesday 6 January 2026, midday"

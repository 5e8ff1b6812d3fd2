"""Agenda packs: the public pack leaves confidential items out; the members' pack marks them."""

import io
import sys

import pytest
from pypdf import PdfReader

from govhub.meetings.tables import Paper
from tests.integration.meetings.test_papers import board, docx_bytes, own_var_dir, pdf_bytes, upload

pytestmark = pytest.mark.pdf  # WeasyPrint's system libraries: see tests/conftest.py

__all__ = ["board", "own_var_dir"]  # fixtures shared with the papers tests

SECRET_TITLE = "Proposed closure of Mile End clinic"


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
async def papers(board):
    """A PDF and a Word paper on the public item, and a PDF on the confidential one."""
    meeting, secretary = board["meeting"], board["secretary"]
    for item, title, file in [
        (board["item"], "Budget report", ("budget.pdf", pdf_bytes(), "application/pdf")),
        (board["item"], "Savings plan", ("savings.docx", docx_bytes(), "application/octet-stream")),
        (
            board["secret"],
            "Closure options appraisal",
            ("closure.pdf", pdf_bytes("Appraisal of closure options"), "application/pdf"),
        ),
    ]:
        response = await upload(secretary, meeting, item, title=title, file=file)
        assert response.status_code == 303, response.text
    return board


async def test_the_public_pack_pdf_leaves_the_confidential_item_out_entirely(papers):
    response = await papers["public"].get(f"/meetings/{papers['meeting'].id}/pack.pdf")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="health-and-wellbeing-board-2026-03-03-agenda-pack.pdf"'
    )
    text = pdf_text(response)
    assert "Public agenda pack" in text
    assert "Budget monitoring" in text
    assert SECRET_TITLE not in text and "Mile End" not in text
    assert "Closure options" not in text and "Appraisal of closure options" not in text
    assert "confidential" not in text.lower()
    # The attached PDF paper's own text is in the pack; the Word paper is listed to download.
    assert "Budget monitoring, quarter 3" in text
    assert "Savings plan" in text and "available to download" in text
    assert "Page 1 of" in text


async def test_the_members_pack_includes_the_confidential_item_marked_confidential(papers):
    response = await papers["member"].get(f"/meetings/{papers['meeting'].id}/pack.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response.headers["cache-control"]
    assert "-members.pdf" in response.headers["content-disposition"]
    text = pdf_text(response)
    assert SECRET_TITLE in text
    assert "CONFIDENTIAL" in text  # the mark on the item (set in capitals by the stylesheet)
    assert "Members\u2019 pack: includes confidential items" in text
    assert "Appraisal of closure options" in text  # its paper is appended too
    assert "Page 1 of" in text


async def test_the_pack_pdf_is_tagged_has_a_contents_list_and_bookmarks_for_papers(papers):
    response = await papers["member"].get(f"/meetings/{papers['meeting'].id}/pack.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root.get("/Lang") == "en"
    first_pages = reader.pages[0].extract_text()
    assert "Contents" in first_pages
    assert "1. Budget monitoring" in first_pages
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "1. Budget report" in outline
    assert f"2. {'Closure options appraisal'}" in outline
    # "Page n of N" counts the appended papers' pages, and the contents say where each starts.
    assert f"Page 1 of {len(reader.pages)}" in first_pages
    budget_starts = len(reader.pages) - 1  # two one-page papers close the pack
    assert reader.pages[budget_starts - 1].extract_text().strip() == "Budget monitoring, quarter 3"
    contents_line = first_pages.split("Budget report (item 1)")[1].splitlines()[0]
    assert contents_line.rstrip().endswith(f".. {budget_starts}"), contents_line
    assert f"attached to this pack, from page {budget_starts}" in pdf_text(response)


async def test_the_html_pack_follows_the_same_rules(papers):
    url = f"/meetings/{papers['meeting'].id}/pack"
    public = await papers["public"].get(url)
    assert public.status_code == 200
    assert "Budget monitoring" in public.text
    assert SECRET_TITLE not in public.text and "Closure options" not in public.text
    assert 'href="/static/css/pack.css"' in public.text
    assert f'href="/meetings/{papers["meeting"].id}/pack.pdf"' in public.text

    members = await papers["member"].get(url)
    assert SECRET_TITLE in members.text
    assert '<p class="pack-confidential">Confidential</p>' in members.text


async def test_an_unpublished_agenda_has_no_pack_except_a_draft_preview_for_the_secretary(papers):
    await papers["meeting"].update_self({"agenda_state": "draft"})
    meeting_id = papers["meeting"].id
    for who in ["public", "member"]:
        for suffix in ["pack", "pack.pdf"]:
            response = await papers[who].get(f"/meetings/{meeting_id}/{suffix}")
            assert response.status_code == 404, (who, suffix)

    preview = await papers["secretary"].get(f"/meetings/{meeting_id}/pack")
    assert (
        preview.status_code == 200 and "Draft: this agenda has not been published" in preview.text
    )
    pdf = await papers["secretary"].get(f"/meetings/{meeting_id}/pack.pdf")
    assert pdf.status_code == 200
    assert "Draft" in pdf_text(pdf)
    assert "-draft.pdf" in pdf.headers["content-disposition"]


async def test_a_private_meeting_has_no_public_pack(board):
    await board["meeting"].update_self({"is_public": False})
    response = await board["public"].get(f"/meetings/{board['meeting'].id}/pack")
    missing = await board["public"].get("/meetings/999999/pack")
    assert response.status_code == missing.status_code == 404
    assert response.text == missing.text


async def test_a_broken_pdf_paper_is_listed_to_download_not_appended(papers, settings):
    paper = await Paper.objects().where(Paper.title == "Budget report").first()
    (settings.var_dir / "papers" / paper.stored_name).write_bytes(b"%PDF-1.7 but then nothing")
    response = await papers["public"].get(f"/meetings/{papers['meeting'].id}/pack.pdf")
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Budget report" in text and "Budget monitoring, quarter 3" not in text


async def test_without_weasyprint_the_pdf_answers_503_with_a_clear_message(papers, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    response = await papers["public"].get(f"/meetings/{papers['meeting'].id}/pack.pdf")
    assert response.status_code == 503
    assert "The PDF of this pack cannot be made at the moment" in response.text
    # The web page still works.
    assert (await papers["public"].get(f"/meetings/{papers['meeting'].id}/pack")).status_code == 200

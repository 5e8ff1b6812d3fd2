"""A secretary attaches papers to agenda items; people download the ones they may see."""

import datetime as dt
import functools
import hashlib
import io
import zipfile

import pytest

from govhub.audit.tables import AuditEntry
from govhub.meetings.tables import Paper
from tests.conftest import client_for, csrf_from

WRONG_TYPE = (
    "The selected file must be a PDF, Word (DOCX), OpenDocument text (ODT) or Excel (XLSX) file"
)


# Real (small) files of each accepted type.


@functools.cache
def pdf_bytes(text: str = "Budget monitoring, quarter 3") -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<html lang='en'><body><p>{text}</p></body></html>").write_pdf()


def _zip(entries: dict[str, str], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries[stored_first], zipfile.ZIP_STORED)
        for name, text in entries.items():
            if name != stored_first:
                archive.writestr(name, text)
    return out.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                '2006/content-types"><Override PartName="/word/document.xml" ContentType="'
                'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
                "/></Types>"
            ),
            "word/document.xml": (
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Draft strategy</w:t></w:r>'
                "</w:p></w:body></w:document>"
            ),
        }
    )


def xlsx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": '<?xml version="1.0"?><workbook><sheets/></workbook>',
        }
    )


def odt_bytes() -> bytes:
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": '<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": '<?xml version="1.0"?><manifest:manifest/>',
        },
        stored_first="mimetype",
    )


# The people and the meeting.


@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path, monkeypatch):
    """Each test stores its papers in a folder of its own, to see exactly what was written."""
    monkeypatch.setattr(settings, "var_dir", tmp_path)


@pytest.fixture
async def board(
    app,
    make_body,
    make_meeting,
    make_item,
    make_person,
    make_membership,
    make_user,
    signed_in_client,
):
    body = await make_body(name="Health and Wellbeing Board", slug="hwb")
    meeting = await make_meeting(
        body=body,
        title="Health and Wellbeing Board",
        agenda_state="published",
        starts_at=dt.datetime(2026, 3, 3, 18, tzinfo=dt.UTC),
    )
    item = await make_item(meeting, title="Budget monitoring")
    secret = await make_item(
        meeting, title="Proposed closure of Mile End clinic", is_confidential=True
    )
    clients = {}
    for role in ["secretary", "member"]:
        person = await make_person(name=role.title())
        await make_membership(person=person, body=body, role=role, start_date=dt.date(2024, 1, 1))
        clients[role] = await signed_in_client(await make_user(person=person))
    return {
        "body": body,
        "meeting": meeting,
        "item": item,
        "secret": secret,
        "public": client_for(app),
        **clients,
    }


def papers_url(meeting, item) -> str:
    return f"/manage/meetings/{meeting.id}/items/{item.id}/papers"


async def upload(client, meeting, item, *, title="Budget report", file=None, headers=None):
    """Post the upload form the way a browser would: multipart, with its CSRF field."""
    page = await client.get(papers_url(meeting, item))
    assert page.status_code == 200, page.text
    return await client.post(
        papers_url(meeting, item),
        data={"title": title, "_csrf": csrf_from(page.text)},
        files={"file": file} if file is not None else None,
        headers=headers,
    )


def stored_files(settings) -> list:
    folder = settings.var_dir / "papers"
    return (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )


async def test_an_html_file_renamed_pdf_is_refused_next_to_the_field_keeping_the_title(
    board, settings
):
    page = b"<!DOCTYPE html><html><body><script>alert('hi')</script></body></html>"
    response = await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        title="Budget report",
        file=("budget.pdf", page, "application/pdf"),
    )
    assert response.status_code == 400
    html = response.text
    item_id = board["item"].id
    assert "There is a problem" in html
    assert f'href="#paper-{item_id}-file"' in html
    assert f'<p id="paper-{item_id}-file-error" class="govuk-error-message">' in html
    assert WRONG_TYPE in html
    assert f'aria-describedby="paper-{item_id}-file-hint paper-{item_id}-file-error"' in html
    assert 'value="Budget report"' in html
    assert await Paper.count() == 0
    assert stored_files(settings) == []


async def test_an_11mb_file_reaches_the_form_and_is_refused_as_too_big(board, settings):
    big = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)
    response = await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        file=("big.pdf", big, "application/pdf"),
    )
    assert response.status_code == 400
    assert "The selected file must be smaller than 10MB" in response.text
    assert f'id="paper-{board["item"].id}-file-error"' in response.text
    assert await Paper.count() == 0
    assert stored_files(settings) == []


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_an_empty_file_no_file_and_no_title_are_each_explained(board):
    secretary, meeting, item = board["secretary"], board["meeting"], board["item"]
    empty = await upload(secretary, meeting, item, file=("notes.pdf", b"", "application/pdf"))
    assert empty.status_code == 400 and "The selected file is empty" in empty.text

    # A browser sends an empty file part with no name when nothing was chosen.
    none_chosen = await upload(secretary, meeting, item, file=("", b"", "application/octet-stream"))
    assert none_chosen.status_code == 400 and "Select a file" in none_chosen.text
    no_part = await upload(secretary, meeting, item)
    assert no_part.status_code == 400 and "Select a file" in no_part.text

    untitled = await upload(
        secretary, meeting, item, title="  ", file=("b.pdf", pdf_bytes(), "application/pdf")
    )
    assert untitled.status_code == 400
    assert "Enter the paper&#39;s title" in untitled.text
    assert await Paper.count() == 0


@pytest.mark.parametrize(
    ("filename", "make", "kind", "content_type"),
    [
        pytest.param("Budget 2026.pdf", pdf_bytes, "pdf", "application/pdf", marks=pytest.mark.pdf),
        (
            "Strategy.docx",
            docx_bytes,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Notes.odt", odt_bytes, "odt", "application/vnd.oasis.opendocument.text"),
        (
            "Figures.xlsx",
            xlsx_bytes,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
async def test_each_accepted_type_is_stored_audited_and_downloads_unchanged(
    board, settings, filename, make, kind, content_type
):
    data = make()
    # The browser's idea of the type does not matter: the content decides.
    response = await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        title="Quarter 3 figures",
        file=(filename, data, "application/octet-stream"),
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == papers_url(board["meeting"], board["item"])

    paper = await Paper.objects().first()
    assert (paper.kind, paper.title, paper.original_name) == (kind, "Quarter 3 figures", filename)
    assert paper.size == len(data) and paper.sha256 == hashlib.sha256(data).hexdigest()
    [stored] = stored_files(settings)
    assert stored.name == paper.stored_name and len(stored.name) == 32 and "." not in stored.name
    assert stored.read_bytes() == data

    entry = await AuditEntry.objects().where(AuditEntry.action == "paper.uploaded").first()
    assert entry.object_id == paper.id and entry.body == board["body"].id

    page = await board["public"].get(f"/meetings/{board['meeting'].id}/pack")
    link = f"/papers/{paper.id}/{filename.replace(' ', '%20')}"
    assert f'href="{link}"' in page.text
    download = await board["public"].get(link)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"].startswith(content_type)
    assert download.headers["content-disposition"].startswith("attachment; ")
    assert download.headers["x-content-type-options"] == "nosniff"


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_the_download_headers_name_the_file_safely_in_any_language(board):
    response = await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        title="স্বাস্থ্য প্রতিবেদন",
        file=('স্বাস্থ্য "report".pdf', pdf_bytes(), "application/pdf"),
    )
    assert response.status_code == 303
    paper = await Paper.objects().first()
    # The name in the address is cosmetic: the id decides.
    download = await board["public"].get(f"/papers/{paper.id}/anything.pdf")
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E0%A6%B8" in disposition and "%22report%22.pdf" in disposition
    assert disposition.isascii()
    assert download.headers["content-type"] == "application/pdf"


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_the_public_cannot_download_a_confidential_paper_and_cannot_tell_it_exists(board):
    secretary, public, member = board["secretary"], board["public"], board["member"]
    await upload(
        secretary,
        board["meeting"],
        board["secret"],
        title="Clinic closure options",
        file=("closure.pdf", pdf_bytes("Closure options"), "application/pdf"),
    )
    paper = await Paper.objects().first()

    hidden = await public.get(f"/papers/{paper.id}/closure.pdf")
    missing = await public.get(f"/papers/{paper.id + 1000}/closure.pdf")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    assert hidden.headers["content-type"] == missing.headers["content-type"]

    allowed = await member.get(f"/papers/{paper.id}/closure.pdf")
    assert allowed.status_code == 200 and allowed.content == pdf_bytes("Closure options")
    assert "no-store" in allowed.headers["cache-control"]

    # Someone signed in but not on the board is treated like the public.
    outsider = await public.get(f"/papers/{paper.id}/closure.pdf")
    assert outsider.status_code == 404


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_an_outsider_signed_in_is_refused_a_confidential_paper(
    board, make_user, signed_in_client
):
    await upload(
        board["secretary"],
        board["meeting"],
        board["secret"],
        file=("closure.pdf", pdf_bytes(), "application/pdf"),
    )
    paper = await Paper.objects().first()
    outsider = await signed_in_client(await make_user())
    assert (await outsider.get(f"/papers/{paper.id}/closure.pdf")).status_code == 404


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_papers_of_a_draft_agenda_are_only_for_those_who_manage_the_board(board):
    await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        file=("b.pdf", pdf_bytes(), "application/pdf"),
    )
    paper = await Paper.objects().first()
    await board["meeting"].update_self({"agenda_state": "draft"})
    url = f"/papers/{paper.id}/b.pdf"
    assert (await board["public"].get(url)).status_code == 404
    assert (await board["member"].get(url)).status_code == 404
    assert (await board["secretary"].get(url)).status_code == 200


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_only_the_secretary_may_upload_or_remove(board):
    meeting, item = board["meeting"], board["item"]
    member_page = await board["member"].get(papers_url(meeting, item))
    assert member_page.status_code == 404
    # A member who forges the form gets "not found" too, and nothing is stored.
    token_page = await board["member"].get("/account")
    response = await board["member"].post(
        papers_url(meeting, item),
        data={"title": "Sneaky", "_csrf": csrf_from(token_page.text)},
        files={"file": ("x.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 404
    assert await Paper.count() == 0
    # Signed out: sent to sign in.
    signed_out = await board["public"].get(papers_url(meeting, item))
    assert signed_out.status_code in (302, 303)
    assert signed_out.headers["location"].startswith("/sign-in")


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_removing_a_paper_deletes_the_row_and_the_file_and_is_audited(board, settings):
    secretary, meeting, item = board["secretary"], board["meeting"], board["item"]
    await upload(
        secretary,
        meeting,
        item,
        title="Old report",
        file=("old.pdf", pdf_bytes(), "application/pdf"),
    )
    paper = await Paper.objects().first()
    page = await secretary.get(papers_url(meeting, item))
    assert "Old report" in page.text
    response = await secretary.post(
        f"{papers_url(meeting, item)}/{paper.id}/remove",
        data={"_csrf": csrf_from(page.text), "return_to": f"/meetings/{meeting.id}"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}"
    assert await Paper.count() == 0
    assert stored_files(settings) == []
    entry = (
        await AuditEntry.objects()
        .output(load_json=True)
        .where(AuditEntry.action == "paper.removed")
        .first()
    )
    assert entry.object_id == paper.id and entry.before["title"] == "Old report"
    assert (await board["public"].get(f"/papers/{paper.id}/old.pdf")).status_code == 404


async def test_with_htmx_the_papers_block_is_swapped_in_place(board):
    secretary, meeting, item = board["secretary"], board["meeting"], board["item"]
    response = await upload(
        secretary,
        meeting,
        item,
        title="Performance dashboard",
        file=("dash.xlsx", xlsx_bytes(), "application/octet-stream"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<div id="papers-{item.id}"')
    assert "<html" not in html
    assert "Performance dashboard" in html and "(Excel," in html

    refused = await upload(
        secretary,
        meeting,
        item,
        title="Not a paper",
        file=("evil.pdf", b"<html></html>", "application/pdf"),
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 400
    assert WRONG_TYPE in refused.text and 'value="Not a paper"' in refused.text
    assert "<html" not in refused.text


@pytest.mark.pdf  # makes a PDF with WeasyPrint (tests/conftest.py)
async def test_the_papers_page_goes_back_where_it_came_from_but_only_within_the_site(board):
    secretary, meeting, item = board["secretary"], board["meeting"], board["item"]
    agenda = f"/manage/meetings/{meeting.id}/agenda"
    page = await secretary.get(f"{papers_url(meeting, item)}?return_to={agenda}")
    assert f'<a href="{agenda}" class="govuk-back-link">' in page.text
    assert f'name="return_to" value="{agenda}"' in page.text
    response = await secretary.post(
        papers_url(meeting, item),
        data={"title": "Report", "return_to": agenda, "_csrf": csrf_from(page.text)},
        files={"file": ("r.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 303 and response.headers["location"] == agenda

    elsewhere = await secretary.get(f"{papers_url(meeting, item)}?return_to=https://evil.example/")
    assert "evil.example" not in elsewhere.text


async def test_a_file_beyond_the_upload_limit_gets_the_too_big_page(board):
    huge = b"%PDF-1.7\n" + b"0" * (13 * 1024 * 1024)
    response = await upload(
        board["secretary"],
        board["meeting"],
        board["item"],
        file=("huge.pdf", huge, "application/pdf"),
    )
    # Litestar stops reading at the route's 12MB limit: the app's own "too big" page, not a
    # "form expired" one from the CSRF check that reads the form first.
    assert response.status_code == 413
    assert "What you sent is too big" in response.text
    assert "This form has expired" not in response.text
    assert await Paper.count() == 0


@pytest.mark.no_db
def test_the_papers_partial_needs_only_the_meeting_the_item_and_its_papers(settings):
    from types import SimpleNamespace

    from govhub.web.templating import make_environment

    env = make_environment(settings)
    meeting = SimpleNamespace(id=4)
    item = SimpleNamespace(id=9, title="Budget monitoring")
    paper = SimpleNamespace(
        id=12, title="Budget report", original_name="Budget 2026.pdf", kind="pdf", size=2_500_000
    )
    embed = env.from_string(
        "{% for item in items %}{% with papers=papers_by_item[item.id] %}"
        '{% include "meetings/_papers.html" %}{% endwith %}{% endfor %}'
    )
    html = embed.render(meeting=meeting, items=[item], papers_by_item={9: [paper]})
    assert '<a class="govuk-link" href="/papers/12/Budget%202026.pdf">Budget report</a>' in html
    assert "(PDF, 2.4 MB)" in " ".join(html.split())
    assert "<form" not in html  # reading, not managing

    managed = embed.render(
        meeting=meeting, items=[item], papers_by_item={9: []}, can_manage=True, return_to="/x"
    )
    assert 'action="/manage/meetings/4/items/9/papers"' in managed
    assert 'enctype="multipart/form-data"' in managed and 'name="return_to" value="/x"' in managed
    assert "This item has no papers yet." in managed

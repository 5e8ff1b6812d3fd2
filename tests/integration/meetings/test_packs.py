"""Agenda packs: complete for members, only what may be published for the public, built once
per version by a job and served from storage."""

import asyncio
import datetime as dt
import io
import re
import sys

import pytest
from pypdf import PdfReader

from govhub.meetings import packs_build
from govhub.meetings.packs import pack_for, pack_version
from govhub.meetings.tables import Action, Meeting, Paper
from tests.integration.meetings.test_papers import board, docx_bytes, own_var_dir, pdf_bytes, upload

pytestmark = pytest.mark.pdf  # WeasyPrint's system libraries: see tests/conftest.py

__all__ = ["board", "get_pack", "own_var_dir"]  # shared with the papers and confidentiality tests

SECRET_TITLE = "Proposed closure of Mile End clinic"
PAGE = re.compile(r"Page (\d+) of (\d+)")


async def get_pack(client, url: str, tries: int = 160):
    """The pack at ``url``, once built: while its job runs the route answers 202."""
    for _ in range(tries):
        response = await client.get(url)
        if response.status_code != 202:
            return response
        assert response.headers["retry-after"]
        await asyncio.sleep(0.25)
    pytest.fail(f"{url} was still being prepared")


def pages_text(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def pdf_text(response) -> str:
    return "\n".join(pages_text(response))


def many_pages_pdf(text: str, pages: int) -> bytes:
    import weasyprint

    sheets = "".join(
        f"<p style='break-after: page'>{text}, page {n}</p>" for n in range(1, pages + 1)
    )
    return weasyprint.HTML(string=f"<html lang='en'><body>{sheets}</body></html>").write_pdf()


@pytest.fixture
async def papers(board):
    """A PDF and a Word paper on the public item, a three-page PDF on the confidential one."""
    meeting, secretary = board["meeting"], board["secretary"]
    for item, title, file in [
        (board["item"], "Budget report", ("budget.pdf", pdf_bytes(), "application/pdf")),
        (board["item"], "Savings plan", ("savings.docx", docx_bytes(), "application/octet-stream")),
        (
            board["secret"],
            "Closure options appraisal",
            (
                "closure.pdf",
                many_pages_pdf("Appraisal of closure options", 3),
                "application/pdf",
            ),
        ),
    ]:
        response = await upload(secretary, meeting, item, title=title, file=file)
        assert response.status_code == 303, response.text
    return board


@pytest.fixture
async def record(papers, make_meeting, make_item):
    """The board's previous meeting, its minutes in draft, with actions; and an older one."""
    body = papers["body"]
    older = await make_meeting(
        body=body,
        title="Health and Wellbeing Board",
        starts_at=dt.datetime(2025, 12, 2, 18, tzinfo=dt.UTC),
        agenda_state="published",
        minutes_state="approved",
    )
    previous = await make_meeting(
        body=body,
        title="Health and Wellbeing Board",
        starts_at=dt.datetime(2026, 2, 3, 18, tzinfo=dt.UTC),
        agenda_state="published",
        minutes_state="draft",
    )
    item = await make_item(previous, title="Childhood obesity", notes="The board heard Dr Khan.")
    exempt = await make_item(
        previous, title="Estates review", notes="Site values noted.", is_confidential=True
    )
    await Action(
        body=body.id,
        meeting=older.id,
        description="Report back on school meals",
        owner_name="Ada Lovelace",
        due_date=dt.date(2026, 1, 31),
    ).save()
    await Action(
        body=body.id, meeting=previous.id, item=item.id, description="Write to the schools"
    ).save()
    await Action(
        body=body.id, meeting=previous.id, item=exempt.id, description="Value the clinic site"
    ).save()
    return {**papers, "previous": previous, "older": older}


def pack_url(meeting, suffix="pack.pdf") -> str:
    return f"/meetings/{meeting.id}/{suffix}"


async def test_the_members_pack_is_complete_and_numbered_on_every_page(record):
    response = await get_pack(record["member"], pack_url(record["meeting"]))
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    assert "-members.pdf" in response.headers["content-disposition"]
    pages = pages_text(response)
    text = "\n".join(pages)
    assert "Page 1 of" in pages[0] and "Contents" in pages[0]
    # Cover, agenda, the previous minutes for approval, the action log, then the papers.
    assert SECRET_TITLE in text
    assert "Minutes of the previous meeting" in text
    assert "Draft minutes, for approval at this meeting" in text
    assert "The board heard Dr Khan." in text and "Site values noted." in text
    assert "Action log and matters arising" in text
    assert "Report back on school meals: Ada Lovelace" in text
    assert "due 31 January 2026 Overdue" in " ".join(text.split())
    assert "Write to the schools" in text and "Value the clinic site" in text
    assert "Appraisal of closure options, page 3" in text
    # Every page is numbered "n of m", in order, and holds more than its number: no blank pages.
    for n, page in enumerate(pages, start=1):
        assert PAGE.findall(page) == [(str(n), str(len(pages)))], page
        assert PAGE.sub("", page).strip(), f"page {n} is blank"


async def test_every_page_of_a_confidential_paper_is_banded_confidential(record):
    response = await get_pack(record["member"], pack_url(record["meeting"]))
    pages = pages_text(response)
    appraisal = [n for n, page in enumerate(pages) if "Appraisal of closure options" in page]
    assert len(appraisal) == 3
    divider = appraisal[0] - 1
    assert "Papers for this item" in pages[divider]
    for n in [divider, *appraisal]:
        assert "CONFIDENTIAL: NOT FOR PUBLICATION" in pages[n], n
    budget = next(n for n, page in enumerate(pages) if "Budget monitoring, quarter 3" in page)
    assert "CONFIDENTIAL" not in pages[budget]
    # The contents say where each paper begins, and it does begin there.
    contents = pages[0]
    line = contents.split("Closure options appraisal (item 2)")[1].splitlines()[0]
    assert line.rstrip().endswith(f".. {appraisal[0] + 1}"), line
    assert f"from page {budget + 1}" in "\n".join(pages)


async def test_the_public_pack_holds_only_what_the_public_may_read(record):
    response = await get_pack(record["public"], pack_url(record["meeting"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="health-and-wellbeing-board-2026-03-03-agenda-pack.pdf"'
    )
    pages = pages_text(response)
    text = "\n".join(pages)
    assert "Public agenda pack" in text and "Budget monitoring" in text
    assert "Budget monitoring, quarter 3" in text  # the public PDF paper is bound in
    assert "Savings plan" in text and "available to download" in text
    # The exempt item keeps its number and nothing else; its paper is not there.
    assert "Item 2: not for publication" in text
    assert SECRET_TITLE not in text and "Mile End" not in text
    assert "Closure options" not in text and "Appraisal of closure options" not in text
    assert "confidential" not in text.lower()
    # Draft minutes and their actions are not published; the approved record's are.
    assert "The board heard Dr Khan." not in text and "Write to the schools" not in text
    assert "will be published once they have been approved" in text
    assert "Value the clinic site" not in text and "Site values noted." not in text
    for n, page in enumerate(pages, start=1):
        assert PAGE.findall(page) == [(str(n), str(len(pages)))]


async def test_approved_minutes_reach_the_public_pack_without_their_exempt_items(record):
    await record["previous"].update_self({"minutes_state": "approved"})
    text = pdf_text(await get_pack(record["public"], pack_url(record["meeting"])))
    assert "Approved minutes" in text and "The board heard Dr Khan." in text
    assert "Write to the schools" in text
    assert "Estates review" not in text and "Site values noted." not in text
    assert "Value the clinic site" not in text


async def stored_members_pack(meeting_id: int, settings):
    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == meeting_id).first()
    version = pack_version(await pack_for(meeting, for_members=True))
    return settings.var_dir / "packs" / str(meeting_id) / f"{version}-members.pdf"


async def test_a_pack_is_built_once_per_version_and_again_when_a_paper_changes(record, settings):
    url = pack_url(record["meeting"])
    first = await get_pack(record["member"], url)
    stored = await stored_members_pack(record["meeting"].id, settings)
    assert stored.read_bytes() == first.content
    built = stored.stat()
    again = await record["member"].get(url)
    assert again.status_code == 200 and again.content == first.content
    assert (stored.stat().st_ino, stored.stat().st_mtime_ns) == (built.st_ino, built.st_mtime_ns)
    # The job a second time changes nothing.
    await packs_build.build_meeting_packs({}, record["meeting"].id)
    assert stored.stat().st_mtime_ns == built.st_mtime_ns

    response = await upload(
        record["secretary"],
        record["meeting"],
        record["item"],
        title="Revised forecast",
        file=("forecast.pdf", pdf_bytes("Revised forecast figures"), "application/pdf"),
    )
    assert response.status_code == 303
    rebuilt = await get_pack(record["member"], url)
    assert "Revised forecast figures" in pdf_text(rebuilt)
    assert await stored_members_pack(record["meeting"].id, settings) != stored
    assert stored.exists()  # a download that began before may still be reading it


async def test_while_a_pack_is_being_built_the_route_says_so(record, monkeypatch):
    async def not_yet(meeting_id, preview=False):
        return None

    monkeypatch.setattr(packs_build, "queue_pack_build", not_yet)
    page = await record["public"].get(pack_url(record["meeting"]), headers={"accept": "text/html"})
    assert page.status_code == 202
    assert page.headers["retry-after"] == "5" and page.headers["refresh"] == "5"
    assert "The agenda pack is being prepared" in page.text
    assert f'href="/meetings/{record["meeting"].id}/pack.pdf"' in page.text
    plain = await record["public"].get(pack_url(record["meeting"]))
    assert plain.status_code == 202 and plain.headers["content-type"].startswith("text/plain")


async def test_publishing_the_agenda_queues_the_packs(board, settings, monkeypatch):
    queued = []

    async def record_queued(meeting_id):
        queued.append(meeting_id)

    monkeypatch.setattr("govhub.meetings.agenda.queue_pack_build", record_queued)
    from govhub.governance.principal import Principal
    from govhub.meetings.agenda import publish_agenda

    meeting = await Meeting.objects(Meeting.body).where(Meeting.id == board["meeting"].id).first()
    await meeting.update_self({"agenda_state": "draft"})
    await publish_agenda(Principal(is_admin=True), meeting)
    assert queued == [meeting.id]


async def test_the_pack_pdf_is_tagged_has_a_contents_list_and_bookmarks_for_papers(papers):
    response = await get_pack(papers["member"], pack_url(papers["meeting"]))
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root.get("/Lang") == "en"
    first_page = reader.pages[0].extract_text()
    assert "Contents" in first_page and "1. Budget monitoring" in first_page
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "1. Budget report" in outline
    assert "2. Closure options appraisal" in outline


async def test_the_html_pack_follows_the_same_rules(record):
    url = pack_url(record["meeting"], "pack")
    public = await record["public"].get(url)
    assert public.status_code == 200
    assert "Budget monitoring" in public.text and "Item 2: not for publication" in public.text
    assert SECRET_TITLE not in public.text and "Closure options" not in public.text
    assert "Value the clinic site" not in public.text
    assert 'href="/static/css/pack.css"' in public.text
    assert f'href="/meetings/{record["meeting"].id}/pack.pdf"' in public.text

    members = await record["member"].get(url)
    assert SECRET_TITLE in members.text
    assert '<p class="pack-confidential">Confidential</p>' in members.text
    assert "The board heard Dr Khan." in members.text and "Value the clinic site" in members.text


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
    pdf = await get_pack(papers["secretary"], f"/meetings/{meeting_id}/pack.pdf")
    assert pdf.status_code == 200
    assert "Draft" in pdf_text(pdf)
    assert "-draft.pdf" in pdf.headers["content-disposition"]


async def test_a_private_meeting_has_no_public_pack(board):
    await board["meeting"].update_self({"is_public": False})
    response = await board["public"].get(f"/meetings/{board['meeting'].id}/pack")
    missing = await board["public"].get("/meetings/999999/pack")
    assert response.status_code == missing.status_code == 404
    assert response.text == missing.text


async def test_a_broken_pdf_paper_is_listed_to_download_not_bound_in(papers, settings):
    paper = await Paper.objects().where(Paper.title == "Budget report").first()
    (settings.var_dir / "papers" / paper.stored_name).write_bytes(b"%PDF-1.7 but then nothing")
    await paper.update_self({"sha256": "0" * 64})  # as a replaced file would be
    response = await get_pack(papers["public"], pack_url(papers["meeting"]))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Budget report" in text and "Budget monitoring, quarter 3" not in text


async def test_without_weasyprint_the_pdf_answers_503_with_a_clear_message(papers, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    await papers["meeting"].update_self({"venue": "Mulberry Place"})  # a version not built yet
    response = await papers["public"].get(pack_url(papers["meeting"]))
    assert response.status_code == 503
    assert "The PDF of this pack cannot be made at the moment" in response.text
    # The web page still works.
    assert (await papers["public"].get(pack_url(papers["meeting"], "pack"))).status_code == 200


async def test_the_version_changes_with_what_the_pack_shows_and_nothing_else(record):
    async def version():
        meeting = await Meeting.objects(Meeting.body).where(Meeting.id == record["meeting"].id)
        return pack_version(await pack_for(meeting[0], for_members=True))

    before = await version()
    await record["meeting"].update_self({"invites_sent_at": dt.datetime.now(dt.UTC), "sequence": 7})
    assert await version() == before
    action = await Action.objects().where(Action.description == "Write to the schools").first()
    await action.update_self({"status": "done", "completed_on": dt.date(2026, 2, 20)})
    assert await version() != before


async def test_a_draft_agendas_packs_are_built_only_for_a_preview(papers, settings):
    await papers["meeting"].update_self({"agenda_state": "draft"})
    assert await packs_build.build_meeting_packs({}, papers["meeting"].id) == []


async def test_a_pack_that_fails_to_build_is_said_to_be_unavailable(papers, monkeypatch):
    async def broken(pack):
        raise RuntimeError("the layout failed")

    monkeypatch.setattr(packs_build, "render_pack_pdf", broken)
    await papers["meeting"].update_self({"venue": "Mulberry Place"})  # a version not built yet
    response = await get_pack(papers["public"], pack_url(papers["meeting"]))
    assert response.status_code == 503
    assert "The PDF of this pack cannot be made at the moment" in response.text
    again = await papers["public"].get(pack_url(papers["meeting"]))
    assert again.status_code == 503  # said at once, not built again on every request

"""What is confidential stays so on every public page, file, feed and pack (issue 12).

A unique marker is planted in every confidential kind of thing: an exempt agenda item (its
title, description and minutes notes), its paper (title and file), an action and a decision
on it, a private meeting's title, a private body's meeting, and the actions and notes of
minutes still in draft. Then every public GET route is walked, with real ids and slugs in its
path: no marker may appear in any answer, PDF text included. A member of the body, signed in,
does see them where members may.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from govhub.governance.tables import Person
from govhub.meetings.tables import (
    Action,
    AgendaChange,
    AgendaSupplement,
    Decision,
    Meeting,
    Paper,
)
from tests.conftest import client_for
from tests.integration.meetings.test_packs import get_pack
from tests.integration.meetings.test_papers import own_var_dir, pdf_bytes, upload

__all__ = ["own_var_dir"]

MARKERS = {
    "exempt item": "QZXEXEMPTTITLE",
    "exempt item description": "QZXEXEMPTDESC",
    "exempt item notes": "QZXEXEMPTNOTES",
    "exempt paper title": "QZXPAPERTITLE",
    "exempt paper text": "QZXPAPERTEXT",
    "confidential action": "QZXCONFACTION",
    "confidential decision": "QZXCONFDECISION",
    "private meeting": "QZXPRIVATEMEETING",
    "private meeting action": "QZXPRIVATEACTION",
    "private body": "QZXPRIVATEBODY",
    "private body meeting": "QZXPRIVBODYMEETING",
    "draft minutes action": "QZXDRAFTACTION",
    "draft minutes notes": "QZXDRAFTNOTES",
    "exempt item added in a supplement": "QZXSUPPLEMENTITEM",
    "exempt item's paper named in a supplement": "QZXSUPPLEMENTPAPER",
}

# Routes for signed-in people only, or that are not pages of the partnership's record.
NOT_PUBLIC = ("/admin", "/manage", "/account", "/congress", "/api", "/static", "/dashboard")
NOT_PUBLIC_EXACT = {
    "/sign-in",
    "/sign-in/code",
    "/password-reset",
    "/password-reset/{token:str}",
    "/language/{code:str}",
    "/calendar/{feed:str}",  # a person's own feed (secret address); checked as the member
    "/healthz",
    "/robots.txt",
}


def _at(days: int, hour: int = 18) -> dt.datetime:
    base = dt.datetime.now(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


@pytest.fixture
async def record(
    app,
    make_body,
    make_meeting,
    make_item,
    make_person,
    make_membership,
    make_user,
    signed_in_client,
):
    """A public board with a past meeting (approved minutes with an exempt item), a private
    meeting, a meeting whose minutes are in draft, and a coming meeting whose matters
    arising list the open actions; and a private body with a meeting of its own."""
    body = await make_body(name="Health and Wellbeing Board", slug="hwb")
    hidden = await make_body(name=f"Commissioning panel {MARKERS['private body']}", is_public=False)
    secretary = await make_person(name="Sam Secretary")
    member = await make_person(name="Mo Member")
    for person, role in [(secretary, "secretary"), (member, "member")]:
        await make_membership(person=person, body=body, role=role, start_date=dt.date(2024, 1, 1))
    await make_membership(person=member, body=hidden, start_date=dt.date(2024, 1, 1))

    past = await make_meeting(
        body=body,
        title="Health and Wellbeing Board",
        starts_at=_at(-60),
        agenda_state="published",
        minutes_state="approved",
    )
    public_item = await make_item(past, title="Budget monitoring", notes="Budget noted.")
    exempt = await make_item(
        past,
        title=f"Clinic closure {MARKERS['exempt item']}",
        description=MARKERS["exempt item description"],
        notes=MARKERS["exempt item notes"],
        is_confidential=True,
    )
    await Action(
        body=body.id, meeting=past.id, item=exempt.id, description=MARKERS["confidential action"]
    ).save()
    await Action(
        body=body.id, meeting=past.id, item=public_item.id, description="Publish the budget"
    ).save()
    await Decision(meeting=past.id, item=exempt.id, text=MARKERS["confidential decision"]).save()

    private = await make_meeting(
        body=body,
        title=f"Away day {MARKERS['private meeting']}",
        is_public=False,
        starts_at=_at(-40),
        agenda_state="published",
        minutes_state="approved",
    )
    private_item = await make_item(private, title="Team building")
    # The past meeting's minutes were approved at the private one: its title must not show.
    past.minutes_approved_at = private.id
    await past.save([Meeting.minutes_approved_at])
    await Action(
        body=body.id,
        meeting=private.id,
        item=private_item.id,
        description=MARKERS["private meeting action"],
    ).save()

    drafted = await make_meeting(
        body=body,
        title="Health and Wellbeing Board",
        starts_at=_at(-20),
        agenda_state="published",
        minutes_state="draft",
    )
    draft_item = await make_item(drafted, title="Air quality", notes=MARKERS["draft minutes notes"])
    await Action(
        body=body.id,
        meeting=drafted.id,
        item=draft_item.id,
        description=MARKERS["draft minutes action"],
    ).save()

    coming = await make_meeting(
        body=body, title="Health and Wellbeing Board", starts_at=_at(20), agenda_state="published"
    )
    await make_item(coming, title="Minutes of the last meeting", standard="minutes")
    await make_item(coming, title="Matters arising", standard="matters_arising")
    await make_item(coming, title="Exempt follow-up", is_confidential=True)
    # Added after publication and published in a supplement, which lists what changed.
    late = await make_item(
        coming,
        title=f"Late exempt {MARKERS['exempt item added in a supplement']}",
        is_confidential=True,
        number="3a",
    )
    supplement = AgendaSupplement(meeting=coming.id, number=1)
    await supplement.save()
    for kind, detail in [
        ("added", ""),
        ("paper_added", MARKERS["exempt item's paper named in a supplement"]),
    ]:
        await AgendaChange(
            meeting=coming.id,
            supplement=supplement.id,
            item=late.id,
            kind=kind,
            number="3a",
            detail=detail,
        ).save()

    await make_meeting(
        body=hidden,
        title=f"Panel {MARKERS['private body meeting']}",
        starts_at=_at(10),
        agenda_state="published",
    )

    secretary_client = await signed_in_client(await make_user(person=secretary))
    response = await upload(
        secretary_client,
        past,
        exempt,
        title=f"Options appraisal {MARKERS['exempt paper title']}",
        file=("options.pdf", pdf_bytes(MARKERS["exempt paper text"]), "application/pdf"),
    )
    assert response.status_code == 303, response.text
    return {
        "app": app,
        "body": body,
        "hidden": hidden,
        "meetings": [past, private, drafted, coming],
        "member": await signed_in_client(await make_user(person=member)),
    }


def _text(response) -> str:
    if response.headers.get("content-type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    return response.text


async def _public_urls(app, record) -> list[str]:
    """Every public GET route, each path parameter filled with every real value it can take."""
    meetings = await Meeting.select(Meeting.id)
    papers = await Paper.select(Paper.id, Paper.original_name)
    values = {
        "slug": [record["body"].slug, record["hidden"].slug],
        "meeting_id": [str(m["id"]) for m in meetings],
        "number": ["1"],
        # An answer link without its signature is not found (tests/integration/meetings/test_rsvp).
        "person_id": [str(p["id"]) for p in await Person.select(Person.id)],
        "answer": ["attending", "apologies", "substitute"],
    }
    urls: set[str] = set()
    for route in app.routes:
        path = route.path
        if "GET" not in getattr(route, "methods", ()) or path in NOT_PUBLIC_EXACT:
            continue
        if path.startswith(NOT_PUBLIC):
            continue
        if path == "/papers/{paper_id:int}/{filename:str}":
            urls.update(f"/papers/{p['id']}/{p['original_name'] or 'paper.pdf'}" for p in papers)
            continue
        params = re.findall(r"\{(\w+):\w+\}", path)
        if any(p not in values for p in params):
            pytest.fail(f"no values to walk {path}: add them to this test")
        filled = [path]
        for name in params:
            filled = [
                re.sub(rf"\{{{name}:\w+\}}", value, url) for url in filled for value in values[name]
            ]
        urls.update(filled)
    # Filters and views a visitor can ask for.
    urls.update(
        {"/meetings?when=past", "/meetings?when=all", f"/bodies/{record['body'].slug}?show=past"}
    )
    return sorted(urls)


async def test_no_confidential_marker_reaches_any_public_page_file_or_feed(record):
    app = record["app"]
    visitor = client_for(app)
    seen_ok = packs_read = 0
    leaks = []
    for url in await _public_urls(app, record):
        response = await get_pack(visitor, url)  # a pack's PDF is built first (202 until then)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code != 200:
            continue
        seen_ok += 1
        packs_read += url.endswith("/pack.pdf")
        text = _text(response)
        leaks += [f"{url}: {kind}" for kind, marker in MARKERS.items() if marker in text]
    assert seen_ok > 15, "the walk reached too few public pages to mean anything"
    assert packs_read >= 3, "the walk read too few public packs"
    assert not leaks, "confidential matter on public pages:\n" + "\n".join(leaks)


async def test_the_public_sees_an_exempt_item_in_its_place_with_its_reason(record):
    past = record["meetings"][0]
    page = (await client_for(record["app"]).get(f"/meetings/{past.id}")).text
    assert "2. Item not for publication" in page
    assert "paragraph 3 of Schedule 12A" in page
    assert MARKERS["exempt item"] not in page
    coming = record["meetings"][3]
    page = (await client_for(record["app"]).get(f"/meetings/{coming.id}")).text
    assert "Supplementary agenda published on" in page
    assert "Item 3a added (not for publication)" in page
    assert "Paper added to item 3a" in page


async def test_members_see_what_is_confidential_where_members_may(record):
    member = record["member"]
    past = record["meetings"][0]
    agenda = (await member.get(f"/meetings/{past.id}")).text
    assert MARKERS["exempt item"] in agenda
    minutes = (await member.get(f"/meetings/{past.id}/minutes")).text
    assert MARKERS["confidential decision"] in minutes
    assert MARKERS["exempt item notes"] in minutes
    actions = (await member.get(f"/bodies/{record['body'].slug}/actions")).text
    assert MARKERS["confidential action"] in actions
    assert MARKERS["private meeting action"] in actions
    assert MARKERS["private meeting"] in (await member.get("/meetings?when=all")).text
    assert MARKERS["private body meeting"] in (await member.get("/meetings")).text
    coming = (await member.get(f"/meetings/{record['meetings'][3].id}")).text
    assert MARKERS["exempt item added in a supplement"] in coming
    assert MARKERS["exempt item's paper named in a supplement"] in coming
    pack = await get_pack(member, f"/meetings/{past.id}/pack.pdf")
    assert pack.status_code == 200
    assert MARKERS["exempt paper text"] in _text(pack)
    # The coming meeting's pack: the draft minutes for approval, and the whole action log.
    coming = _text(await get_pack(member, f"/meetings/{record['meetings'][3].id}/pack.pdf"))
    for kind in ["draft minutes notes", "draft minutes action", "confidential action"]:
        assert MARKERS[kind] in coming, kind

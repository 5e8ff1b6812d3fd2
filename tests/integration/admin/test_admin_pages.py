"""An admin looks after organisations, people, bodies and memberships; every change is audited."""

import datetime as dt

import pyotp
import pytest

from govhub.audit.tables import AuditEntry
from govhub.governance.tables import Body, BodyCallToAction, Membership, Organisation, Person
from tests.conftest import csrf_from


@pytest.fixture
async def admin(make_user, signed_in_client):
    return await signed_in_client(await make_user(admin=True, totp_secret=pyotp.random_base32()))


async def post_form(client, form_url: str, action: str, **data):
    page = await client.get(form_url)
    return await client.post(action, data={**data, "_csrf": csrf_from(page.text)})


async def test_bad_input_is_explained_next_to_the_field_and_nothing_typed_is_lost(admin):
    response = await post_form(
        admin,
        "/admin/organisations/new",
        "/admin/organisations/new",
        name="",
        short_name="ELBA",
        sector="nonsense",
        website="not a url",
    )
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html
    for message in [
        "Enter the organisation&#39;s name",
        "Choose the organisation&#39;s sector",
        "Enter a web address starting with https://",
    ]:
        assert message in html
    assert 'value="ELBA"' in html and 'value="not a url"' in html
    assert 'id="name-error"' in html and 'aria-describedby="name-error"' in html
    assert await Organisation.count() == 0


async def test_an_admin_adds_an_organisation_a_person_and_a_board_with_its_calls_to_action(
    admin, make_org
):
    from govhub.demo import seed_demo

    await seed_demo()
    await post_form(
        admin,
        "/admin/organisations/new",
        "/admin/organisations/new",
        name="Poplar Harca",
        sector="housing",
        website="https://example.org",
    )
    assert await Organisation.exists().where(Organisation.slug == "poplar-harca")
    duplicate = await post_form(
        admin,
        "/admin/organisations/new",
        "/admin/organisations/new",
        name="Poplar HARCA",
        sector="housing",
    )
    assert "already exists" in duplicate.text

    await post_form(
        admin,
        "/admin/people/new",
        "/admin/people/new",
        name="Nadia Rahman",
        email="Nadia@Example.org",
        phone="020 7364 5000",
    )
    assert (
        await Person.objects().where(Person.email == "nadia@example.org").first()
    ).name == "Nadia Rahman"

    peg = await Body.objects().where(Body.slug == "partnership-executive-group").first()
    page = await admin.get("/admin/bodies/new")
    response = await admin.post(
        "/admin/bodies/new",
        data={
            "name": "Digital Inclusion Board",
            "kind": "thematic_board",
            "reports_to": str(peg.id),
            "purpose": "Everyone online.",
            "is_public": "yes",
            "calls_to_action": ["1", "4"],
            "_csrf": csrf_from(page.text),
        },
    )
    assert response.status_code == 303
    board = await Body.objects().where(Body.slug == "digital-inclusion-board").first()
    assert board.reports_to == peg.id
    assert await BodyCallToAction.count().where(BodyCallToAction.body == board.id) == 2
    assert "Digital Inclusion Board" in (await admin.get("/bodies")).text


async def test_a_body_cannot_be_made_to_report_into_its_own_child(admin, make_body):
    parent = await make_body(name="Parent", slug="parent")
    child = await make_body(name="Child", slug="child", reports_to=parent.id)
    response = await post_form(
        admin,
        f"/admin/bodies/{parent.id}",
        f"/admin/bodies/{parent.id}",
        name="Parent",
        kind="thematic_board",
        reports_to=str(child.id),
    )
    assert response.status_code == 400
    assert "That body already reports into this one" in response.text


async def test_memberships_are_added_changed_and_ended_never_deleted_and_all_audited(
    admin, make_body, make_org
):
    board = await make_body(name="Board A", slug="board-a")
    org = await make_org(name="THCVS", slug="thcvs")
    url = "/manage/bodies/board-a"
    missing_name = await post_form(
        admin,
        url,
        f"{url}/memberships",
        email="new@example.org",
        organisation=str(org.id),
        role="member",
        start_date="2025-04-01",
    )
    assert "Enter the member&#39;s full name" in missing_name.text
    assert 'value="new@example.org"' in missing_name.text

    bad_date = await post_form(
        admin,
        url,
        f"{url}/memberships",
        email="new@example.org",
        name="Hodan Abdi",
        organisation=str(org.id),
        role="member",
        start_date="31/02/2025",
    )
    assert "The start date must be a real date" in bad_date.text

    added = await post_form(
        admin,
        url,
        f"{url}/memberships",
        email="new@example.org",
        name="Hodan Abdi",
        organisation=str(org.id),
        role="member",
        start_date="2025-04-01",
    )
    assert added.status_code == 303
    membership = await Membership.objects().where(Membership.body == board.id).first()

    changed = await post_form(admin, url, f"{url}/memberships/{membership.id}/role", role="chair")
    assert changed.status_code == 303
    fragment = await post_form(
        admin, url, f"{url}/memberships/{membership.id}/role", role="vice_chair"
    )
    assert fragment.status_code == 303

    too_early = await post_form(
        admin, url, f"{url}/memberships/{membership.id}/end", end_date="2025-01-01"
    )
    assert "The end date must be the same as or after the start date" in too_early.text
    ended = await post_form(
        admin, url, f"{url}/memberships/{membership.id}/end", end_date="2025-12-31"
    )
    assert ended.status_code == 303

    kept = await Membership.objects().where(Membership.id == membership.id).first()
    assert kept.end_date == dt.date(2025, 12, 31) and kept.role == "vice_chair"
    assert "Hodan Abdi" in (await admin.get(url)).text.split("Former members")[1]

    actions = [
        e["action"] for e in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)
    ]
    assert actions == [
        "person.created",
        "membership.added",
        "membership.role_changed",
        "membership.role_changed",
        "membership.ended",
    ]
    ended_entry = (
        await AuditEntry.objects()
        .output(load_json=True)
        .where(AuditEntry.action == "membership.ended")
        .first()
    )
    assert ended_entry.before["end_date"] is None
    assert ended_entry.after["end_date"] == "2025-12-31"
    assert ended_entry.body == board.id and ended_entry.actor is not None


async def test_htmx_role_change_swaps_only_the_members_section(admin, make_membership, make_body):
    board = await make_body(name="Board A", slug="board-a")
    membership = await make_membership(body=board)
    page = await admin.get("/manage/bodies/board-a")
    response = await admin.post(
        f"/manage/bodies/board-a/memberships/{membership.id}/role",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(page.text)},
        data={"role": "observer"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="current"')
    assert "Observer" in response.text


async def test_the_audit_log_filters_by_body_and_date(admin, make_body, make_org):
    a = await make_body(name="Board A", slug="board-a")
    await make_body(name="Board B", slug="board-b")
    org = await make_org()
    for slug, email in [("board-a", "one@example.org"), ("board-b", "two@example.org")]:
        await post_form(
            admin,
            f"/manage/bodies/{slug}",
            f"/manage/bodies/{slug}/memberships",
            email=email,
            name=email.split("@")[0].title(),
            organisation=str(org.id),
            role="member",
            start_date="2025-04-01",
        )
    page = await admin.get(f"/admin/audit?board={a.id}")
    assert "One joined Board A" in page.text and "Two joined" not in page.text
    today = dt.date.today().isoformat()
    assert "joined" in (await admin.get(f"/admin/audit?date_from={today}&date_to={today}")).text
    later = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert "0 changes" in (await admin.get(f"/admin/audit?date_from={later}")).text
    assert (await admin.get("/admin/audit?date_from=not-a-date")).status_code == 200


async def test_lists_search_and_paginate(admin, make_org):
    for n in range(30):
        await make_org(name=f"Org {n:02d}", slug=f"org-{n:02d}")
    first = await admin.get("/admin/organisations")
    assert (
        "30 organisations" in first.text and "Org 24" in first.text and "Org 25" not in first.text
    )
    second = await admin.get("/admin/organisations?page=2")
    assert "Org 25" in second.text
    found = await admin.get("/admin/organisations?q=org 07", headers={"HX-Request": "true"})
    assert found.text.lstrip().startswith('<div id="results"') and "1 organisation" in found.text


async def test_editing_a_person_with_a_mistake_keeps_the_form(admin, make_person):
    person = await make_person(name="Nadia Rahman", email="nadia@example.org")
    url = f"/admin/people/{person.id}"
    response = await post_form(admin, url, url, name="Nadia Rahman", email="")
    assert response.status_code == 400
    assert "Enter the person&#39;s email address" in response.text
    assert 'value="Nadia Rahman"' in response.text


async def test_each_members_role_field_has_its_own_id(admin, make_membership, make_body):
    board = await make_body(name="Board A", slug="board-a")
    first, second = await make_membership(body=board), await make_membership(body=board)
    html = (await admin.get("/manage/bodies/board-a")).text
    for m in (first, second):
        assert html.count(f'id="role-{m.id}"') == 1
        assert f'for="role-{m.id}"' in html
    assert html.count('id="role"') == 1  # the add form's own


async def test_deleting_a_board_with_meetings_is_refused_on_the_page_and_its_history_stays(
    admin, make_body, make_meeting, make_org
):
    board = await make_body(name="Board A", slug="board-a")
    org = await make_org()
    await post_form(
        admin,
        "/manage/bodies/board-a",
        "/manage/bodies/board-a/memberships",
        email="one@example.org",
        name="One",
        organisation=str(org.id),
        role="member",
        start_date="2025-04-01",
    )
    await make_meeting(body=board)
    history = await AuditEntry.count().where(AuditEntry.body == board.id)
    assert history > 0

    url = f"/admin/bodies/{board.id}"
    response = await post_form(admin, url, f"{url}/delete")

    assert response.status_code == 409
    assert "Board A cannot be deleted: it has meetings (1)" in response.text
    assert 'value="Board A"' in response.text  # the body's own form, around the message
    assert await Body.exists().where(Body.id == board.id)
    assert await AuditEntry.count().where(AuditEntry.body == board.id) == history


async def test_a_body_added_by_mistake_is_deleted_and_the_deletion_audited(admin, make_body):
    board = await make_body(name="Typo Board", slug="typo-board")
    url = f"/admin/bodies/{board.id}"
    response = await post_form(admin, url, f"{url}/delete")
    assert response.status_code == 303 and response.headers["location"] == "/admin/bodies"
    assert not await Body.exists().where(Body.id == board.id)
    entry = await AuditEntry.objects().where(AuditEntry.action == "body.deleted").first()
    assert entry.summary == "Typo Board" and entry.object_id == board.id

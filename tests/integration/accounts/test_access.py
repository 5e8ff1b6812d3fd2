"""The access matrix: who sees and changes what. 0 leaks; "forbidden" looks like "not found"."""

import datetime as dt

import pyotp
import pytest

from govhub.governance.tables import Membership
from tests.conftest import client_for, csrf_from

ROLES = ["anonymous", "member_a", "member_b", "secretary_a", "admin"]


@pytest.fixture
async def world(
    app, make_body, make_org, make_person, make_membership, make_user, signed_in_client
):
    """Board A (not public) and board B (public), with a member of each, A's secretary, an admin."""
    org = await make_org(name="Tower Hamlets CVS", slug="thcvs")
    a = await make_body(name="Board A", slug="board-a", is_public=False)
    b = await make_body(name="Board B", slug="board-b", is_public=True)
    people = {}
    for key, body, role in [
        ("member_a", a, "member"),
        ("member_b", b, "member"),
        ("secretary_a", a, "secretary"),
    ]:
        person = await make_person(name=key.replace("_", " ").title())
        await make_membership(
            person=person, body=body, organisation=org, role=role, start_date=dt.date(2024, 1, 1)
        )
        people[key] = person
    b_membership = await Membership.objects().where(Membership.body == b.id).first()
    clients = {"anonymous": client_for(app)}
    for key, person in people.items():
        clients[key] = await signed_in_client(await make_user(person=person))
    admin = await make_user(admin=True, totp_secret=pyotp.random_base32())
    clients["admin"] = await signed_in_client(admin)
    return {"clients": clients, "a": a, "b": b, "org": org, "b_membership": b_membership}


# page -> who may see it (everyone else: anonymous is sent to sign in, others get 404)
PAGES = {
    "/dashboard": {"member_a", "member_b", "secretary_a", "admin"},
    "/account": {"member_a", "member_b", "secretary_a", "admin"},
    "/admin": {"admin"},
    "/admin/organisations": {"admin"},
    "/admin/people": {"admin"},
    "/admin/people/new": {"admin"},
    "/admin/bodies": {"admin"},
    "/admin/bodies/new": {"admin"},
    "/admin/audit": {"admin"},
    "/admin/outbox": {"admin"},
    "/manage/bodies/board-a": {"secretary_a", "admin"},
    "/manage/bodies/board-b": {"admin"},
}


async def test_each_protected_page_answers_only_those_entitled(world):
    leaks = []
    for path, allowed in PAGES.items():
        for role in ROLES:
            response = await world["clients"][role].get(path)
            if role in allowed:
                expected = 200
            elif role == "anonymous":
                expected = 302
            else:
                expected = 404
            if response.status_code != expected:
                leaks.append((role, path, response.status_code, expected))
    assert leaks == []


async def test_htmx_partials_are_guarded_like_their_pages(world):
    for role in ["member_a", "secretary_a"]:
        response = await world["clients"][role].get(
            "/admin/people?q=a", headers={"HX-Request": "true"}
        )
        assert response.status_code == 404
        assert "Member A" not in response.text


async def test_a_private_board_is_seen_by_its_members_and_admins_only(world):
    for role, status in [
        ("anonymous", 404),
        ("member_b", 404),
        ("member_a", 200),
        ("secretary_a", 200),
        ("admin", 200),
    ]:
        response = await world["clients"][role].get("/bodies/board-a")
        assert response.status_code == status, role
        tree = await world["clients"][role].get("/bodies")
        assert ("Board A" in tree.text) is (status == 200), role
        org = await world["clients"][role].get("/organisations/thcvs")
        assert ("Board A" in org.text) is (status == 200), role


async def test_forbidden_looks_the_same_as_not_there(world):
    secretary = world["clients"]["secretary_a"]
    forbidden = await secretary.get("/manage/bodies/board-b")
    missing = await secretary.get("/manage/bodies/no-such-board")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.text == missing.text
    stranger = world["clients"]["member_b"]
    assert (await stranger.get("/bodies/board-a")).text == (await stranger.get("/bodies/nope")).text


async def test_actions_on_another_board_are_refused_and_change_nothing(world):
    secretary = world["clients"]["secretary_a"]
    token = csrf_from((await secretary.get("/manage/bodies/board-a")).text)
    before = await Membership.count()
    add = await secretary.post(
        "/manage/bodies/board-b/memberships",
        data={
            "_csrf": token,
            "email": "new@example.org",
            "name": "New Person",
            "organisation": str(world["org"].id),
            "role": "member",
            "start_date": "2025-01-01",
        },
    )
    assert add.status_code == 404
    # B's membership reached through A's address: still refused.
    other = world["b_membership"].id
    end = await secretary.post(
        f"/manage/bodies/board-a/memberships/{other}/end",
        data={"_csrf": token, "end_date": "2025-06-01"},
    )
    assert end.status_code == 404
    role = await secretary.post(
        f"/manage/bodies/board-b/memberships/{other}/role", data={"_csrf": token, "role": "chair"}
    )
    assert role.status_code == 404
    assert await Membership.count() == before
    unchanged = await Membership.objects().where(Membership.id == other).first()
    assert unchanged.end_date is None and unchanged.role == "member"

    member = world["clients"]["member_a"]
    token = csrf_from((await member.get("/account")).text)
    add = await member.post(
        "/admin/organisations/new", data={"_csrf": token, "name": "Sneaky", "sector": "other"}
    )
    assert add.status_code == 404


async def test_when_a_membership_ends_so_does_the_access_it_gave(world):
    secretary = world["clients"]["secretary_a"]
    assert (await secretary.get("/manage/bodies/board-a")).status_code == 200
    admin = world["clients"]["admin"]
    page = await admin.get("/manage/bodies/board-a")
    own = (
        await Membership.objects()
        .where((Membership.body == world["a"].id) & (Membership.role == "secretary"))
        .first()
    )
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    response = await admin.post(
        f"/manage/bodies/board-a/memberships/{own.id}/end",
        data={"_csrf": csrf_from(page.text), "end_date": yesterday},
    )
    assert response.status_code == 303
    before = secretary.cookies.get("govhub_session")
    assert (await secretary.get("/manage/bodies/board-a")).status_code == 404
    assert (await secretary.get("/bodies/board-a")).status_code == 404
    # Privileges changed, so the session id was rotated on that request.
    assert secretary.cookies.get("govhub_session") != before

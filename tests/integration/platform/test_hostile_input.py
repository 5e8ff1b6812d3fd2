"""Hostile input to every HTML form: never a server error, whoever is signed in.

The routes come from the app's route table, so a form added later is covered without anyone
remembering it. The fields each route reads are found by asking it: one plain POST per route,
with every read of the submitted form recorded. Then, for each role (anonymous, a member, a
board secretary, an admin), hypothesis posts hostile values (NUL and control characters, huge
numbers, 40 KB strings, several addresses in one, odd dates) to those fields, with the session's
CSRF token, on path ids of real demo rows (or impossible ones). 0 answers may be 500.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from urllib.parse import quote

import pyotp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar.datastructures.multi_dicts import FormMultiDict

from govhub.accounts.secrets import hash_token
from govhub.congress.tables import CongressSession, Edition, Registration
from govhub.demo import seed_demo
from govhub.governance.tables import Membership, Organisation, Person, Role
from govhub.mail.tables import OutboxMessage
from govhub.meetings.tables import Action, AgendaItem, Meeting, Paper
from tests.conftest import client_for, csrf_from

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
ROLES = ("anonymous", "member", "secretary", "admin")
MANAGE_TOKEN = "hostile-input-manage-token-0123456789abcdef"
# Routes whose success would end the session or remove what later routes need: last.
LAST = re.compile(r"sign-out|delete|remove|erase|cancel|withdraw|/end$")

# Refused at the door (web/limits.py): one of these in a form stops it before any handler.
AT_THE_DOOR = ["\x00", "a\x00b", "\x1b[31mred", "\x08\x0b\x0c"]
# Past the door, to the handlers and the database.
HOSTILE = [
    "x" * 40_000,
    "é" * 20_000,
    "99999999999999999999",
    "9" * 5_000,
    "-1",
    "0",
    "1e308",
    "NaN",
    "²",
    "١٢",
    "a@example.org, b@example.org",
    "a@example.org;b@example.org",
    "a@example.org\r\nBcc: b@example.org",
    "Name <a@example.org>",
    "9999-12-31",
    "0001-01-01",
    "99999-01",
    "31/02/2027",
    "25:61",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "\u202eevil",
    "line one\r\nline two",
    "\t",
    " ",
    "",
]


def plausible(name: str, ids: dict[str, int]) -> list[str]:
    """Values a browser might send for a field of this name (so checks past the first run)."""
    if "email" in name:
        return ["someone.new@example.org"]
    if "date" in name or name in {"approved_on", "day"}:
        return ["2027-03-10", "10/03/2027"]
    if "time" in name or name.endswith("_at"):
        return ["18:00"]
    for key in ("organisation", "person", "owner", "item", "meeting", "session", "body"):
        if key in name and key in ids:
            return [str(ids[key])]
    if name in {"role"}:
        return [Role.member.value]
    return ["1", "yes", "A plain title"]


class FormReads:
    """Which fields of the submitted form the app reads (FormMultiDict accessors, recorded)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.active = False

    @contextlib.contextmanager
    def recording(self, monkeypatch):
        for method in ("get", "getall", "getone", "__getitem__", "__contains__"):
            original = getattr(FormMultiDict, method)

            def wrapped(form, key, *args, _original=original, **kwargs):
                if self.active and isinstance(key, str):
                    self.names.add(key)
                return _original(form, key, *args, **kwargs)

            monkeypatch.setattr(FormMultiDict, method, wrapped)
        yield self


def form_routes(app) -> list[tuple[str, str]]:
    routes = [
        (method, route.path)
        for route in app.routes
        for method in sorted(getattr(route, "methods", set()) - SAFE)
    ]
    return sorted(routes, key=lambda r: (bool(LAST.search(r[1])), r[1], r[0]))


async def demo_world(make_user) -> dict:
    """The demo partnership, with users for a board's secretary and member, and an admin."""
    await seed_demo()
    # A board with a secretary, a member and a meeting with an agenda.
    item = secretary_seat = None
    for secretary_seat in await Membership.objects().where(Membership.role == Role.secretary):
        item = await (
            AgendaItem.objects()
            .where(AgendaItem.meeting.body == secretary_seat.body)
            .order_by(AgendaItem.meeting.starts_at, ascending=False)
            .first()
        )
        if item is not None:
            break
    assert item is not None and secretary_seat is not None, "the demo has no agenda items"
    body_id = secretary_seat.body
    member_seat = (
        await Membership.objects()
        .where((Membership.body == body_id) & (Membership.role == Role.member))
        .first()
    )
    secretary = await Person.objects().get(Person.id == secretary_seat.person)
    member = await Person.objects().get(Person.id == member_seat.person)
    users = {
        "secretary": await make_user(person=secretary),
        "member": await make_user(person=member),
        "admin": await make_user(admin=True, totp_secret=pyotp.random_base32()),
    }
    meeting = await Meeting.objects(Meeting.body).get(Meeting.id == item.meeting)
    edition = await Edition.objects().first()
    session = await CongressSession.objects().where(CongressSession.edition == edition.id).first()
    registration = Registration(
        edition=edition.id,
        status="confirmed",
        arrival=1,
        reference="HOST-1LE1",
        name="Hostile Input",
        email="hostile@example.org",
        email_key="hostile@example.org",
        manage_token_hash=hash_token(MANAGE_TOKEN),
        consented_at=dt.datetime.now(dt.UTC),
    )
    await registration.save()
    row_ids = {
        "meeting": meeting.id,
        "item": item.id,
        "body": body_id,
        "membership": member_seat.id,
        "organisation": (await Organisation.objects().first()).id,
        "person": member_seat.person,
        "org": (await Organisation.objects().first()).id,
        "session": session.id if session else 1,
        "registration": registration.id,
    }
    for key, table, where in [
        ("paper", Paper, Paper.item == row_ids["item"]),
        ("action", Action, Action.body == body_id),
        ("message", OutboxMessage, OutboxMessage.id.is_not_null()),
    ]:
        row = await table.objects().where(where).first()
        row_ids[key] = row.id if row else 1
    slugs = {"body": meeting.body.slug, "congress": edition.slug}
    return {"users": users, "ids": row_ids, "slugs": slugs}


def path_choices(path: str, world: dict) -> dict[str, list[str]]:
    """Values per path parameter: a real row's id or slug (first, and most often), or nonsense."""
    values = {}
    for name, kind in re.findall(r"\{([^}:]+):([a-z]+)\}", path):
        if kind == "int":
            real = str(world["ids"].get(name.removesuffix("_id"), 1))
            values[name] = [real, real, real, "0", "99999999999999999999"]
        elif name == "token":
            values[name] = [MANAGE_TOKEN, MANAGE_TOKEN, "x" * 300]
        else:
            real = world["slugs"]["congress" if path.startswith("/congress") else "body"]
            values[name] = [real, real, real, "no-such-thing", "é" * 300]
    return values


def fill(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{([^}:]+):[a-z]+\}", lambda m: quote(params[m.group(1)], safe=""), path)


@pytest.fixture
async def hostile_setup(app, make_user, signed_in_client, monkeypatch):
    world = await demo_world(make_user)
    clients = {"anonymous": client_for(app)}
    for role, user in world["users"].items():
        clients[role] = await signed_in_client(user)
    tokens = {}
    for role, client in clients.items():
        page = await client.get("/account" if role != "anonymous" else "/sign-in")
        tokens[role] = csrf_from(page.text)
    reads = FormReads()
    routes = form_routes(app)
    fields: dict[tuple[str, str], list[str]] = {}
    with reads.recording(monkeypatch):
        # Ask each route which fields it reads: the admin's plain POST reaches every handler.
        for method, path in routes:
            if LAST.search(path):
                continue  # a plain POST to these would already remove what they act on
            params = {name: choices[0] for name, choices in path_choices(path, world).items()}
            reads.names.clear()
            reads.active = True
            await clients["admin"].request(
                method, fill(path, params), data={"_csrf": tokens["admin"]}
            )
            reads.active = False
            fields[(method, path)] = sorted(reads.names - {"_csrf"})
    for method, path in routes:
        fields.setdefault((method, path), ["title", "name", "email", "reason"])
    yield {"world": world, "clients": clients, "tokens": tokens, "routes": routes, "fields": fields}


async def test_the_route_table_has_html_forms_for_every_area(app):
    paths = " ".join(path for _, path in form_routes(app))
    for area in ("/admin/", "/manage/meetings/", "/congress/", "/bodies/", "/sign-in"):
        assert area in paths
    assert len(form_routes(app)) >= 40


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
    # No shrinking: the assertion lists every request that failed, and shrinking ~600
    # requests an example takes minutes.
    phases=[Phase.explicit, Phase.generate],
)
@given(data=st.data())
async def test_hostile_values_in_every_form_never_give_a_server_error(hostile_setup, data):
    setup = hostile_setup
    world = setup["world"]
    # The fields were found by asking the handlers (so a new field is covered by itself).
    assert {"title", "date", "venue"} <= set(
        setup["fields"][("POST", "/manage/bodies/{slug:str}/meetings/new")]
    )
    assert "email" in setup["fields"][("POST", "/congress/{slug:str}/register")]
    server_errors = []
    statuses: set[int] = set()
    for role in ROLES:
        client = setup["clients"][role]
        for method, path in setup["routes"]:
            if role != "anonymous" and path == "/sign-out":
                continue  # the next example signs in as the same client
            params = {
                name: data.draw(st.sampled_from(choices), label=f"{path} {name}")
                for name, choices in path_choices(path, world).items()
            }
            names = setup["fields"][(method, path)]
            # Now and then one field holds a control character, which the door refuses.
            door = data.draw(st.sampled_from([False, False, False, True]), label="at the door")
            hostile = HOSTILE + (AT_THE_DOOR if door else [])
            form = {
                name: data.draw(
                    st.sampled_from(hostile + plausible(name, world["ids"]) * 4),
                    label=f"{path} {name}",
                )
                for name in names
            }
            form["_csrf"] = setup["tokens"][role]
            response = await client.request(method, fill(path, params), data=form)
            statuses.add(response.status_code)
            if response.status_code >= 500:
                shown = {name: value[:40] for name, value in form.items() if name != "_csrf"}
                server_errors.append((role, method, fill(path, params)[:200], shown))
    assert server_errors == []
    assert {303, 400, 404} <= statuses  # changes made, forms refused, rows not found

"""For .ci/schemathesis: an admin with two-factor (the widest access), signed in to the server at
URL through the real forms. Prints the two headers every fuzzed request carries:
``Cookie: ...`` and ``X-CSRF-Token: ...``, and writes CONFIG, a schemathesis.toml whose
dictionaries hold real meeting ids, body slugs and this admin's feed address, which the fuzzer
uses half of the time so that it reaches past "not found".

Run with the server's environment (its GOVHUB_DATABASE_URL):
``schemathesis_session.py URL CONFIG``.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys

import httpx
import pyotp

EMAIL = "fuzz.admin@example.org"
PASSWORD = "correct horse battery staple fuzz"  # noqa: S105 (a throwaway test account)


async def real_values(email: str) -> dict[str, list]:
    from piccolo.engine import engine_finder

    from govhub import db
    from govhub.accounts.tables import User
    from govhub.calendar.feed_tokens import feed_token_for
    from govhub.governance.tables import Body
    from govhub.meetings.tables import Meeting

    engine = engine_finder()
    await db.open_engine(engine)
    try:
        user = await User.objects().where(User.email == email).first()
        return {
            "meetings": [m["id"] for m in await Meeting.select(Meeting.id).limit(20)],
            "bodies": [b["slug"] for b in await Body.select(Body.slug)],
            "feeds": [f"{await feed_token_for(user.id)}.ics"],
        }
    finally:
        await db.close_engine(engine)


def write_config(path: str, values: dict[str, list]) -> None:
    lines = []
    for name, entries in values.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(entries)}", ""]
    lines += [
        "[parameters]",
        '"path.meeting_id" = { dictionary = "meetings", probability = 0.5 }',
        '"path.slug" = { dictionary = "bodies", probability = 0.5 }',
        '"path.feed" = { dictionary = "feeds", probability = 0.5 }',
    ]
    with open(path, "w") as config:
        config.write("\n".join(lines) + "\n")


async def make_admin() -> str:
    from piccolo.engine import engine_finder

    from govhub import db
    from govhub.accounts.secrets import hash_password
    from govhub.accounts.tables import User
    from govhub.governance.tables import Person

    engine = engine_finder()
    await db.open_engine(engine)
    try:
        secret = pyotp.random_base32()
        person = Person(name="Fuzz Admin", email=EMAIL)
        await person.save()
        await User(
            person=person.id,
            email=EMAIL,
            password_hash=hash_password(PASSWORD),
            is_admin=True,
            totp_secret=secret,
            totp_enabled=True,
        ).save()
        return secret
    finally:
        await db.close_engine(engine)


def csrf_field(html: str) -> str:
    match = re.search(r'name="_csrf" value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF field on the sign-in form")
    return match.group(1)


def sign_in(base: str, secret: str) -> tuple[str, str]:
    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/sign-in")
        step = client.post(
            "/sign-in",
            data={"email": EMAIL, "password": PASSWORD, "_csrf": csrf_field(form.text)},
        )
        if step.status_code != 303 or "/sign-in/code" not in step.headers["location"]:
            raise SystemExit(f"sign-in did not ask for a code: {step.status_code}")
        form = client.get(step.headers["location"])
        done = client.post(
            "/sign-in/code",
            data={"code": pyotp.TOTP(secret).now(), "_csrf": csrf_field(form.text)},
        )
        if done.status_code != 303:
            raise SystemExit(f"two-factor sign-in failed: {done.status_code}")
        page = client.get("/account")
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        if page.status_code != 200 or not token:
            raise SystemExit("signed in, but /account shows no CSRF token")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return cookie, token.group(1)


if __name__ == "__main__":
    secret = asyncio.run(make_admin())
    cookie, token = sign_in(sys.argv[1], secret)
    write_config(sys.argv[2], asyncio.run(real_values(EMAIL)))
    print(f"Cookie: {cookie}")
    print(f"X-CSRF-Token: {token}")

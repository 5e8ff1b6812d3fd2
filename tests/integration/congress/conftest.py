"""Factories for the congress: an edition open for registration, with sessions."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from govhub import clock
from govhub.congress.forms import RegistrationForm
from govhub.congress.tables import CongressSession, Edition
from govhub.mail.tables import OutboxMessage

_seq = itertools.count(1)


@pytest.fixture
def make_edition(engine):
    async def make(*, sessions=(), **overrides) -> Edition:
        n = next(_seq)
        starts = clock.now().replace(microsecond=0) + dt.timedelta(days=30)
        values = {
            "slug": f"spring-{2100 + n}",
            "season": "spring",
            "year": 2100 + n,
            "title": f"Spring Congress {2100 + n}",
            "theme": "Homes and health",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=5),
            "venue": "Town Hall, 160 Whitechapel Road",
            "venue_access": "Step-free entrance",
            "capacity": 300,
            "registration_opens_at": clock.now() - dt.timedelta(days=1),
            "registration_closes_at": starts - dt.timedelta(days=2),
            "uid_salt": f"test{n}",
        }
        values.update(overrides)
        edition = Edition(**values)
        await edition.save()
        made = []
        for i, spec in enumerate(sessions):
            spec = dict(spec)
            offset = spec.pop("at", 60)
            length = spec.pop("minutes", 60)
            session = CongressSession(
                edition=edition.id,
                title=spec.pop("title", f"Workshop {i + 1}"),
                starts_at=edition.starts_at + dt.timedelta(minutes=offset),
                ends_at=edition.starts_at + dt.timedelta(minutes=offset + length),
                room=spec.pop("room", f"Room {i + 1}"),
                capacity=spec.pop("capacity", 30),
                position=i,
            )
            await session.save()
            made.append(session)
        edition.sessions = made
        return edition

    return make


def registration_form(n: int = 1, sessions=(), **overrides) -> RegistrationForm:
    values = {
        "name": f"Resident {n}",
        "email": f"resident{n}@example.org",
        "phone": "",
        "attending_as": "resident",
        "organisation_id": None,
        "organisation_name": "",
        "attending_other": "",
        "postcode": "E1 4NS",
        "sessions": list(sessions),
        "needs": [],
        "interpreting_other": "",
        "access_details": "",
        "newsletter": False,
    }
    values.update(overrides)
    return RegistrationForm(**values)


def form_data(html: str, **fields) -> dict:
    """A registration form as a browser would post it: the CSRF token and ``fields``."""
    token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    data = {
        "_csrf": token,
        "name": "Amina Begum",
        "email": "amina@example.org",
        "attending_as": "resident",
        "consent": "yes",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


async def manage_link_sent_to(email: str) -> str:
    """The manage link (its path) in the latest email to ``email``: the registration page only
    says "check your email", so this is how a registrant reaches their registration."""
    mail = (
        await OutboxMessage.objects()
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    assert mail is not None, f"no email to {email}"
    return re.search(r"/congress/manage/[^\s/?]+", mail.text_body).group(0)

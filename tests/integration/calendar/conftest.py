"""Shared by the calendar tests: the Community Safety Partnership and its secretary."""

import pytest

from govhub.governance.principal import Principal


@pytest.fixture
async def board(make_body):
    return await make_body(name="Community Safety Partnership", slug="csp", short_name="CSP")


@pytest.fixture
async def secretary(board, make_person, make_membership):
    person = await make_person(name="Siobhan Brennan", email="siobhan@example.org")
    await make_membership(person=person, body=board, role="secretary")
    return Principal(
        user_id=None,
        person_id=person.id,
        name=person.name,
        member_of=frozenset({board.id}),
        secretary_of=frozenset({board.id}),
    )

"""An id no row can have is "not found", not a server error (found by schemathesis)."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/99999999999999999999/invite.ics",  # past SQLite's 64-bit integers
        "/meetings/2147483648/invite.ics",  # past PostgreSQL's serial ids
        "/meetings/99999999999999999999",
        "/meetings/2147483648",
    ],
)
async def test_an_impossible_id_is_not_found(client, path):
    response = await client.get(path, headers={"accept": "application/json"})
    assert response.status_code == 404


async def test_the_largest_possible_id_is_looked_up_as_usual(client):
    response = await client.get("/meetings/2147483647/invite.ics")
    assert response.status_code == 404  # no such meeting, asked of the database

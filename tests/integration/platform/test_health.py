"""``/healthz`` tells an operator whether the database and the queue answer."""

import pytest

from govhub.db import make_engine
from tests.conftest import client_for


async def test_healthy_when_database_and_queue_answer(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["queue"] == "ok"
    assert response.headers["cache-control"] == "no-store"


async def test_a_stopped_postgresql_server_is_reported_unhealthy(make_app):
    # Nothing listens on port 1: the same as a server that has stopped.
    with pytest.warns(Warning, match="Unable to"):
        app = await make_app(engine=make_engine("postgresql://postgres@127.0.0.1:1/govhub"))
        async with client_for(app) as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"].startswith("unreachable")
    assert response.json()["queue"] == "ok"


async def test_an_unopenable_sqlite_file_is_reported_unhealthy(make_app, tmp_path):
    app = await make_app(engine=make_engine(f"sqlite:///{tmp_path}/missing/dir/govhub.sqlite3"))
    async with client_for(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("unreachable")


async def test_a_stopped_redis_is_reported_unhealthy(make_app):
    app = await make_app(redis_url="redis://127.0.0.1:1/0")
    async with client_for(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"].startswith("unreachable")
    assert response.json()["database"] == "ok"

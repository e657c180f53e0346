from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from portal.settings import Settings, load_settings
from portal.web.app import create_app


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=create_app(settings, run_worker=False)) as client:
        yield client


async def test_health_reports_the_database(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", data_dir=tmp_path, _env_file=None
    )
    async with AsyncTestClient(app=create_app(settings, run_worker=False)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


async def test_openapi_is_published(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/health" in response.json()["paths"]


async def test_api_errors_are_problem_details(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Страница не найдена"


async def test_page_errors_are_russian_html(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Страница не найдена" in response.text and 'lang="ru"' in response.text


async def test_home_page_is_russian(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/")
    assert response.status_code == 200
    assert "инспекци" in response.text


async def test_api_and_health_answer_without_a_session(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    """Only pages carry a session: an API call or a probe neither stores one nor gets a cookie."""
    health = await client.get("/health")
    api = await client.post("/api/v1/complaints", json={})
    page = await client.get("/login")
    assert "set-cookie" not in health.headers
    assert api.status_code == 422 and "set-cookie" not in api.headers
    assert "session=" in page.headers.get("set-cookie", "")

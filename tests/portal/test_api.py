"""The public complaints API: filing, validation errors in Russian, tracking by number and code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from portal.container import Container
from portal.web.app import create_app

VALID: dict[str, Any] = {
    "text": "Не выплачивают зарплату за два месяца, долг 120 000 рублей, работаю в ООО «Вектор».",
    "channel": "web",
    "contact": {"name": "Петров Иван", "email": "petrov@example.org", "phone": "+7 912 000-00-00"},
    "region": "Волгоградская область",
    "employer": {"name": "ООО «Вектор»", "inn": "7707083893"},
    "confidential": True,
    "consent": True,
}


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=create_app(container.settings, run_worker=False)) as client:
        yield client


async def test_file_and_track_a_complaint(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    created = await client.post("/api/v1/complaints", json=VALID)
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"tracking_number", "access_code", "status"}
    assert body["status"] == "registered"

    tracked = await client.get(
        f"/api/v1/complaints/{body['tracking_number']}", params={"code": body["access_code"]}
    )
    assert tracked.status_code == 200
    view = tracked.json()
    assert view["status"] == "registered" and view["problems"] == []
    assert [item["event"] for item in view["timeline"]] == [
        "Обращение получено",
        "Обращение зарегистрировано",
    ]
    assert "petrov" not in tracked.text  # the public view carries no contact data


async def test_wrong_code_and_unknown_number_look_the_same(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = (await client.post("/api/v1/complaints", json=VALID)).json()
    wrong_code = await client.get(
        f"/api/v1/complaints/{body['tracking_number']}", params={"code": "ZZZZ2222"}
    )
    unknown = await client.get("/api/v1/complaints/99-999999-9", params={"code": body["access_code"]})
    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.json()["detail"] == unknown.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"text": "мало"}, "text"),
        ({"contact": {"email": "nope"}}, "contact.email"),
        ({"region": "Нарния"}, "region"),
        ({"employer": {"inn": "123"}}, "employer.inn"),
        ({"consent": None}, "consent"),
        ({"channel": "telegram"}, "channel"),
        ({"text": 42}, "text"),
    ],
)
async def test_validation_errors_are_422_with_russian_field_messages(
    client: AsyncTestClient,  # type: ignore[type-arg]
    change: dict[str, Any],
    field: str,
) -> None:
    response = await client.post("/api/v1/complaints", json={**VALID, **change})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in problem["errors"], problem
    assert any("а" <= ch <= "я" for ch in problem["errors"][field].lower())


async def test_missing_body_fields_and_garbage(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    missing = await client.post("/api/v1/complaints", json={"text": VALID["text"]})
    assert missing.status_code == 422 and "consent" in missing.json()["errors"]
    garbage = await client.post(
        "/api/v1/complaints", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )
    assert garbage.status_code in (400, 422)
    assert garbage.headers["content-type"].startswith("application/problem+json")

"""JSON API: the inspector API with bearer tokens (401/403 as problem details) and the public additions."""

from __future__ import annotations

import sqlalchemy as sa

from portal.container import Container
from portal.models import User
from portal.tokens import issue_token, revoke_token
from tests.web.conftest import Client, assigned_login, routed_case


async def _token(container: Container, login: str) -> str:
    async with container.sessions.begin() as session:
        user = await session.scalar(sa.select(User).where(User.login == login))
        assert user is not None
        return await issue_token(session, user, "test")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_staff_api_needs_a_valid_token(client: Client, container: Container) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, _bearer("tn_nonsense"), _bearer("garbage")):
        response = await client.get("/api/v1/staff/cases", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["title"] == "Нужно войти в систему"
    token = await _token(container, "insp-34-1")
    async with container.sessions.begin() as session:
        await revoke_token(session, token)
    assert (await client.get("/api/v1/staff/cases", headers=_bearer(token))).status_code == 401


async def test_staff_api_refuses_roles_without_cases(client: Client, container: Container) -> None:
    case = await routed_case(container)
    for login in ("employer", "analyst"):
        response = await client.get("/api/v1/staff/cases", headers=_bearer(await _token(container, login)))
        assert response.status_code == 403 and response.json()["status"] == 403
    other_region = _bearer(await _token(container, "insp-77-1"))
    assert (await client.get(f"/api/v1/staff/cases/{case.id}", headers=other_region)).status_code == 403
    response = await client.post(
        f"/api/v1/staff/cases/{case.id}/actions/accept", headers=other_region, json={}
    )
    assert response.status_code == 403


async def test_inspector_lists_reads_and_closes_a_case(client: Client, container: Container) -> None:
    case = await routed_case(container)
    headers = _bearer(await _token(container, await assigned_login(container, case)))
    listing = (await client.get("/api/v1/staff/cases", headers=headers)).json()
    assert [item["number"] for item in listing["items"]] == [case.number]
    detail = await client.get(f"/api/v1/staff/cases/{case.id}", headers=headers)
    assert detail.status_code == 200 and detail.json()["complaints"][0]["problems"]
    assert (await client.get("/api/v1/staff/cases/999999", headers=headers)).status_code == 404
    base = f"/api/v1/staff/cases/{case.id}/actions"
    assert (await client.post(f"{base}/accept", headers=headers)).status_code == 200
    bad = await client.post(f"{base}/close", headers=headers, json={"outcome": "explained", "answer": "мало"})
    assert bad.status_code == 422 and "не менее 20 символов" in bad.json()["errors"]["action"]
    assert (await client.post(f"{base}/teleport", headers=headers, json={})).status_code == 404
    closed = await client.post(
        f"{base}/close",
        headers=headers,
        json={"outcome": "explained", "answer": "Разъясняем порядок выплаты расчёта по ст. 140 ТК РФ."},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["case"]["status"] == "closed"


async def test_kb_search_api(client: Client) -> None:
    response = await client.get("/api/v1/kb/search", params={"q": "сколько дней отпуска положено", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"hits", "no_answer"} and len(body["hits"]) <= 3
    assert body["hits"] and {"id", "title", "score", "refs", "snippet", "url"} <= set(body["hits"][0])
    assert (await client.get("/api/v1/kb/search")).status_code == 400  # the question is missing
    assert (await client.get("/api/v1/kb/search", params={"q": "x", "k": 100})).status_code == 422


async def test_checklists_and_assessment_api(client: Client) -> None:
    checklists = (await client.get("/api/v1/checklists")).json()["checklists"]
    first = checklists[0]
    answers = {item["id"]: "yes" for item in first["items"]}
    answers[first["items"][0]["id"]] = "no"
    result = await client.post(f"/api/v1/checklists/{first['id']}/assessments", json={"answers": answers})
    assert result.status_code == 200 and len(result.json()["violations"]) == 1
    partial = await client.post(f"/api/v1/checklists/{first['id']}/assessments", json={"answers": {}})
    assert partial.status_code == 422 and "Нет ответов" in partial.json()["errors"]["answers"]
    wrong = await client.post(
        f"/api/v1/checklists/{first['id']}/assessments", json={"answers": {"x": "maybe"}}
    )
    assert wrong.status_code == 422
    missing = await client.post("/api/v1/checklists/nope/assessments", json={"answers": {}})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert (await client.post(f"/api/v1/checklists/{first['id']}/assessments", json=[1])).status_code in (
        400,
        422,
    )


async def test_stats_api_is_anonymised(client: Client, container: Container) -> None:
    for _ in range(2):
        await routed_case(container)
    body = (await client.get("/api/v1/stats")).json()
    assert body["suppressed_below"] == 3
    assert body["rows"] and all(row["problems"] is None for row in body["rows"])  # 2 < 3: suppressed

"""Fixtures for page and API route tests: a test client, CSRF tokens, signed-in staff, routed cases."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from portal.container import Container
from portal.demo import DEMO_PASSWORD
from portal.models import Case
from portal.web.app import create_app
from tests.portal.factories import analysed, route

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture(autouse=True)
def fresh_centre() -> None:
    """Each test starts without the centre's one-minute cache of another test's figures."""
    from portal.web.pages.staff import _centre_cache

    _centre_cache.clear()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(container.settings, run_worker=False)) as client:
        yield client


async def csrf(client: Client, page: str = "/login") -> str:
    response = await client.get(page)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
    assert match, f"{page} carries a CSRF token"
    return match.group(1)


async def sign_in(client: Client, login: str) -> str:
    token = await csrf(client)
    response = await client.post(
        "/login",
        data={"login": login, "password": DEMO_PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return await csrf(client, "/")


async def routed_case(container: Container, **kwargs: object) -> Case:
    """A complaint about wages in Volgograd (region 34) routed to a case."""
    complaint_id = await analysed(
        container,
        [("wage_arrears", "Работодатель не платит зарплату уже два месяца")],
        region=kwargs.pop("region", "34"),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
    await route(container, complaint_id)
    async with container.sessions() as session:
        case = await session.scalar(sa.select(Case).order_by(Case.id.desc()))
    assert case is not None and case.inspection_id is not None
    return case


async def assigned_login(container: Container, case: Case) -> str:
    from portal.models import Inspector, User

    async with container.sessions() as session:
        login = await session.scalar(
            sa.select(User.login)
            .join(Inspector, Inspector.user_id == User.id)
            .where(Inspector.id == case.inspector_id)
        )
    assert login is not None
    return login

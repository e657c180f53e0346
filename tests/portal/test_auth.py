"""Staff sign-in: sessions, CSRF on forms, no open redirects, rate limits on public writes."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.stores.redis import RedisStore
from litestar.testing import AsyncTestClient

from portal.container import Container
from portal.demo import DEMO_PASSWORD
from portal.settings import Settings
from portal.web.app import create_app
from portal.web.ratelimit import CountingRateLimitMiddleware


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=create_app(container.settings, run_worker=False)) as client:
        yield client


async def _csrf(client: AsyncTestClient) -> str:  # type: ignore[type-arg]
    page = await client.get("/login")
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "the login form carries a CSRF token"
    return match.group(1)


async def test_inspector_signs_in_and_out(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    token = await _csrf(client)
    response = await client.post(
        "/login",
        data={"login": "insp-34-1", "password": DEMO_PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/staff/queue"
    assert "session" in client.cookies
    response = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303


async def test_wrong_password_is_refused_in_russian(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    token = await _csrf(client)
    response = await client.post(
        "/login", data={"login": "insp-34-1", "password": "guess", "_csrf_token": token}
    )
    assert response.status_code == 401
    assert "Неверный логин или пароль" in response.text


async def test_form_without_csrf_token_is_refused(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await client.get("/login")
    response = await client.post("/login", data={"login": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 403


async def test_no_open_redirect_after_sign_in(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    token = await _csrf(client)
    response = await client.post(
        "/login",
        data={"login": "sup-34", "password": DEMO_PASSWORD, "_csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/staff/centre"


async def test_public_writes_are_rate_limited(container: Container) -> None:
    settings: Settings = container.settings.model_copy(update={"public_rate_limit_per_minute": 3})
    async with AsyncTestClient(app=create_app(settings, run_worker=False)) as client:
        codes = [(await client.post("/api/v1/complaints", json={})).status_code for _ in range(5)]
        assert (await client.get("/health")).status_code == 200  # reads are not limited
    assert codes[:3] == [422, 422, 422] and codes[3:] == [429, 429]


async def test_rate_limit_counts_a_window_and_opens_again_after_it(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    import portal.web.ratelimit as ratelimit

    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "time", lambda: now[0])
    settings: Settings = container.settings.model_copy(update={"public_rate_limit_per_minute": 2})
    async with AsyncTestClient(app=create_app(settings, run_worker=False)) as client:
        first = await client.post("/api/v1/complaints", json={})
        second = await client.post("/api/v1/complaints", json={})
        refused = await client.post("/api/v1/complaints", json={})
        now[0] += 61
        again = await client.post("/api/v1/complaints", json={})
    assert [r.status_code for r in (first, second, refused, again)] == [422, 422, 429, 422]
    assert first.headers["ratelimit-limit"] == "2" and first.headers["ratelimit-policy"] == "2; w=60"
    assert [first.headers["ratelimit-remaining"], second.headers["ratelimit-remaining"]] == ["1", "0"]
    assert refused.headers["ratelimit-remaining"] == "0" and refused.headers["ratelimit-reset"] == "60"
    assert again.headers["ratelimit-remaining"] == "1"


@pytest.fixture
async def redis_store() -> AsyncIterator[RedisStore]:
    """The portal's rate-limit store in the local Redis, in a namespace of its own (CI runs two suites at
    once), emptied before and after."""
    pytest.importorskip("redis")
    namespace = f"trudnadzor-test-{uuid.uuid4().hex[:8]}"
    store = RedisStore.with_client(url="redis://127.0.0.1:6379/0", namespace=namespace)
    try:
        await store._redis.ping()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    await store.delete_all()
    yield store
    await store.delete_all()
    await store._redis.aclose()


async def test_redis_window_counts_concurrent_requests_of_two_processes_exactly(
    redis_store: RedisStore,
) -> None:
    config = RateLimitConfig(rate_limit=("minute", 1000), middleware_class=CountingRateLimitMiddleware)
    processes = [CountingRateLimitMiddleware(app=None, config=config) for _ in range(2)]  # type: ignore[arg-type]
    counted = await asyncio.gather(
        *(process._count_in_redis(redis_store, "client-1") for process in processes * 40)
    )
    assert sorted(count for count, _ in counted) == list(range(1, 81))  # no number given twice
    now = time.time()
    assert all(now + 57 <= reset <= now + 61 for _, reset in counted)  # one window of a minute


async def test_rate_limit_in_redis_is_exact_across_server_processes(container: Container) -> None:
    """Two apps (two server processes) share one Redis window; concurrent requests never overshoot it."""
    redis_asyncio = pytest.importorskip("redis.asyncio")
    redis_url = "redis://127.0.0.1:6379/0"
    redis = redis_asyncio.from_url(redis_url)
    try:
        await redis.ping()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")

    namespace = f"trudnadzor-test-{uuid.uuid4().hex[:8]}"  # CI runs two suites at once on one Redis

    async def forget_windows() -> None:
        async for key in redis.scan_iter(f"{namespace}_rate_limit:*"):
            await redis.delete(key)

    settings: Settings = container.settings.model_copy(
        update={"public_rate_limit_per_minute": 7, "redis_url": redis_url, "redis_namespace": namespace}
    )
    await forget_windows()
    try:
        async with (
            AsyncTestClient(app=create_app(settings, run_worker=False)) as first,
            AsyncTestClient(app=create_app(settings, run_worker=False)) as second,
        ):
            requests = [client.post("/api/v1/complaints", json={}) for client in (first, second) * 10]
            responses = await asyncio.gather(*requests)
    finally:
        await forget_windows()
        await redis.aclose()
    codes = sorted(r.status_code for r in responses)
    assert codes == [422] * 7 + [429] * 13
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["ratelimit-remaining"] == "0"
    assert 0 < int(refused.headers["ratelimit-reset"]) <= 60

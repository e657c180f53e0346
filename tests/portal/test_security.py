"""Hashing of passwords and access codes: correct verification, old hashes keep working, loop stays free."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher

from portal import security


async def test_access_codes_use_the_lighter_profile_and_verify() -> None:
    code = security.new_access_code()
    stored = await security.ahash_access_code(code)
    assert stored.startswith("$argon2id$") and "m=19456,t=2,p=1" in stored
    assert await security.averify_secret(stored, code)
    assert not await security.averify_secret(stored, code[::-1] if code[::-1] != code else "WRONG123")


async def test_codes_hashed_with_the_earlier_strong_profile_still_verify() -> None:
    stored = PasswordHasher().hash("ABCD2345")  # how access codes were hashed before
    assert await security.averify_secret(stored, "ABCD2345")
    assert not await security.averify_secret(stored, "ABCD2346")
    assert not await security.averify_secret("not a hash", "ABCD2345")


async def test_password_hashing_runs_off_the_event_loop() -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    stored = await security.ahash_secret("пароль-сотрудника")
    await security.averify_nothing("что угодно")
    task.cancel()
    assert await security.averify_secret(stored, "пароль-сотрудника")
    assert ticks >= 5, "the event loop was blocked while hashing"

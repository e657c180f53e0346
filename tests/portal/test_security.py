"""Hashing of passwords and access codes: correct verification, old hashes keep working, loop stays free."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher

from portal import security


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    # the session's container set the process-wide key; put it back after the test
    monkeypatch.setattr(security, "_access_code_key", security._access_code_key)
    security.use_access_code_key("a-secret-key-for-this-test")


def test_access_codes_are_keyed_hashes_that_verify(key: None) -> None:
    code = security.new_access_code()
    stored = security.hash_access_code(code)
    assert stored.startswith("hmac-sha256$") and code not in stored
    assert security.verify_access_code(stored, code)
    assert not security.verify_access_code(stored, "WRONG234")


def test_another_secret_key_gives_another_hash(key: None) -> None:
    stored = security.hash_access_code("ABCD2345")
    security.use_access_code_key("another-secret-key")
    assert security.hash_access_code("ABCD2345") != stored
    assert not security.verify_access_code(stored, "ABCD2345")


def test_codes_stored_earlier_as_argon2_hashes_still_verify(key: None) -> None:
    stored = PasswordHasher().hash("ABCD2345")
    assert security.verify_access_code(stored, "ABCD2345")
    assert not security.verify_access_code(stored, "ABCD2346")
    assert not security.verify_access_code("not a hash", "ABCD2345")


def test_without_a_key_nothing_is_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "_access_code_key", None)
    with pytest.raises(security.AccessCodeKeyMissing):
        security.hash_access_code("ABCD2345")


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

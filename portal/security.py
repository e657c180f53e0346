"""Password and access-code hashing (Argon2id) and secret generation.

Hashing is deliberately slow CPU work: async callers use the `a…` variants, which run it in a worker thread
so one sign-in or complaint does not stall every other request.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # passwords: chosen by people, so the library's strong defaults (64 MiB, t=3)
# Access codes are 8 random symbols (~40 bits) and are only checked online, behind the rate limit: the
# OWASP minimum profile (19 MiB, t=2) keeps a stolen database costly to search while intake stays fast.
# A stored hash carries its own parameters, so codes hashed with any profile keep verifying.
_code_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_secret(value: str) -> str:
    return _hasher.hash(value)


def verify_secret(stored_hash: str, value: str) -> bool:
    try:
        return _hasher.verify(stored_hash, value)
    except (VerificationError, InvalidHashError):
        return False


async def ahash_secret(value: str) -> str:
    return await asyncio.to_thread(_hasher.hash, value)


async def averify_secret(stored_hash: str, value: str) -> bool:
    return await asyncio.to_thread(verify_secret, stored_hash, value)


async def ahash_access_code(code: str) -> str:
    return await asyncio.to_thread(_code_hasher.hash, code)


def new_access_code(length: int = 8) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def normalise_access_code(value: str) -> str:
    return value.strip().upper().replace("-", "").replace(" ", "")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_secret("no-such-secret")


@lru_cache(maxsize=1)
def _dummy_code_hash() -> str:
    return _code_hasher.hash("no-such-code")


def verify_nothing(value: str) -> None:
    """Spend the time of a real verification, so a miss is not told apart from a wrong secret by timing."""
    verify_secret(_dummy_hash(), value)


async def averify_nothing(value: str, *, access_code: bool = False) -> None:
    await asyncio.to_thread(verify_secret, _dummy_code_hash() if access_code else _dummy_hash(), value)

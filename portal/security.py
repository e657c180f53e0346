"""Password and access-code hashing and secret generation.

Passwords are chosen by people, so they get Argon2id, deliberately slow CPU work: async callers use the
`a…` variants, which run it in a worker thread so one sign-in does not stall every other request.

Access codes are 8 random symbols (~40 bits) that are only ever checked online, behind the rate limit.
They are stored as HMAC-SHA256 under a key derived from SECRET_KEY, which never lies in the database:
a stolen database alone gives nothing to search offline, and intake stays fast (a memory-hard hash per
complaint would cap submissions at a few dozen per second on a small server). Codes stored earlier as
Argon2id hashes keep verifying.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # the library's strong defaults (64 MiB, t=3)

_CODE_HASH_PREFIX = "hmac-sha256$"
_access_code_key: bytes | None = None


class AccessCodeKeyMissing(RuntimeError):
    """use_access_code_key() was not called: the composition root (portal/container.py) does it."""


def use_access_code_key(secret: str) -> None:
    """Set the process-wide key for access codes, derived from SECRET_KEY (changing it voids all codes)."""
    global _access_code_key
    _access_code_key = hashlib.sha256(b"trudnadzor/access-codes\0" + secret.encode()).digest()


def hash_access_code(code: str) -> str:
    if _access_code_key is None:
        raise AccessCodeKeyMissing("access-code key is not configured")
    return _CODE_HASH_PREFIX + hmac.new(_access_code_key, code.encode(), hashlib.sha256).hexdigest()


def verify_access_code(stored_hash: str, code: str) -> bool:
    if stored_hash.startswith(_CODE_HASH_PREFIX):
        return hmac.compare_digest(stored_hash, hash_access_code(code))
    return verify_secret(stored_hash, code)  # stored before codes were keyed: an Argon2id hash


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


def new_access_code(length: int = 8) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def normalise_access_code(value: str) -> str:
    return value.strip().upper().replace("-", "").replace(" ", "")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_secret("no-such-secret")


def verify_nothing(value: str) -> None:
    """Spend the time of a real verification, so a miss is not told apart from a wrong secret by timing."""
    verify_secret(_dummy_hash(), value)


async def averify_nothing(value: str) -> None:
    await asyncio.to_thread(verify_nothing, value)

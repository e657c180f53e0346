"""Password and access-code hashing (Argon2id) and secret generation."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_secret(value: str) -> str:
    return _hasher.hash(value)


def verify_secret(stored_hash: str, value: str) -> bool:
    try:
        return _hasher.verify(stored_hash, value)
    except (VerificationError, InvalidHashError):
        return False


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

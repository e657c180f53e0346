"""Bearer tokens for the inspector API: random, shown once, stored as SHA-256 (they are high-entropy)."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import ApiToken, User, utcnow

PREFIX = "tn_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(session: AsyncSession, user: User, label: str = "") -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label[:100]))
    await session.flush()
    return token


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = await session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_used_at = utcnow()
    return user


async def revoke_token(session: AsyncSession, token: str) -> bool:
    row = await session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True

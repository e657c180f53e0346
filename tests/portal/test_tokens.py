from __future__ import annotations

import sqlalchemy as sa

from portal.container import Container
from portal.models import ApiToken, User
from portal.tokens import issue_token, revoke_token, user_for_token


async def test_token_is_shown_once_stored_hashed_and_revocable(container: Container) -> None:
    async with container.sessions.begin() as session:
        user = (await session.scalars(sa.select(User).where(User.login == "insp-34-1"))).one()
        token = await issue_token(session, user, "ноутбук")
        stored = (await session.scalars(sa.select(ApiToken.token_hash))).all()
    assert token not in stored and len(token) > 40
    async with container.sessions.begin() as session:
        found = await user_for_token(session, token)
        assert found is not None and found.login == "insp-34-1"
        assert await user_for_token(session, token + "x") is None
        assert await user_for_token(session, "Bearer garbage") is None
        assert await revoke_token(session, token)
    async with container.sessions() as session:
        assert await user_for_token(session, token) is None

"""The engine's pool: a connection the server has closed is replaced at checkout, not handed out."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from portal.db import create_engine


async def test_a_connection_closed_by_the_server_is_replaced(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: SQLite has no server to close a connection")
    engine, admin = create_engine(database_url), create_engine(database_url)
    try:
        async with engine.connect() as connection:
            pid = (await connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
        async with admin.connect() as connection:  # e.g. a server restart or an idle timeout
            await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await asyncio.sleep(0.2)  # the driver sees the socket close
        async with engine.connect() as connection:
            replacement = (await connection.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
        assert replacement != pid
    finally:
        await engine.dispose()
        await admin.dispose()

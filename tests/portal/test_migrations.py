"""Migrations upgrade and downgrade on the database under test, and match the models."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.db import create_engine
from portal.migrate import downgrade, upgrade
from portal.models import Base


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        await engine.dispose()
        return set(names)

    return asyncio.run(run())


def _diff(url: str) -> list[object]:
    async def run() -> list[object]:
        engine = create_engine(url)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        await engine.dispose()
        return list(diff)

    return asyncio.run(run())


def test_upgrade_downgrade_upgrade(fresh_database_url: str) -> None:
    model_tables = set(Base.metadata.tables)
    upgrade(fresh_database_url)
    assert model_tables <= _tables(fresh_database_url)
    downgrade(fresh_database_url, "base")
    assert not (model_tables & _tables(fresh_database_url))
    upgrade(fresh_database_url)
    assert model_tables <= _tables(fresh_database_url)


def test_migrations_match_the_models(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    assert _diff(fresh_database_url) == [], "models changed without a migration: run alembic revision"

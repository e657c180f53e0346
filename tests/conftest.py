"""Shared fixtures: a real database (SQLite file, or PostgreSQL from TEST_DATABASE_URL) with migrations."""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from portal.container import Container, build_container
from portal.migrate import downgrade, upgrade
from portal.models import Base
from portal.pgadmin import admin_execute
from portal.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# Tables whose rows a test creates; reference data (regions, inspections, users) stays for the session.
TRANSACTIONAL_TABLES = (
    "case_events",
    "outbox",
    "subscriptions",
    "attachments",
    "problems",
    "cases",
    "complaints",
    "assessments",
    "jobs",
    "api_tokens",
    "kb_feedback",
)


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def is_postgres() -> bool:
    return bool(_postgres_url())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that touch the database run again on PostgreSQL in CI (`-m db`).
    for item in items:
        if {"database_url", "container", "fresh_database_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind under test, dropped afterwards."""
    base = _postgres_url()
    if base is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"trudnadzor_t_{uuid.uuid4().hex[:10]}"
    admin_execute(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _postgres_url()
    if url is None:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        downgrade(url, "base")  # start from nothing even if an earlier run was interrupted
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def knowledge_index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge base's search index, built once (about 40 s on a slow machine) in pytest's cache, so
    CI's PostgreSQL run reuses the SQLite run's; rebuilt when the articles, the model or
    `search.embedded.INDEX_FORMAT` change (all are in the index's content hash). Tests that
    search the real content copy it with `copy_knowledge_index` and the build finds it up to date.
    A file lock keeps two runs at once (CI runs the PostgreSQL suite beside the SQLite one) from
    building it together: the second waits and finds it up to date."""
    from search.config import SearchConfig
    from search.service import build_index

    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("knowledge-index") if cache is not None else tmp_path_factory.mktemp("knowledge")
    with open(home / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build_index(SearchConfig(index_dir=home / "search"))
    return home / "search"


def copy_knowledge_index(knowledge_index: Path, data_dir: Path) -> None:
    """Put the prebuilt index where the portal with this data directory looks for it."""
    shutil.copytree(knowledge_index, data_dir / "search", dirs_exist_ok=True)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"), _env_file=None)


@pytest.fixture(scope="session")
async def session_container(settings: Settings) -> AsyncIterator[Container]:
    from portal.demo import load_demo

    container = build_container(settings)
    async with container.sessions.begin() as session:
        await load_demo(session)
    yield container
    await container.close()


@pytest.fixture
async def container(session_container: Container) -> AsyncIterator[Container]:
    """The session's container with transactional tables emptied before each test."""
    async with session_container.sessions.begin() as session:
        await session.execute(sa.update(Base.metadata.tables["cases"]).values(merged_into_id=None))
        await session.execute(sa.update(Base.metadata.tables["users"]).values(employer_id=None))
        for table in (*TRANSACTIONAL_TABLES, "employers"):
            await session.execute(sa.delete(Base.metadata.tables[table]))
    yield session_container

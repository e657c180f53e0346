"""Programmatic Alembic: `trudnadzor db upgrade` and the tests use these."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def _in_thread(function, *args) -> None:  # type: ignore[no-untyped-def]
    # env.py drives its own event loop; run it off the caller's loop when one is running.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        function(*args)
        return
    raise RuntimeError("call upgrade()/downgrade() via asyncio.to_thread inside an event loop")


def upgrade(database_url: str, revision: str = "head") -> None:
    _in_thread(command.upgrade, alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    _in_thread(command.downgrade, alembic_config(database_url), revision)

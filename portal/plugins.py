"""Plugins: packages that add CLI commands and job handlers without the core importing them.

`bots` (channels) registers itself through the entry point group `trudnadzor.plugins` in pyproject.toml, so
`portal` never imports `bots` while `trudnadzor bot` and notification delivery still work.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

import click

if TYPE_CHECKING:
    from portal.container import Container
    from portal.jobs import Handler

log = logging.getLogger(__name__)

GROUP = "trudnadzor.plugins"


class Plugin(Protocol):
    name: str

    def cli_commands(self) -> Sequence[click.Command]: ...

    def job_handlers(self, container: Container) -> dict[str, Handler]: ...


@lru_cache(maxsize=1)
def plugins() -> tuple[Plugin, ...]:
    found = []
    for entry in entry_points(group=GROUP):
        found.append(entry.load())
    return tuple(found)

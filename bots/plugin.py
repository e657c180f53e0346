"""The channels plugin: CLI commands and job handlers of `bots`, registered through an entry point."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from portal.container import Container
    from portal.jobs import Handler


class ChannelsPlugin:
    name = "bots"

    def cli_commands(self) -> Sequence[click.Command]:
        from bots.cli import bench_channels, bot, mail

        return [bot, mail, bench_channels]

    def job_handlers(self, container: Container) -> dict[str, Handler]:
        from bots.notify import NOTIFY_JOB, Notifier

        notifier = Notifier(container.sessions, container.settings)
        return {NOTIFY_JOB: notifier.handle}


plugin = ChannelsPlugin()

"""`trudnadzor bot`, `trudnadzor mail smtp|imap` and `trudnadzor bench-channels` (mounted by the plugin)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator

import click

from portal.settings import Settings, SettingsError, load_settings


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[object]:
    """The container, with the job worker in this process when WORKER_MODE=embedded."""
    from portal.container import build_container

    container = build_container(settings)
    worker = container.worker() if settings.worker_mode == "embedded" else None
    task = asyncio.create_task(worker.run()) if worker else None
    try:
        yield container
    finally:
        if worker and task:
            worker.stop()
            await task
        await _close_notifier(container)
        await container.close()


async def _close_notifier(container: object) -> None:
    """The delivery handler may hold an HTTP session to the Bot API; close it with the process."""
    from bots.notify import NOTIFY_JOB, Notifier

    handler = getattr(container, "handlers", {}).get(NOTIFY_JOB)
    owner = getattr(handler, "__self__", None)
    if isinstance(owner, Notifier):
        await owner.close()


async def _wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


@click.command("bot", help="Запустить Telegram-бота. / Run the Telegram bot (polling, or a webhook).")
@click.option(
    "--webhook",
    "webhook_url",
    default=None,
    metavar="URL",
    help="Публичный HTTPS-адрес вебхука; без него — опрос (polling). / Public webhook URL.",
)
@click.option(
    "--listen-host", default="127.0.0.1", show_default=True, help="Webhook: local address to listen on."
)
@click.option("--listen-port", default=8081, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def bot(ctx: click.Context, webhook_url: str | None, listen_host: str, listen_port: int) -> None:
    from bots.telegram.app import NO_TOKEN, run_bot

    settings = _settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        click.echo(NO_TOKEN, err=True)
        ctx.exit(2)

    async def run() -> None:
        async with _running(settings) as container:
            await run_bot(
                container,  # type: ignore[arg-type]
                webhook_url=webhook_url,
                listen_host=listen_host,
                listen_port=listen_port,
            )

    mode = f"вебхук {webhook_url}" if webhook_url else "опрос (polling)"
    click.echo(f"Telegram-бот запущен: {mode}; фоновые задачи: {settings.worker_mode}")
    asyncio.run(run())


@click.group("mail", help="Приём обращений по электронной почте. / E-mail intake.")
def mail() -> None:
    pass


@mail.command("smtp", help="SMTP-приёмник для почтового сервера. / SMTP receiver an MTA delivers to.")
@click.option("--host", default=None, help="Default: MAIL_INBOUND_HOST.")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Default: MAIL_INBOUND_PORT.")
def mail_smtp(host: str | None, port: int | None) -> None:
    from bots.mail.inbound import MailIntake
    from bots.mail.smtp import start_smtp_server

    settings = _settings()
    host = host or settings.mail_inbound_host
    port = port or settings.mail_inbound_port

    async def run() -> None:
        async with _running(settings) as container:
            intake = MailIntake.from_settings(container.sessions, settings)  # type: ignore[attr-defined]
            server = await start_smtp_server(intake, host, port)
            click.echo(f"SMTP-приёмник: {host}:{port}; фоновые задачи: {settings.worker_mode}")
            try:
                await _wait_for_signal()
            finally:
                server.close()
                await server.wait_closed()

    asyncio.run(run())


@mail.command("imap", help="Забирать письма из почтового ящика по IMAP. / Poll an IMAP mailbox.")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(1, 3600), help="Seconds.")
@click.option("--once", is_flag=True, help="Poll once, then exit.")
def mail_imap(interval: float, once: bool) -> None:
    from bots.mail.imap import ImapError, ImapPoller
    from bots.mail.inbound import MailIntake

    settings = _settings()

    async def run() -> int:
        async with _running(settings) as container:
            intake = MailIntake.from_settings(container.sessions, settings)  # type: ignore[attr-defined]
            try:
                poller = ImapPoller.from_settings(intake, settings, interval)
            except ImapError as exc:
                raise click.ClickException(f"Не настроен IMAP: {exc}") from None
            if once:
                return await poller.poll_once()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            click.echo(f"IMAP: опрос каждые {interval:g} с; фоновые задачи: {settings.worker_mode}")
            await poller.run(stop)
            return 0

    count = asyncio.run(run())
    if once:
        click.echo(f"Обработано писем: {count}")


@click.command(
    "bench-channels", help="Нагрузочная проверка каналов. / Burst of e-mails and Telegram updates."
)
@click.option("--emails", default=1000, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--updates", default=1000, show_default=True, type=click.IntRange(0, 100_000))
@click.option(
    "--database-url", default=None, help="Default: a fresh SQLite database in a temporary directory."
)
@click.option("--json", "as_json", is_flag=True)
def bench_channels(emails: int, updates: int, database_url: str | None, as_json: bool) -> None:
    from bots.bench import run_bench

    report = asyncio.run(run_bench(emails=emails, updates=updates, database_url=database_url))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            click.echo(f"{key}: {value}")
    if not report["ok"]:
        raise SystemExit(1)

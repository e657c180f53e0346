"""The `trudnadzor` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import click

from portal.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _run(coroutine_function: Callable[[Settings], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(coroutine_function(_settings()))


@click.group(help="Труднадзор: обращения о нарушениях трудовых прав. / Trudnadzor command line.")
@click.option("-v", "--verbose", is_flag=True, help="Подробный журнал. / Verbose logging.")
def main(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        logging.getLogger("alembic").setLevel(logging.WARNING)


@main.group(help="Схема базы данных. / Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Применить миграции. / Apply migrations up to the newest.")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    from portal.migrate import upgrade

    upgrade(_settings().database_url, revision)
    click.echo("База данных обновлена. / Database is up to date.")


@db.command("downgrade", help="Откатить миграции. / Revert migrations.")
@click.option("--revision", required=True, help="Target revision, e.g. base.")
def db_downgrade(revision: str) -> None:
    from portal.migrate import downgrade

    downgrade(_settings().database_url, revision)
    click.echo(f"Откат выполнен до {revision}. / Downgraded to {revision}.")


@main.command(help="Справочники и демонстрационные учётные записи. / Load reference data and demo accounts.")
def demo() -> None:
    from portal.demo import DEMO_PASSWORD, load_demo
    from portal.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)

    async def run(settings: Settings) -> Any:
        from portal.container import build_container

        container = build_container(settings)
        try:
            async with container.sessions.begin() as session:
                return await load_demo(session)
        finally:
            await container.close()

    report = asyncio.run(run(settings))
    created = (
        ", ".join(f"{what}: {count}" for what, count in sorted(report.created.items())) or "ничего нового"
    )
    click.echo(f"Демо-данные готовы (создано — {created}).")
    click.echo(f"Демо-логины (пароль для всех: {DEMO_PASSWORD}):")
    for login, role in report.logins:
        click.echo(f"  {login:<14} {role}")


@main.command(help="Запустить портал. / Start the web portal.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    import uvicorn

    from portal.web.app import create_app

    settings = _settings()
    click.echo(f"Портал: http://{host}:{port}  (фоновые задачи: {settings.worker_mode})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@main.command(help="Обработчик фоновых задач. / Run a standalone job worker.")
@click.option("--once", is_flag=True, help="Process what is queued now, then exit.")
def worker(once: bool) -> None:
    async def run(settings: Settings) -> int:
        from portal.container import build_container

        container = build_container(settings)
        job_worker = container.worker()
        try:
            if once:
                return await job_worker.run_until_idle()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, job_worker.stop)
            await job_worker.run()
            return 0
        finally:
            await container.close()

    ran = _run(run)
    if once:
        click.echo(f"Выполнено задач: {ran}")


@main.command(help="Сводка по данным и очереди. / Counts of everything an operator checks first.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(as_json: bool) -> None:
    async def run(settings: Settings) -> dict[str, Any]:
        from portal.container import build_container
        from portal.stats import collect_stats

        container = build_container(settings)
        try:
            async with container.sessions() as session:
                return await collect_stats(session)
        finally:
            await container.close()

    settings = _settings()
    try:
        data = asyncio.run(run(settings))
    except Exception as exc:  # typically: the schema does not exist yet
        raise click.ClickException(
            f"Не удалось прочитать базу данных ({type(exc).__name__}). Выполните `trudnadzor db upgrade`."
        ) from None
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key}: {json.dumps(value, ensure_ascii=False)}")


def _mount_commands() -> None:
    """Commands of the pure packages and of plugins (bots) join the one `trudnadzor` command."""
    from portal.plugins import plugins
    from routing.cli import deadlines

    main.add_command(deadlines)
    for plugin in plugins():
        for command in plugin.cli_commands():
            main.add_command(command)


_mount_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

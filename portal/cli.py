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


# Commands of the search package read their configuration from ctx.meta (search/cli.py).
SEARCH_COMMANDS = {"search", "kb", "bench"}


@click.group(help="Труднадзор: обращения о нарушениях трудовых прав. / Trudnadzor command line.")
@click.option("-v", "--verbose", is_flag=True, help="Подробный журнал. / Verbose logging.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        # Libraries that narrate their start-up (faiss lists every CPU build it tries; pymorphy its files).
        for chatty in ("alembic", "faiss.loader", "pymorphy2", "pymorphy3"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    if ctx.invoked_subcommand in SEARCH_COMMANDS:
        from portal.knowledge import search_config

        ctx.meta["search.config"] = search_config(_settings())


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


@main.command(
    help="Справочники, демо-учётные записи и демо-обращения. / Reference data, demo accounts, complaints."
)
@click.option(
    "--analyse/--no-analyse",
    "with_analysis",
    default=True,
    help="Разобрать демо-обращения сразу. / Analyse them now.",
)
def demo(with_analysis: bool) -> None:
    from portal.demo import DEMO_PASSWORD, file_demo_complaints, load_demo
    from portal.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)

    async def run(settings: Settings) -> Any:
        from portal.container import build_container

        container = build_container(settings)
        try:
            async with container.sessions.begin() as session:
                report = await load_demo(session)
            filed = await file_demo_complaints(container.sessions, settings.uploads_path)
            if with_analysis:
                click.echo("Разбор демо-обращений (первый запуск загружает языковые модели)…")
                await container.worker().run_until_idle()
            return report, filed
        finally:
            await container.close()

    report, filed = asyncio.run(run(settings))
    created = (
        ", ".join(f"{what}: {count}" for what, count in sorted(report.created.items())) or "ничего нового"
    )
    click.echo(f"Демо-данные готовы (создано — {created}).")
    click.echo(f"Демо-логины (пароль для всех: {DEMO_PASSWORD}):")
    for login, role in report.logins:
        click.echo(f"  {login:<14} {role}")
    new = [item for item in filed if item.access_code]
    if new:
        click.echo("Демо-обращения (номер и код доступа для страницы «Статус обращения»):")
        for item in new:
            click.echo(f"  {item.tracking_number}  {item.access_code}")
    _build_knowledge_index(settings)


def _build_knowledge_index(settings: Settings) -> None:
    from portal.knowledge import search_config
    from search.service import build_index

    click.echo("Индекс базы знаний (строится только при изменении статей)…")
    built = build_index(search_config(settings))
    state = "построен" if built.rebuilt else "актуален"
    click.echo(f"  {state}: материалов — {built.units}, фрагментов — {built.documents}, {built.seconds} с")


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


@main.command(help="Показатели работы инспекций за период. / KPIs for a period.")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def kpi(start: Any, end: Any, as_json: bool) -> None:
    if end < start:
        raise click.BadParameter(
            "конец периода раньше начала / the period ends before it starts", param_hint="--to"
        )

    async def run(settings: Settings) -> dict[str, Any]:
        from portal.container import build_container
        from portal.kpi_service import kpi_json

        container = build_container(settings)
        try:
            async with container.sessions() as session:
                return await kpi_json(session, start.date(), end.date())
        finally:
            await container.close()

    data = _run(run)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"Период: {data['from']} — {data['to']}")
    for title, key in (("Лучшие инспекции", "best"), ("Худшие инспекции", "worst")):
        click.echo(f"{title}:")
        for row in data[key]:
            click.echo(f"  {row['name']}")
    for row in sorted(data["by_inspection"], key=lambda r: -(r["score_share"] or 0)):
        share = f"{row['score_share'] * 100:.0f} %" if row["score_share"] is not None else "нет данных"
        click.echo(
            f"  {row['name']}: получено {row['received']}, в срок {row['answered_in_time']}, "
            f"просрочено {row['overdue']}, баллы {share}"
        )


@main.command(
    "export-corrections",
    help="Исправления категорий инспекторами как обучающие примеры (JSON-строки). / "
    "Inspectors' category corrections as training lines.",
)
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="Файл (по умолчанию stdout)."
)
def export_corrections(out: Any) -> None:
    async def run(settings: Settings) -> int:
        from portal.container import build_container
        from portal.corrections import corrected_examples

        container = build_container(settings)
        count = 0
        try:
            async with container.sessions() as session:
                async for line in corrected_examples(session):
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    count += 1
        finally:
            await container.close()
        return count

    count = _run(run)
    click.echo(
        f"Примеров: {count}. Добавьте нужные в nlp/data/train.jsonl и выполните «trudnadzor nlp train».",
        err=True,
    )


def _mount_commands() -> None:
    """Commands of the pure packages and of plugins (bots) join the one `trudnadzor` command."""
    from nlp.cli import bench_triage, nlp_group, triage
    from portal.plugins import plugins
    from routing.cli import deadlines
    from search.cli import bench, kb, search_command

    main.add_command(deadlines)
    main.add_command(triage)
    main.add_command(nlp_group)
    main.add_command(search_command)
    main.add_command(kb)
    bench.add_command(bench_triage)
    main.add_command(bench)
    for plugin in plugins():
        for command in plugin.cli_commands():
            main.add_command(command)


_mount_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

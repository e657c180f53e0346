"""Search commands as plain click objects; the portal CLI (portal/cli.py) mounts them.

Configuration comes from `ctx.meta["search.config"]` (a `SearchConfig` the portal builds from its settings),
else `SearchConfig()` defaults. Mounted as: `trudnadzor search`, `trudnadzor kb build|ingest-law`,
`trudnadzor bench embedders`, `trudnadzor bench search`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from search.config import SearchConfig


def current_config() -> SearchConfig:
    ctx = click.get_current_context(silent=True)
    config = ctx.meta.get("search.config") if ctx is not None else None
    return config if isinstance(config, SearchConfig) else SearchConfig()


def _progress(stage: str, done: int, total: int) -> None:
    names = {"lexical": "лексический индекс", "vectors": "векторы"}
    click.echo(f"\r  {names.get(stage, stage)}: {done}/{total}", nl=done >= total, err=True)


def _open_backend() -> Any:
    from search.service import open_backend

    try:
        return open_backend(current_config(), progress=_progress)
    except (ValueError, OSError) as exc:  # ContentError, LawFileError, a missing directory
        raise click.ClickException(str(exc)) from None


def _print_table(result: Any, out: TextIO | None = None) -> None:
    if result.no_answer:
        click.echo(
            "Ответ в базе знаний не найден. Попробуйте переформулировать вопрос "
            "или подайте обращение в трудовую инспекцию."
        )
        return
    click.echo(f"Найдено: {len(result.hits)}")
    click.echo(f"{'№':>2}  {'Оценка':>7}  Материал")
    for number, hit in enumerate(result.hits, 1):
        click.echo(f"{number:>2}  {hit.score:>7.4f}  {hit.title}")
        if hit.refs:
            click.echo(f"{'':>13}Нормы: {', '.join(hit.refs)}")
        click.echo(f"{'':>13}{hit.snippet}")
        click.echo(f"{'':>13}{hit.url}")


def _run_batch(backend: Any, source: TextIO, k: int) -> tuple[int, int]:
    """One output line per input line; a bad line gives an error line and the run goes on."""
    done = failed = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        query_id: Any = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("expected a JSON object")
            query_id = record.get("id")
            query = record.get("query")
            if not isinstance(query, str) or not query.strip():
                raise ValueError("'query' must be a non-empty string")
            result = backend.search(query, k=k)
            click.echo(json.dumps({"id": query_id, **result.to_json()}, ensure_ascii=False))
            done += 1
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            click.echo(json.dumps({"id": query_id, "line": number, "error": str(exc)}, ensure_ascii=False))
            failed += 1
    return done, failed


@click.command("search", help="Поиск по базе знаний. / Search the knowledge base.")
@click.argument("query", required=False)
@click.option(
    "-k", "k", default=5, show_default=True, type=click.IntRange(1, 100), help="Сколько результатов."
)
@click.option("--json", "as_json", is_flag=True, help="Вывод в JSON. / JSON output.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help='Файл JSON-строк {"id", "query"} ("-" = stdin); ответ — по строке на запрос.',
)
def search_command(query: str | None, k: int, as_json: bool, batch: TextIO | None) -> None:
    if (query is None) == (batch is None):
        raise click.UsageError("укажите вопрос или --batch FILE (одно из двух)")
    backend = _open_backend()
    try:
        if batch is not None:
            done, failed = _run_batch(backend, batch, k)
            click.echo(f"обработано {done}, ошибок {failed}", err=True)
            return
        assert query is not None
        result = backend.search(query, k=k)
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            _print_table(result)
    finally:
        backend.close()


@click.group("kb", help="Индекс базы знаний. / Knowledge-base index.")
def kb() -> None:
    pass


@kb.command("build", help="Построить индекс (если содержимое изменилось). / Build the search index.")
@click.option("--force", is_flag=True, help="Перестроить, даже если ничего не изменилось.")
def kb_build(force: bool) -> None:
    from search.service import build_index

    config = current_config()
    try:
        report = build_index(config, force=force, progress=_progress)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(report.by_kind.items()))
    state = "построен" if report.rebuilt else "не изменился, загружен"
    click.echo(
        f"Индекс {state} за {report.seconds:.1f} с: {report.units} материалов, "
        f"{report.documents} фрагментов ({kinds}); бэкенд {config.backend}, каталог {config.index_dir}"
    )


@kb.command(
    "ingest-law", help="Загрузить текст закона (JSON-строки как tkrf_articles.jsonl) и переиндексировать."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def kb_ingest_law(file: Path) -> None:
    from search.documents import LawFileError
    from search.service import build_index, ingest_law

    config = current_config()
    try:
        count = ingest_law(config, file)
    except LawFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Принято статей: {count}")
    report = build_index(config, progress=_progress)
    click.echo(f"Индекс обновлён за {report.seconds:.1f} с: {report.units} материалов.")


@click.command("embedders", help="Сравнить модели эмбеддингов. / Compare sentence embedders.")
@click.option("--model", "models", multiple=True, help="Модели (по умолчанию — встроенные).")
def bench_embedders(models: tuple[str, ...]) -> None:
    from search.bench import bench_embedders as run
    from search.embedders import BUILTIN_MODELS

    run(list(models) or list(BUILTIN_MODELS), current_config(), echo=click.echo)


@click.command("search", help="Качество и задержка поиска. / Search quality and latency.")
@click.option(
    "--dev",
    "dev_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Dev set (default: search/data/dev_queries.jsonl).",
)
@click.option(
    "--case-sizes",
    default="100000,1000000",
    show_default=True,
    help="Sizes of the synthetic similar-case index; '' to skip.",
)
@click.option("--queries", default=200, show_default=True, help="Queries timed per measurement.")
@click.option("--calibrate", is_flag=True, help="Also calibrate the no-answer threshold.")
@click.option(
    "--law",
    "law_paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score a set labelled with Labour Code articles (repeatable; default run: the blind sets).",
)
def bench_search(
    dev_path: Path | None, case_sizes: str, queries: int, calibrate: bool, law_paths: tuple[Path, ...]
) -> None:
    from search.bench import bench_search as run

    sizes = [int(s) for s in case_sizes.split(",") if s.strip()]
    run(current_config(), dev_path, sizes, queries, calibrate, echo=click.echo, law_paths=law_paths)


@click.group("bench", help="Измерения. / Benchmarks.")
def bench() -> None:
    pass


bench.add_command(bench_embedders)
bench.add_command(bench_search)

# for the portal: main.add_command(search_command); main.add_command(kb); main.add_command(bench)
COMMANDS = (search_command, kb, bench)


def main() -> None:  # `python -m search.cli ...` without the portal
    group = click.Group("search-cli", commands={"search": search_command, "kb": kb, "bench": bench})
    group(prog_name="search", args=sys.argv[1:])


if __name__ == "__main__":
    main()

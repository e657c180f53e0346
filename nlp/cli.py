"""Click commands of the NLP package; the lead mounts them into ``trudnadzor``:
``triage`` (top level), the ``nlp`` group (``train``, ``eval``) and ``bench_triage`` (as ``bench triage``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from nlp.dataset import DEV_PATH, TRAIN_PATH

BATCH = 32


def _error_line(record_id: Any, message: str) -> str:
    return json.dumps({"id": record_id, "error": message}, ensure_ascii=False)


def triage_stream(source: IO[str], sink: IO[str], batch_size: int = BATCH) -> tuple[int, int]:
    """Read JSON lines ``{"id", "text"}``, write one JSON line per input line; returns (ok, errors)."""
    from nlp.pipeline import Analyzer
    from nlp.types import Analysis

    analyzer = Analyzer.default()
    ok = errors = 0
    pending: list[tuple[Any, str | None, str | None]] = []  # (id, text, error)

    def flush() -> None:
        nonlocal ok, errors
        texts = [text for _, text, error in pending if error is None and text is not None]
        results = iter(analyzer.analyze_many(texts, errors="return"))
        for record_id, _text, error in pending:
            if error is not None:
                sink.write(_error_line(record_id, error) + "\n")
                errors += 1
                continue
            result = next(results)
            if isinstance(result, Analysis):
                sink.write(json.dumps({"id": record_id, **result.to_dict()}, ensure_ascii=False) + "\n")
                ok += 1
            else:
                sink.write(_error_line(record_id, str(result)) + "\n")
                errors += 1
        sink.flush()
        pending.clear()

    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            pending.append((None, None, f"Строка {number}: некорректный JSON."))
        else:
            if not isinstance(record, dict):
                pending.append((None, None, f"Строка {number}: ожидается объект JSON с полями id и text."))
            elif not isinstance(record.get("text"), str):
                pending.append((record.get("id"), None, f"Строка {number}: нет текстового поля text."))
            else:
                pending.append((record.get("id"), record["text"], None))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return ok, errors


@click.command(
    "triage", help="Разбор обращений: JSON-строки {id, text} → результат по строке. / Triage JSON lines."
)
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
def triage(file: IO[str]) -> None:
    ok, errors = triage_stream(file, sys.stdout)
    click.echo(f"Обработано: {ok}, ошибок: {errors}.", err=True)


@click.group("nlp", help="Классификатор обращений. / The complaint classifier.")
def nlp_group() -> None:
    pass


@nlp_group.command(
    "train", help="Обучить классификатор на train.jsonl (детерминированно). / Train the model."
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=TRAIN_PATH,
    show_default=True,
)
def train_command(data: Path) -> None:
    from nlp.train import train

    report = train(data)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


@nlp_group.command(
    "eval",
    help="Качество на отложенном наборе dev.jsonl или на другом файле (--data/--file). / Evaluate on the dev "
    "set or on another labelled file.",
)
@click.option(
    "--data",
    "--file",
    "data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEV_PATH,
    show_default=True,
)
@click.option(
    "--all",
    "all_sets",
    is_flag=True,
    help="Все отложенные наборы (dev, challenge, слепые), по строке на набор и итог. / Every held-out set, a "
    "line each, and the blind sets' totals.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="С --all: сколько процессов делят наборы (по умолчанию по одному на ядро). / With --all: processes "
    "sharing the sets (one per core by default).",
)
@click.option("--json", "as_json", is_flag=True, help="Вывести JSON. / Print JSON.")
def eval_command(data: Path, all_sets: bool, processes: int | None, as_json: bool) -> None:
    from nlp.evaluate import evaluate, format_report

    if all_sets:
        _eval_all(as_json, processes)
        return
    report = evaluate(data)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_report(report))


def _eval_all(as_json: bool, processes: int | None) -> None:
    from nlp.evaluate import blind_totals, format_set_line, format_totals, held_out_paths, set_lines

    lines = []
    # a line as each set is done: progress on a run over hundreds of sets
    for line in set_lines(held_out_paths(), processes):
        lines.append(line)
        click.echo(json.dumps(line, ensure_ascii=False) if as_json else format_set_line(line))
    totals = blind_totals(lines)
    click.echo(json.dumps({"blind_totals": totals}, ensure_ascii=False) if as_json else format_totals(totals))


@click.command(
    "triage", help="Скорость разбора обращений на одном процессе. / Triage throughput and latency."
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEV_PATH,
    show_default=True,
)
@click.option("--count", default=400, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def bench_triage(data: Path, count: int, as_json: bool) -> None:
    from nlp.bench import bench

    report = bench(data, count=count)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"обращений: {report['complaints']} (средняя длина в символах: {report['mean_chars']})\n"
        f"загрузка моделей: {report['model_load_seconds']} с\n"
        f"по одному: {report['single_per_second']} обращений/с, p50 {report['p50_ms']} мс, "
        f"p95 {report['p95_ms']} мс, max {report['max_ms']} мс\n"
        f"пакетами по {report['batch']}: {report['batched_per_second']} обращений/с"
    )

"""CLI contract: `search --json`, the human table, `--batch` with a bad line, `kb build`, `kb ingest-law`."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from search.cli import bench, kb, search_command
from search.config import SearchConfig


def _root(config: SearchConfig) -> click.Group:
    """Mounted the way the portal does it: the config travels in ctx.meta."""

    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.meta["search.config"] = config

    root.add_command(search_command)
    root.add_command(kb)
    root.add_command(bench)
    return root


@pytest.fixture()
def cli(config, embedder, monkeypatch):  # type: ignore[no-untyped-def]
    # reuse the session's embedder instead of loading it again for each command
    monkeypatch.setattr("search.service.load_embedder_for", lambda _config: embedder)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(_root(config), list(args), input=input, catch_exceptions=False)

    return invoke


def test_search_json_contract(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "не платят зарплату уже месяц", "-k", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"hits", "no_answer"} and data["no_answer"] is False
    assert 1 <= len(data["hits"]) <= 3
    hit = data["hits"][0]
    assert set(hit) == {"id", "title", "score", "refs", "snippet", "url"}
    assert hit["id"] == "salary-delay" and hit["url"].startswith("/kb/salary-delay")
    assert isinstance(hit["refs"], list) and all(r.startswith("ТК РФ ст. ") for r in hit["refs"])
    assert isinstance(hit["score"], float) and len(hit["snippet"]) <= 300


def test_search_no_answer_json(cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(cli("search", "рецепт борща", "--json").stdout)
    assert data == {"hits": [], "no_answer": True}


def test_search_table(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "сколько дней отпуска положено")
    assert result.exit_code == 0
    assert "Найдено:" in result.stdout and "/kb/annual-leave" in result.stdout
    assert "Ответ в базе знаний не найден" in cli("search", "как поменять паспорт").stdout


def test_search_needs_a_query(cli) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(search_command, [])
    assert result.exit_code == 2 and "--batch" in result.output


def test_batch_with_a_bad_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "queries.jsonl"
    batch.write_text(
        '{"id": 1, "query": "задерживают зарплату"}\n'
        "not json\n"
        '{"id": "x", "query": ""}\n'
        "\n"
        '{"id": "q3", "query": "рецепт борща"}\n',
        encoding="utf-8",
    )
    result = cli("search", "--batch", str(batch), "-k", "2")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["id"] == 1 and lines[0]["hits"][0]["id"] == "salary-delay" and not lines[0]["no_answer"]
    assert lines[1]["line"] == 2 and "error" in lines[1] and lines[1]["id"] is None
    assert lines[2]["id"] == "x" and "query" in lines[2]["error"]
    assert lines[3] == {"id": "q3", "hits": [], "no_answer": True}
    assert "ошибок 2" in result.stderr


def test_batch_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "--batch", "-", "--json", input='{"id": "a", "query": "сверхурочная работа"}\n')
    assert json.loads(result.stdout.splitlines()[0])["id"] == "a"


def test_kb_build_prints_counts_and_time(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("kb", "build")
    assert first.exit_code == 0
    assert "Индекс построен" in first.stdout and "6 материалов" in first.stdout and " с:" in first.stdout
    assert "векторы" in first.stderr  # progress
    assert "не изменился" in cli("kb", "build").stdout


def test_bench_search_scores_law_labelled_sets(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dev = tmp_path / "dev.jsonl"
    dev.write_text('{"query": "задерживают зарплату", "relevant": ["salary-delay"]}\n', encoding="utf-8")
    law = tmp_path / "law.jsonl"
    law.write_text(
        '{"id": "a", "query": "зарплату не платят второй месяц", "refs": ["ТК РФ ст. 136"]}\n'
        '{"id": "b", "query": "сколько дней отпуска в году", "refs": ["ТК РФ ст. 999"]}\n'
        '{"id": "c", "query": "рецепт борща", "refs": []}\n',
        encoding="utf-8",
    )
    result = cli(
        "bench", "search", "--dev", str(dev), "--law", str(law), "--case-sizes", "", "--queries", "3"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    law_lines = [line for line in lines if "law_set" in line]
    # only the file asked for: the blind sets are scored by the default run alone
    assert [line["law_set"] for line in law_lines] == [str(law)]
    scored = law_lines[0]
    assert scored["n"] == 2 and scored["hit@1"] == 0.5 and scored["hit@5"] == 0.5  # ст. 999 is in no article
    assert scored["no_answer_queries"] == 1 and scored["turned_away"] == 1


def test_kb_ingest_law(cli, config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    law = tmp_path / "tk.jsonl"
    law.write_text(
        json.dumps(
            {
                "article": "80",
                "title": "Расторжение трудового договора по инициативе работника",
                "text": "Работник имеет право расторгнуть трудовой договор, предупредив "
                "работодателя не позднее чем за две недели.",
                "repealed": False,
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli("kb", "ingest-law", str(law))
    assert result.exit_code == 0 and "Принято статей: 1" in result.stdout
    assert (Path(config.index_dir) / "law.jsonl").exists()
    data = json.loads(
        cli("search", "расторгнуть трудовой договор предупредив за две недели", "-k", "10", "--json").stdout
    )
    assert "tk-80" in [h["id"] for h in data["hits"]]


def test_kb_ingest_law_rejects_bad_lines(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    law = tmp_path / "bad.jsonl"
    law.write_text(
        '{"article": "1", "title": "Цели", "text": "Текст"}\n{"article": "2", "title": "Без текста"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(_root(SearchConfig(index_dir=tmp_path / "i")), ["kb", "ingest-law", str(law)])
    assert result.exit_code == 1
    assert f"{law}:2: field 'text' is missing" in result.output


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{oops", "not valid JSON"),
        ("[1]", "expected a JSON object"),
        ('{"article": "1", "title": "T", "text": "x", "repealed": "no"}', "'repealed'"),
    ],
)
def test_law_file_validation(tmp_path: Path, line: str, message: str) -> None:
    from search.documents import LawFileError, read_law_file

    path = tmp_path / "law.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(LawFileError, match=message):
        read_law_file(path)

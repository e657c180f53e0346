"""CLI contract of `trudnadzor triage`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nlp import Analyzer
from nlp.cli import bench_triage, nlp_group, triage


def test_triage_lines_and_errors(analyzer: Analyzer) -> None:
    lines = [
        json.dumps(
            {"id": "a1", "text": "Зарплату не платят третий месяц, нас 40 человек."}, ensure_ascii=False
        ),
        "{not json",
        json.dumps({"id": "a3", "text": "   "}),
        json.dumps({"id": "a4"}),
        "[1, 2]",
        "",
        json.dumps({"id": 5, "text": "Не дают отпуск."}, ensure_ascii=False),
    ]
    result = CliRunner().invoke(triage, ["-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [o["id"] for o in out] == ["a1", None, "a3", "a4", None, 5]
    assert out[0]["categories"] and "facts" in out[0] and "error" not in out[0]
    assert out[0]["urgent"] is True
    for bad in out[1:5]:
        assert set(bad) == {"id", "error"}
        assert any("а" <= ch <= "я" for ch in bad["error"].lower())
    assert "problems" in out[5]


def test_triage_reads_a_file(tmp_path, analyzer: Analyzer) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": "Уволили без причины."}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = CliRunner().invoke(triage, [str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["id"] == "x"


def test_commands_are_click_objects() -> None:
    assert set(nlp_group.commands) == {"train", "eval"}
    assert bench_triage.name == "triage"

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


def _labelled(record_id: str, text: str, categories: list[str], urgent: bool) -> str:
    record = {
        "id": record_id,
        "text": text,
        "categories": categories,
        "problems": [{"category": c, "quote": text} for c in categories],
        "facts": {"organizations": [], "inns": [], "invalid_inns": [], "region": None, "amounts": []},
        "urgent": urgent,
        "urgent_reason": "массовая невыплата заработной платы" if urgent else None,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def test_eval_all_prints_a_line_per_held_out_set_and_the_blind_totals(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch, analyzer: Analyzer
) -> None:
    import nlp.evaluate as evaluation

    unpaid = _labelled("u1", "Зарплату не платят третий месяц, нас 40 человек.", ["wage_arrears"], True)
    shop = _labelled("s1", "В магазине продали просроченный творог, кассир нахамил.", ["out_of_scope"], False)
    (tmp_path / "dev.jsonl").write_text(unpaid, encoding="utf-8")
    (tmp_path / "blind_batch12.jsonl").write_text(unpaid + shop, encoding="utf-8")
    (tmp_path / "blind_batch7.jsonl").write_text(shop, encoding="utf-8")
    (tmp_path / "train.jsonl").write_text(shop, encoding="utf-8")  # never a held-out set
    real = evaluation.held_out_paths
    monkeypatch.setattr(evaluation, "held_out_paths", lambda: real(tmp_path))

    result = CliRunner().invoke(nlp_group, ["eval", "--all", "--json"])  # the sets shared among processes
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["set"] for o in out[:-1]] == ["dev", "blind_batch7", "blind_batch12"]  # numbers, not text order
    totals = out[-1]["blind_totals"]
    assert (totals["sets"], totals["records"], totals["gold_oos"], totals["gold_labour"]) == (2, 3, 2, 1)
    assert totals["gold_urgent"] == 1
    blind = out[1:3]
    assert totals["oos_as_labour"] == sum(o["oos_as_labour"] for o in blind)
    assert totals["urgent_missed"] == sum(o["urgent_missed"] for o in blind)
    assert totals["macro_f1_mean"] == round(sum(o["macro_f1"] for o in blind) / 2, 4)
    # the model reads these plain letters right: no scope error, the mass arrears caught
    assert totals["oos_as_labour"] == totals["labour_as_oos"] == totals["urgent_missed"] == 0

    text = CliRunner().invoke(nlp_group, ["eval", "--all", "--processes", "1"])
    assert text.exit_code == 0, text.output
    assert "blind_batch12" in text.stdout and "Слепые наборы: 2, обращений в них: 3;" in text.stdout

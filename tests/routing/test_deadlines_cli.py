"""The `deadlines` command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from routing.cli import deadlines


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(deadlines, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_output() -> None:
    code, out, err = run("--registered", "2025-12-26", "--json")
    assert code == 0, out + err
    assert json.loads(out) == {
        "answer_due": "2026-01-26",
        "extended_answer_due": "2026-02-24",
        "redirect_due": "2026-01-12",
        "interim_answer_due": "2026-01-12",
        "appeal_decision_due": "2026-02-04",
    }
    assert err == ""


def test_human_table_in_russian() -> None:
    code, out, _ = run("--registered", "2026-02-16")
    assert code == 0
    assert "Дата регистрации: 16.02.2026" in out
    assert "Ответ по существу (30 дней)" in out and "18.03.2026 ср" in out
    assert "Переадресация в другой орган (7 дней)" in out and "24.02.2026 вт" in out


def test_region_changes_the_result() -> None:
    _, federal, _ = run("--registered", "2026-02-18", "--json")
    code, regional, _ = run("--registered", "2026-02-18", "--region", "Республика Татарстан", "--json")
    assert code == 0
    assert json.loads(federal)["answer_due"] == "2026-03-20"
    assert json.loads(regional)["answer_due"] == "2026-03-23"


def test_notice_when_the_calendar_is_not_official() -> None:
    code, out, err = run("--registered", "2026-12-20", "--json")
    assert code == 0
    json.loads(out)  # stdout stays machine-readable
    assert "2027" in err and "не загружен" in err
    code, out, err = run("--registered", "2027-03-01")
    assert code == 0 and "2027" in err


def test_bad_date() -> None:
    code, _, err = run("--registered", "26.12.2025")
    assert code == 2
    assert "ГГГГ-ММ-ДД" in err


def test_unknown_region() -> None:
    code, _, err = run("--registered", "2026-02-16", "--region", "Татарстн")
    assert code == 2
    assert "Неизвестный регион" in err and "Республика Татарстан" in err


def test_registered_is_required() -> None:
    code, _, _ = run("--json")
    assert code == 2

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.demo import demo_complaints
from tests.conftest import copy_knowledge_index


@pytest.fixture
def env(fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    return {"DATABASE_URL": fresh_database_url, "DATA_DIR": str(tmp_path / "var")}


def test_demo_then_stats(env: dict[str, str], knowledge_index: Path) -> None:
    copy_knowledge_index(knowledge_index, Path(env["DATA_DIR"]))
    runner = CliRunner()
    result = runner.invoke(main, ["demo", "--no-analyse"], env=env)
    assert result.exit_code == 0, result.output
    assert "актуален" in result.output  # the knowledge index is rebuilt only when the articles change
    assert "admin" in result.output and "пароль" in result.output
    filed = re.findall(r"^\s+(\d{2}-\d{4}-\d{4}-\d)\s+([2-9A-Z]{8})$", result.output, re.MULTILINE)
    assert len(filed) == len(demo_complaints())

    again = runner.invoke(main, ["demo", "--no-analyse"], env=env)
    assert again.exit_code == 0 and "ничего нового" in again.output
    assert not re.findall(r"^\s+\d{2}-\d{4}-\d{4}-\d\s", again.output, re.MULTILINE)

    result = runner.invoke(main, ["stats", "--json"], env=env)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["regions"] == 89 and stats["inspections"] == 89 and stats["inspectors"] == 267
    assert stats["complaints"]["total"] == len(demo_complaints())
    assert stats["complaints"]["by_status"] == {"registered": len(demo_complaints())}
    assert stats["jobs"]["queued"] >= len(demo_complaints())


def test_stats_on_an_empty_database_says_what_to_do(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["stats", "--json"], env=env)
    assert result.exit_code == 1
    assert "trudnadzor db upgrade" in result.output


def test_bad_setting_is_a_clear_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["stats"], env={**env, "DATABASE_URL": "mysql://x"})
    assert result.exit_code == 1
    assert "DATABASE_URL" in result.output and "Traceback" not in result.output


def test_worker_once_runs_queued_jobs(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(main, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "Выполнено задач: 0" in result.output

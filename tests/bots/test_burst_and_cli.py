"""A small version of the channel benchmark, and the command line of the channels."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bots.bench import run_bench
from portal.cli import main


@pytest.mark.slow
async def test_a_burst_of_mail_and_updates_gives_one_complaint_and_one_acknowledgement_each(
    fresh_database_url: str,
) -> None:
    report = await run_bench(emails=10, updates=10, database_url=fresh_database_url)
    assert report["ok"], report
    assert report["complaints_email"] == 10 and report["complaints_telegram"] == 10
    assert report["acknowledgements_email_with_access_code"] + report["separate_access_code_mails"] == 10
    assert report["smtp_deliveries"] == 10


def test_bot_without_a_token_explains_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    result = CliRunner().invoke(main, ["bot"])
    assert result.exit_code == 2
    assert "@BotFather" in result.output and "TELEGRAM_BOT_TOKEN" in result.output


def test_channel_commands_are_mounted() -> None:
    runner = CliRunner()
    assert "--webhook" in runner.invoke(main, ["bot", "--help"]).output
    assert "--port" in runner.invoke(main, ["mail", "smtp", "--help"]).output
    assert "--once" in runner.invoke(main, ["mail", "imap", "--help"]).output
    assert "--emails" in runner.invoke(main, ["bench-channels", "--help"]).output

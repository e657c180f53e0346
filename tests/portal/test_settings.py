from __future__ import annotations

import stat
from pathlib import Path

import pytest

from portal.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DATABASE_URL", "mysql://localhost/x", "DATABASE_URL"),
        ("DATABASE_URL", "not a url at all", "DATABASE_URL"),
        ("SEARCH_BACKEND", "solr", "SEARCH_BACKEND"),
        ("SMTP_PORT", "70000", "SMTP_PORT"),
        ("UPLOAD_MAX_BYTES", "ten", "UPLOAD_MAX_BYTES"),
        ("ELASTICSEARCH_URL", "localhost:9200", "ELASTICSEARCH_URL"),
        ("REDIS_NAMESPACE", "trudnadzor prod:*", "REDIS_NAMESPACE"),
    ],
)
def test_bad_variable_is_named_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    assert named in message
    assert "Неверное значение" in message and "Invalid value" in message


def test_elasticsearch_backend_requires_its_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_BACKEND", "elasticsearch")
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    with pytest.raises(SettingsError, match="ELASTICSEARCH_URL"):
        load_settings(_env_file=None)


def test_defaults_are_the_embedded_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("DATABASE_URL", "SEARCH_BACKEND", "WORKER_MODE"):
        monkeypatch.delenv(variable, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///var/trudnadzor.db"
    assert settings.search_backend == "embedded"
    assert settings.worker_mode == "embedded"


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, _env_file=None)
    first = settings.secret()
    assert len(first) >= 40
    assert settings.secret() == first
    assert load_settings(data_dir=tmp_path, _env_file=None).secret() == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_secrets_are_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:token-secret")
    settings = load_settings(_env_file=None)
    assert "hunter2" not in repr(settings) and "token-secret" not in repr(settings)
    assert (
        settings.smtp_password is not None
        and settings.smtp_password.get_secret_value() == "hunter2-very-secret"
    )


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEARCH_BACKEND", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("SEARCH_BACKEND=elasticsearch\nELASTICSEARCH_URL=http://127.0.0.1:9200\n")
    settings = load_settings(_env_file=env_file)
    assert settings.search_backend == "elasticsearch"

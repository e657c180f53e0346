"""One settings object, read from the environment and an optional `.env`, validated at start."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable in Russian and English."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/trudnadzor.db"
    data_dir: Path = Path("var")
    secret_key: SecretStr | None = None

    search_backend: Literal["embedded", "elasticsearch"] = "embedded"
    elasticsearch_url: str | None = None
    # Empty means the model shipped with the project; a hub name or a local path selects another one.
    embedding_model: str = ""

    # "embedded": the web process runs the job worker itself; "external": `trudnadzor worker` processes do.
    worker_mode: Literal["embedded", "external"] = "embedded"
    worker_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    job_visibility_timeout_seconds: int = Field(default=300, ge=5, le=86_400)

    telegram_bot_token: SecretStr | None = None
    redis_url: str | None = None
    # Prefix of every key the portal and the bot keep in Redis, so several installations can share one server.
    redis_namespace: str = Field(default="trudnadzor", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65_535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "noreply@trudnadzor.local"
    # Development and demos: outgoing letters are written here as .eml files instead of being sent.
    mail_dir: Path | None = None
    mail_inbound_host: str = "127.0.0.1"
    mail_inbound_port: int = Field(default=8025, ge=1, le=65_535)
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65_535)
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_mailbox: str = "INBOX"

    upload_dir: Path | None = None
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024)
    upload_max_files: int = Field(default=5, ge=0, le=50)

    public_base_url: str = "http://127.0.0.1:8000"
    # Requests per minute and client address on public forms and APIs; 0 switches the limit off.
    public_rate_limit_per_minute: int = Field(default=60, ge=0, le=100_000)
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300, le=30 * 86_400)

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {exc}") from None
        if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
            raise ValueError("use sqlite+aiosqlite:///… or postgresql+asyncpg://…")
        return value

    @field_validator("elasticsearch_url", "public_base_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _check_search_backend(self) -> Settings:
        if self.search_backend == "elasticsearch" and not self.elasticsearch_url:
            raise ValueError("ELASTICSEARCH_URL is required when SEARCH_BACKEND=elasticsearch")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uploads_path(self) -> Path:
        return self.upload_dir or self.data_dir / "uploads"

    @property
    def search_index_dir(self) -> Path:
        return self.data_dir / "search"

    def secret(self) -> str:
        """The signing secret; generated once and stored under the data directory if not configured."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two processes starting at once must not overwrite each other's key.
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        variable = "_".join(str(part) for part in item["loc"]).upper() or "SETTINGS"
        lines.append(
            f"Неверное значение переменной окружения {variable}: {item['msg']}. / "
            f"Invalid value of environment variable {variable}: {item['msg']}."
        )
    return "\n".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise SettingsError with a readable message on bad input."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

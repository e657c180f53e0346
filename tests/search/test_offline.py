"""Loading models and indexes never touches the network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


def test_loading_and_searching_offline(config, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from search.embedders import load_embedder
    from search.service import open_backend

    embedder = load_embedder("", models_dir)
    backend = open_backend(config, embedder=embedder)
    assert backend.search("не дают отпуска").hits[0].id == "annual-leave"


def test_unknown_model_fails_instead_of_downloading(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    from search.embedders import load_embedder

    with pytest.raises(Exception) as error:
        load_embedder("some-org/some-model-that-is-not-cached", models_dir)
    assert "network access attempted" not in str(error.value)


def test_builtin_model_is_built_once(models_dir: Path) -> None:
    from search.embedders import build_model

    path = build_model("use-multilingual-v3", models_dir)
    marker = (path / "trudnadzor_build.json").stat().st_mtime_ns
    assert build_model("use-multilingual-v3", models_dir) == path
    assert (path / "trudnadzor_build.json").stat().st_mtime_ns == marker

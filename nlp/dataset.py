"""Reading the labelled complaint sets (``nlp/data/train.jsonl`` and ``dev.jsonl``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
TRAIN_PATH = DATA_DIR / "train.jsonl"
DEV_PATH = DATA_DIR / "dev.jsonl"
MODEL_DIR = Path(__file__).with_name("model")
HASH_PATH = MODEL_DIR / "train.sha256"


def load(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
    return records


def file_hash(path: Path = TRAIN_PATH) -> str:
    """sha256 of the training file's bytes (stored next to the model; a test compares them)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_hash() -> str | None:
    return HASH_PATH.read_text(encoding="utf-8").split()[0] if HASH_PATH.exists() else None

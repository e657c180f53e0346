"""Search configuration; the portal fills it from its settings and puts it in `ctx.meta["search.config"]`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class SearchConfig:
    backend: Literal["embedded", "elasticsearch"] = "embedded"
    index_dir: Path = Path("var/search")
    embedding_model: str = ""  # "" = the default built-in model; else a built-in name, hub name or local path
    elasticsearch_url: str | None = None
    index_name: str = "trudnadzor-kb"
    models_dir: Path | None = None  # built-in embedders are assembled here; default index_dir/"models"
    content_dir: Path | None = None  # kb_content directory; default the installed package
    law_file: Path | None = None  # tkrf_articles.jsonl-format law corpus to index with the KB
    dev_set: Path | None = None  # retrieval dev set; default search/data/dev_queries.jsonl
    # No-answer threshold on the best dense cosine (None = calibrated value stored with the default model)
    no_answer_threshold: float | None = None
    case_ann_threshold: int = 50_000  # CaseIndex switches from exact (flat) search above this many vectors
    case_ann: str = "ivf"  # "ivf" or "hnsw" above the threshold

    @property
    def models_path(self) -> Path:
        return self.models_dir or Path(self.index_dir) / "models"


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """`<repo root>/../shared/data` (CI clones the repo with shared/ beside it) or $TRUDNADZOR_SHARED_DATA."""
    candidates = [os.environ.get("TRUDNADZOR_SHARED_DATA"), repo_root().parent / "shared" / "data"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None

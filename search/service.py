"""Entry points for the portal and the CLI: collect documents, build/open the configured backend."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.backend import SearchBackend
from search.config import SearchConfig
from search.content import content_root, load_articles, load_checklist_items
from search.documents import (
    Document,
    article_documents,
    checklist_documents,
    law_documents,
    read_law_file,
)
from search.embedded import EmbeddedBackend, Progress

LAW_FILE_NAME = "law.jsonl"


def ingested_law_file(config: SearchConfig) -> Path:
    return Path(config.index_dir) / LAW_FILE_NAME


def law_file(config: SearchConfig) -> Path | None:
    if config.law_file is not None:
        return Path(config.law_file)
    ingested = ingested_law_file(config)
    return ingested if ingested.exists() else None


def collect_documents(config: SearchConfig) -> list[Document]:
    """Articles (whole, sections, questions), checklist items and the ingested law corpus, if any."""
    root = Path(config.content_dir) if config.content_dir else content_root()
    documents: list[Document] = []
    for article in load_articles(root / "articles"):
        documents.extend(article_documents(article))
    if (root / "checklists").is_dir():
        for item in load_checklist_items(root / "checklists"):
            documents.extend(checklist_documents(item))
    law = law_file(config)
    if law is not None:
        for law_article in read_law_file(law):
            documents.extend(law_documents(law_article))
    return documents


def load_embedder_for(config: SearchConfig) -> Any:
    from search.embedders import load_embedder

    return load_embedder(config.embedding_model, config.models_path)


def _embedded(config: SearchConfig, embedder: Any | None) -> EmbeddedBackend:
    return EmbeddedBackend(
        Path(config.index_dir) / "kb",
        embedder or load_embedder_for(config),
        embedding_model=config.embedding_model,
        no_answer_threshold=config.no_answer_threshold,
    )


def open_backend(
    config: SearchConfig | None = None, embedder: Any | None = None, progress: Progress | None = None
) -> SearchBackend:
    """The configured backend, ready to search; (re)builds the index only if the content or model changed."""
    config = config or SearchConfig()
    documents = collect_documents(config)
    if config.backend == "elasticsearch":
        from search.es_backend import ElasticsearchBackend

        es = ElasticsearchBackend(config, embedder or load_embedder_for(config))
        es.ensure(documents)
        return es
    backend = _embedded(config, embedder)
    backend.ensure(documents, progress)
    return backend


@dataclass(frozen=True)
class BuildReport:
    documents: int
    units: int
    by_kind: dict[str, int]
    seconds: float
    rebuilt: bool


def build_index(
    config: SearchConfig | None = None,
    force: bool = False,
    embedder: Any | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    config = config or SearchConfig()
    started = time.perf_counter()
    documents = collect_documents(config)
    by_kind: dict[str, int] = {}
    for doc in documents:
        by_kind[doc.kind] = by_kind.get(doc.kind, 0) + 1
    backend: Any
    if config.backend == "elasticsearch":
        from search.es_backend import ElasticsearchBackend

        backend = ElasticsearchBackend(config, embedder or load_embedder_for(config))
    else:
        backend = _embedded(config, embedder)
    if force:
        backend.index(documents, progress) if config.backend == "embedded" else backend.index(documents)
        rebuilt = True
    else:
        rebuilt = (
            backend.ensure(documents, progress) if config.backend == "embedded" else backend.ensure(documents)
        )
    backend.close()
    units = len({doc.unit for doc in documents})
    return BuildReport(len(documents), units, by_kind, round(time.perf_counter() - started, 2), rebuilt)


def ingest_law(config: SearchConfig, source: Path) -> int:
    """Validate a tkrf_articles.jsonl-format file, keep a copy in the index directory; returns its count."""
    articles = read_law_file(source)  # raises LawFileError naming the line
    target = ingested_law_file(config)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return len(articles)

"""Tuning split for fusion weights, k and the classifier: leave one question out.

Fold j holds out the j-th front-matter question of every article, builds the index without it (the article's
other questions stay) and searches for it; the held-out question's article is the answer. Evaluation queries
(search/data/dev_queries.jsonl) are never used here.

    python -m search.tune [--index-dir /tmp/search-tune] [--folds 0-3]

`--folds` holds out only some positions (0-3: the questions each article was first written with).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from search.bench import retrieval_metrics
from search.content import content_root, load_articles, load_checklist_items
from search.documents import Document, article_documents, checklist_documents


def folds(
    root: Path | None = None, only: set[int] | None = None
) -> Iterator[tuple[int, list[tuple[str, str]], list[Document]]]:
    """(fold, [(held-out question, article id)], documents without the held-out questions); `only` limits the
    folds to those positions."""
    root = root or content_root()
    articles = load_articles(root / "articles")
    checklist = [d for item in load_checklist_items(root / "checklists") for d in checklist_documents(item)]
    for j in range(max((len(a.questions) for a in articles), default=0)):
        if only is not None and j not in only:
            continue
        held = [(a.questions[j], a.id) for a in articles if len(a.questions) > j]
        kept = [replace(a, questions=tuple(q for i, q in enumerate(a.questions) if i != j)) for a in articles]
        yield j, held, [d for a in kept for d in article_documents(a)] + checklist


def evaluate(
    index_dir: Path, embedding_model: str = "", models_dir: Path | None = None, only: set[int] | None = None
) -> dict[str, Any]:
    import search.embedded as embedded
    from search.embedders import encode, load_embedder

    model = load_embedder(embedding_model, models_dir)
    cache: dict[str, np.ndarray] = {}

    def cached(_model: Any, texts: list[str]) -> np.ndarray:
        # the folds share almost all documents: encode each text once
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        for text, vector in zip(missing, encode(model, missing), strict=True):
            cache[text] = vector
        return np.vstack([cache[t] for t in texts]) if texts else encode(model, [])

    original = embedded.encode
    embedded.encode = cached  # type: ignore[assignment]
    try:
        results, gold = [], []
        for _j, held, documents in folds(only=only):
            backend = embedded.EmbeddedBackend(index_dir, model, embedding_model)
            backend.index(documents)
            for question, article in held:
                results.append([hit.id for hit in backend.search(question, k=5).hits])
                gold.append({article})
            backend.close()
    finally:
        embedded.encode = original  # type: ignore[assignment]
    return retrieval_metrics(results, gold)


def parse_folds(spec: str) -> set[int] | None:
    """'0-4,7' → {0, 1, 2, 3, 4, 7}; '' → None (all folds)."""
    chosen: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    return chosen or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/search-tune"))
    parser.add_argument("--model", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--folds", default="", help="question positions to hold out: '0-4,7' (default all)")
    args = parser.parse_args()
    metrics = evaluate(args.index_dir, args.model, args.models_dir, parse_folds(args.folds))
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}))


if __name__ == "__main__":
    main()

"""Tuning split for fusion weights, k and the classifier: leave one question out.

Fold j holds out the j-th front-matter question of every article, builds the index without it (the article's
other questions stay) and searches for it; the held-out question's article is the answer. Evaluation queries
(search/data/dev_queries.jsonl) are never used here.

    python -m search.tune [--index-dir /tmp/search-tune] [--folds 0-3]

`--folds` holds out only some positions (0-3: the questions each article was first written with).

The off-topic calibration questions (search/data/off_topic_calibration.txt) are searched in every fold's index
too. The figures: hit@k/MRR of the held-out questions (one turned away as having no answer counts as a miss)
and, under `no_answer`, how many held-out questions are turned away against how many off-topic ones are
(the no-answer rule with search.backend.REFERENCE_MARGIN), and how many off-topic questions that a redirect
article answers get it first.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from search.backend import REFERENCE_MARGIN
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


def off_topic_questions() -> list[tuple[str, str]]:
    """(question, redirect article id or '') from search/data/off_topic_calibration.txt."""
    path = Path(__file__).parent / "data" / "off_topic_calibration.txt"
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, _, redirect = line.partition("|")
            items.append((question.strip(), redirect.strip()))
    return items


def evaluate(
    index_dir: Path, embedding_model: str = "", models_dir: Path | None = None, only: set[int] | None = None
) -> dict[str, Any]:
    """Hit@k/MRR of the held-out questions and the no-answer figures (see the module docstring)."""
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
    off_topic = off_topic_questions()
    results: list[list[str]] = []
    gold: list[set[str]] = []
    false_no_answer = detected = redirected_first = 0
    fold_ids = []
    try:
        for j, held, documents in folds(only=only):
            fold_ids.append(j)
            backend = embedded.EmbeddedBackend(index_dir, model, embedding_model)
            backend.index(documents)
            for question, article in held:
                result = backend.search(question, k=5)
                results.append([hit.id for hit in result.hits])
                gold.append({article})
                false_no_answer += result.no_answer
            for question, redirect in off_topic:
                result = backend.search(question, k=5)
                detected += result.no_answer
                redirected_first += bool(redirect) and bool(result.hits) and result.hits[0].id == redirect
            backend.close()
    finally:
        embedded.encode = original  # type: ignore[assignment]
    metrics: dict[str, Any] = retrieval_metrics(results, gold)
    metrics["no_answer"] = {
        "reference_margin": REFERENCE_MARGIN,
        "false_no_answer": false_no_answer,
        "answerable": len(results),
        "off_topic_detected": detected,
        "off_topic": len(off_topic) * len(fold_ids),
        "off_topic_redirected_first": redirected_first,
        "off_topic_redirects": sum(bool(r) for _, r in off_topic) * len(fold_ids),
    }
    metrics["folds"] = len(fold_ids)
    return metrics


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
    print(json.dumps(_rounded(metrics)))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    main()

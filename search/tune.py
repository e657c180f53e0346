"""Tuning split for fusion weights, k and the classifier: leave one question out.

Fold j holds out the j-th front-matter question of every article, builds the index without it (the article's
other questions stay) and searches for it; the held-out question's article is the answer. Evaluation queries
(search/data/dev_queries.jsonl) are never used here.

    python -m search.tune [--index-dir /tmp/search-tune] [--folds 0-3] [--write-reranker]

`--folds` holds out only some positions (0-3: the questions each article was first written with).

Every held-out question's re-ranking evidence (search/reranker.py) is recorded, and so is that of the
off-topic calibration questions (search/data/off_topic_calibration.txt) searched in the same fold's index.
The figures: `fused` (fusion alone), `reranked` (the re-ranker trained on the other folds, applied to this
fold) and the no-answer detection chosen the same way. `--write-reranker` trains it on all folds and writes
search/data/reranker.json (with the no-answer threshold).
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from search.backend import REFERENCE_MARGIN
from search.bench import retrieval_metrics
from search.content import content_root, load_articles, load_checklist_items
from search.documents import Document, article_documents, checklist_documents
from search.embedded import NO_ANSWER_THRESHOLDS
from search.reranker import DEFAULT_PATH, Candidates, Reranker

RERANKER_C = 1.0
# at most this share of the tuning questions turned away by the no-answer threshold
MAX_FALSE = 0.001


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


def collect(
    index_dir: Path, embedding_model: str = "", models_dir: Path | None = None, only: set[int] | None = None
) -> list[dict[str, Any]]:
    """Re-ranking evidence of every held-out question (`gold`: its article, `fold`) and of every off-topic
    question (`gold`: '' or its redirect article's id, `off_topic`: True) per fold, nothing turned away."""
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
    records: list[dict[str, Any]] = []
    off_topic = off_topic_questions()
    try:
        for j, held, documents in folds(only=only):
            backend = embedded.EmbeddedBackend(index_dir, model, embedding_model)
            backend.index(documents)
            backend.reranker, backend.screen_no_answer = None, False
            for queries, is_off in ((held, False), (off_topic, True)):
                for question, answer in queries:
                    backend.record = []
                    backend.search(question, k=5)
                    for record in backend.record:
                        records.append({**record, "gold": answer, "fold": j, "off_topic": is_off})
            backend.close()
    finally:
        embedded.encode = original  # type: ignore[assignment]
    return records


def ranking(record: dict[str, Any], reranker: Reranker | None) -> tuple[list[str], float]:
    """(final unit order of the record's head, top article probability; 1.0 without a re-ranker)."""
    head = [unit for unit, _ in record["head"]]
    if reranker is None or not record["units"]:
        return head, 1.0
    order = reranker.order(Candidates(record["units"], record["rows"]))
    chosen, ordered = set(record["units"]), iter(order)
    return [next(ordered)[0] if u in chosen else u for u in head], order[0][1]


def train(records: list[dict[str, Any]], c: float = RERANKER_C, depth: int = 20) -> Reranker:
    """The re-ranker on answerable records (label: the held-out question's article)."""
    groups = [
        (r["rows"], np.array([u == r["gold"] for u in r["units"]], dtype=int))
        for r in records
        if not r["off_topic"] and r["gold"] in r["units"]
    ]
    return Reranker.train(groups, c=c, depth=depth)


def no_answer_figures(probabilities: np.ndarray, off_topic: np.ndarray, threshold: float) -> dict[str, Any]:
    return {
        "no_answer_threshold": round(threshold, 4),
        "off_topic_detected": int((probabilities[off_topic] < threshold).sum()),
        "off_topic": int(off_topic.sum()),
        "false_no_answer": int((probabilities[~off_topic] < threshold).sum()),
        "answerable": int((~off_topic).sum()),
    }


def choose_threshold(probabilities: np.ndarray, off_topic: np.ndarray, max_false: float = MAX_FALSE) -> float:
    """The highest threshold on the top article probability that turns away at most `max_false` of the
    answerable questions."""
    answerable = np.sort(probabilities[~off_topic])
    if not len(answerable):
        return 0.0
    allowed = int(np.floor(max_false * len(answerable)))
    return float(answerable[allowed])  # strictly below it: `allowed` answerable questions turned away


def report(records: list[dict[str, Any]], c: float = RERANKER_C) -> dict[str, Any]:
    """Fusion alone vs the re-ranker trained on the other folds; no-answer by the same cross-validation."""
    answerable = [r for r in records if not r["off_topic"]]
    fused = retrieval_metrics(
        [ranking(r, None)[0][:5] for r in answerable], [{r["gold"]} for r in answerable]
    )
    results: list[list[str]] = []
    gold: list[set[str]] = []
    probabilities, off, detected_redirect = [], [], 0
    screened: list[bool] = []  # turned away before re-ranking: best dense cosine, reference questions
    dense_threshold = NO_ANSWER_THRESHOLDS["use-multilingual-v3"]
    thresholds = []
    fold_ids = sorted({r["fold"] for r in records})
    for j in fold_ids:
        training = [r for r in records if r["fold"] != j] if len(fold_ids) > 1 else records
        reranker = train(training, c)
        train_p = np.array([ranking(r, reranker)[1] for r in training])
        train_off = np.array([r["off_topic"] for r in training])
        threshold = choose_threshold(train_p, train_off)
        thresholds.append(threshold)
        for r in (r for r in records if r["fold"] == j):
            order, p = ranking(r, reranker)
            if not r["off_topic"]:
                results.append(order[:5])
                gold.append({r["gold"]})
            elif r["gold"] and order and order[0] == r["gold"]:
                detected_redirect += 1
            probabilities.append(p - threshold)
            off.append(r["off_topic"])
            screened.append(
                r["best_dense"] < dense_threshold or r["reference_best"] > r["best_dense"] + REFERENCE_MARGIN
            )
    shifted, is_off, early = (
        np.array(probabilities),
        np.array(off, dtype=bool),
        np.array(screened, dtype=bool),
    )
    figures = no_answer_figures(shifted, is_off, 0.0)
    figures["no_answer_threshold"] = round(float(np.mean(thresholds)), 4)
    # the whole rule: turned away early, or the top article's probability below the threshold
    combined = np.where(early, -1.0, shifted)
    figures["with_dense_and_reference"] = no_answer_figures(combined, is_off, 0.0)
    figures["dense_and_reference_only"] = no_answer_figures(np.where(early, -1.0, 1.0), is_off, 0.0)
    figures["off_topic_redirected_first"] = detected_redirect
    return {
        "fused": fused,
        "reranked": retrieval_metrics(results, gold),
        "no_answer": figures,
        "folds": len(fold_ids),
    }


def evaluate(
    index_dir: Path, embedding_model: str = "", models_dir: Path | None = None, only: set[int] | None = None
) -> dict[str, Any]:
    return report(collect(index_dir, embedding_model, models_dir, only))


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
    parser.add_argument("--records", type=Path, default=None, help="cache of the collected evidence (pickle)")
    parser.add_argument(
        "--write-reranker", action="store_true", help=f"train on all folds, write {DEFAULT_PATH}"
    )
    args = parser.parse_args()
    if args.records is not None and args.records.exists():
        records = pickle.loads(args.records.read_bytes())
    else:
        records = collect(args.index_dir, args.model, args.models_dir, parse_folds(args.folds))
        if args.records is not None:
            args.records.write_bytes(pickle.dumps(records))
    metrics = report(records)
    print(json.dumps(metrics, default=lambda v: round(v, 4)))
    if args.write_reranker:
        reranker = train(records)
        p = np.array([ranking(r, reranker)[1] for r in records])
        off = np.array([r["off_topic"] for r in records])
        # measured, not used: on our held-out voices (translit, very short queries) a threshold on the top
        # probability turned away far more answerable questions than on the tuning split
        threshold = choose_threshold(p, off)
        reranker.no_answer_below = 0.0
        reranker.meta = {
            "trained_on": f"search.tune: {int((~off).sum())} held-out questions, {int(off.sum())} off-topic",
            "c": RERANKER_C,
            "max_false_no_answer": MAX_FALSE,
            "cross_validated": {k: metrics[k] for k in ("reranked", "no_answer")},
        }
        reranker.save(DEFAULT_PATH)
        print(json.dumps({"written": str(DEFAULT_PATH), "unused": no_answer_figures(p, off, threshold)}))


if __name__ == "__main__":
    main()

"""Reproducible measurements: embedder comparison and search quality/latency.

Mounted by the portal CLI as `trudnadzor bench embedders` and `trudnadzor bench search` (see search/cli.py).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from search.config import SearchConfig, shared_data_dir


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def _pair_cosines(encode: Callable[[list[str]], np.ndarray], left: list[str], right: list[str]) -> np.ndarray:
    vectors = encode(left + right)
    a, b = vectors[: len(left)], vectors[len(left) :]
    return np.asarray((a * b).sum(axis=1))


def stsb_spearman(encode: Callable[[list[str]], np.ndarray], path: Path) -> float:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [row for row in csv.reader(f) if len(row) == 3]
    cosines = _pair_cosines(encode, [r[0] for r in rows], [r[1] for r in rows])
    return spearman(cosines.tolist(), [float(r[2]) for r in rows])


def paraphrase_accuracy(encode: Callable[[list[str]], np.ndarray], path: Path) -> dict[str, float]:
    """Paraphrase (1) vs not (-1): threshold chosen on even ids, accuracy on odd ids; plus AUC."""
    pairs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    pairs = [p for p in pairs if p["class"] in (1, -1)]
    cosines = _pair_cosines(encode, [p["text_1"] for p in pairs], [p["text_2"] for p in pairs])
    labels = np.array([p["class"] == 1 for p in pairs])
    held = np.array([int(p["id"]) % 2 == 0 for p in pairs])
    candidates = np.unique(cosines[held])
    accuracies = [((cosines[held] >= t) == labels[held]).mean() for t in candidates]
    threshold = float(candidates[int(np.argmax(accuracies))])
    test = ~held
    accuracy = float(((cosines[test] >= threshold) == labels[test]).mean())
    # AUC: probability that a paraphrase scores above a non-paraphrase (threshold-free)
    from scipy.stats import rankdata

    ranks = rankdata(cosines[test])
    positives = labels[test]
    n_pos, n_neg = positives.sum(), (~positives).sum()
    auc = float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    return {"accuracy": accuracy, "threshold": threshold, "auc": auc}


def load_dev_set(path: Path) -> list[dict[str, Any]]:
    """Dev queries: JSON lines with `query` and the ids of the answering articles (`relevant`/`ids`/...)."""
    items = []
    for line in path.open(encoding="utf-8"):
        if not line.strip():
            continue
        record = json.loads(line)
        relevant = next(
            (
                record[key]
                for key in (
                    "relevant",
                    "relevant_ids",
                    "article_ids",
                    "ids",
                    "articles",
                    "answers",
                    "article_id",
                    "answer_ids",
                )
                if key in record
            ),
            None,
        )
        if isinstance(relevant, str):
            relevant = [relevant]
        items.append(
            {
                "id": record.get("id"),
                "query": record.get("query") or record.get("question"),
                "relevant": set(relevant or []),
            }
        )
    return items


def dev_metrics(
    results: list[Any], relevant: list[set[str]], primary_refs: dict[str, str] | None = None
) -> dict[str, Any]:
    """hit@k/MRR on answerable queries (no-answer counts as a miss) and no-answer detection on the rest.

    With `primary_refs` (article id → its first ref) also `hit@1_by_law`: the top hit rests on (has among its
    refs) the primary Labour Code reference of one of the answering articles."""
    answerable = [(r, gold) for r, gold in zip(results, relevant, strict=True) if gold]
    unanswerable = [r for r, gold in zip(results, relevant, strict=True) if not gold]
    metrics: dict[str, Any] = retrieval_metrics(
        [[h.id for h in r.hits] for r, _ in answerable], [gold for _, gold in answerable]
    )
    if primary_refs is not None:
        by_law = 0
        for r, gold in answerable:
            wanted = {primary_refs[g] for g in gold if g in primary_refs}
            by_law += bool(r.hits) and bool(wanted & set(r.hits[0].refs))
        metrics["hit@1_by_law"] = by_law / max(len(answerable), 1)
    metrics.update(no_answer_counts([r for r, _ in answerable], unanswerable))
    return metrics


def no_answer_counts(answerable: list[Any], unanswerable: list[Any]) -> dict[str, int]:
    """Answerable queries turned away, and the unanswerable ones with how many of them were turned away."""
    return {
        "false_no_answer": sum(r.no_answer for r in answerable),
        "no_answer_queries": len(unanswerable),
        "no_answer_detected": sum(r.no_answer for r in unanswerable),
    }


OUT_OF_SCOPE = "out_of_scope"  # the category of the redirect articles (where to go instead)


def _rounded(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


# Questions written blind (without seeing the KB or the search), each labelled with the Labour Code articles
# that answer it (`refs`, the most direct first; [] when the KB should not answer). Never tuned on.
BLIND_LAW_SETS = ("blind_law_queries.jsonl", "blind_law_queries_2.jsonl")


def blind_law_set_paths() -> list[Path]:
    data = Path(__file__).parent / "data"
    return [data / name for name in BLIND_LAW_SETS if (data / name).exists()]


def load_law_set(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def law_metrics(
    results: list[Any], wanted: list[list[str]], redirects: Collection[str] = ()
) -> dict[str, Any]:
    """Scoring against Labour Code articles instead of article ids: `hit@k` — one of the first k hits has one
    of the wanted articles among its refs; `hit@1_primary` — the first hit rests on one of them (its own first
    ref is one of them); on the questions with no refs, how many get no answer and how many are turned away
    (no answer, or a redirect article — one of `redirects` — first)."""
    answerable = [(r, set(refs)) for r, refs in zip(results, wanted, strict=True) if refs]
    unanswerable = [r for r, refs in zip(results, wanted, strict=True) if not refs]
    # a turned-away result has no hits: a miss at every k
    ranks = [next((i for i, h in enumerate(r.hits) if refs & set(h.refs)), None) for r, refs in answerable]
    n = max(len(answerable), 1)
    return {
        "hit@1": sum(k == 0 for k in ranks) / n,
        "hit@5": sum(k is not None and k < 5 for k in ranks) / n,
        "hit@1_primary": sum(
            bool(r.hits and r.hits[0].refs) and r.hits[0].refs[0] in refs for r, refs in answerable
        )
        / n,
        "n": len(answerable),
        **no_answer_counts([r for r, _ in answerable], unanswerable),
        "turned_away": sum(r.no_answer or (bool(r.hits) and r.hits[0].id in redirects) for r in unanswerable),
    }


def retrieval_metrics(results: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    hit1 = hit5 = rr = 0.0
    for ids, gold in zip(results, relevant, strict=True):
        rank = next((i for i, doc_id in enumerate(ids) if doc_id in gold), None)
        if rank is not None:
            hit1 += rank == 0
            hit5 += rank < 5
            rr += 1.0 / (rank + 1)
    n = max(len(results), 1)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "mrr": rr / n, "n": len(results)}


def dev_set_path(config: SearchConfig) -> Path:
    return config.dev_set or Path(__file__).parent / "data" / "dev_queries.jsonl"


def bench_embedders(
    models: Sequence[str], config: SearchConfig, echo: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    from search.embedders import encode, load_embedder

    data = shared_data_dir()
    rows = []
    for name in models:
        started = time.perf_counter()
        model = load_embedder(name, config.models_path)
        row: dict[str, Any] = {"model": name, "load_s": round(time.perf_counter() - started, 2)}

        def enc(texts: list[str], model: Any = model) -> np.ndarray:
            return encode(model, texts)

        if data is not None:
            started = time.perf_counter()
            row["stsb_test_spearman"] = round(stsb_spearman(enc, data / "stsb_ru" / "stsb-ru-test.csv"), 4)
            para = paraphrase_accuracy(enc, data / "paraphraser_ru" / "paraphrases.jsonl")
            row["paraphrase_accuracy"] = round(para["accuracy"], 4)
            row["paraphrase_auc"] = round(para["auc"], 4)
            row["eval_s"] = round(time.perf_counter() - started, 1)
        queries = [f"вопрос номер {i} про отпуск и зарплату" for i in range(50)]
        enc(["прогрев"])
        times = []
        for query in queries:
            started = time.perf_counter()
            enc([query])
            times.append((time.perf_counter() - started) * 1000)
        row["query_ms_p50"] = round(float(np.percentile(times, 50)), 1)
        dev = dev_set_path(config)
        if dev.exists():
            row.update(_dev_hits(name, config, dev))
        echo(json.dumps(row, ensure_ascii=False))
        rows.append(row)
    return rows


def _dev_hits(model: str, config: SearchConfig, dev: Path) -> dict[str, Any]:
    """hit@k of the full embedded search built with this embedder, in a separate index directory."""
    from dataclasses import replace

    from search.service import build_index, open_backend

    cfg = replace(
        config, embedding_model=model, index_dir=config.index_dir / f"bench-{model.replace('/', '_')}"
    )
    build_index(cfg)
    backend = open_backend(cfg)
    items = load_dev_set(dev)
    results = [backend.search(item["query"], k=5) for item in items]
    backend.close()
    metrics = dev_metrics(results, [item["relevant"] for item in items])
    return {
        f"dev_{key}": round(value, 4) if isinstance(value, float) else value for key, value in metrics.items()
    }


def percentiles(times_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(times_ms, 50)), 2),
        "p95_ms": round(float(np.percentile(times_ms, 95)), 2),
    }


def _timed_searches(search: Callable[[Any], Any], queries: Sequence[Any], warmup: int = 10) -> list[float]:
    for query in queries[:warmup]:
        search(query)
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def synthetic_vectors(n: int, dim: int = 512, clusters: int = 2000, seed: int = 0) -> np.ndarray:
    """Clustered unit vectors: closer to real case embeddings than uniform noise (hardest for ANN)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        size = min(step, n - start)
        block = centres[rng.integers(0, clusters, size)] + 0.8 * rng.standard_normal(
            (size, dim), dtype=np.float32
        )
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def bench_cases(
    sizes: Sequence[int], config: SearchConfig, queries: int, echo: Callable[[str], None]
) -> list[dict[str, Any]]:
    from search.cases import CaseIndex

    rows = []
    for size in sizes:
        vectors = synthetic_vectors(size)
        index = CaseIndex(dim=vectors.shape[1], ann_threshold=config.case_ann_threshold, ann=config.case_ann)
        started = time.perf_counter()
        index.add([str(i) for i in range(size)], vectors=vectors)
        build = time.perf_counter() - started
        rng = np.random.default_rng(1)
        probes = vectors[rng.integers(0, size, queries)] + 0.05 * rng.standard_normal(
            (queries, vectors.shape[1]), dtype=np.float32
        )

        def probe(query: Any, index: CaseIndex = index) -> Any:
            return index.search(query, k=10)

        times = _timed_searches(probe, list(probes))
        # recall@10 against exact search on a sample of the probes
        sample = probes[:50] / np.linalg.norm(probes[:50], axis=1, keepdims=True)
        exact = np.argsort(-(sample @ vectors.T), axis=1)[:, :10]
        found = [{int(i) for i, _ in index.search(q, k=10)} for q in sample]
        recall = float(np.mean([len(f & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)]))
        row = {
            "case_vectors": size,
            "kind": index.kind,
            "build_s": round(build, 1),
            **percentiles(times),
            "recall@10": round(recall, 3),
        }
        echo(json.dumps(row))
        rows.append(row)
    return rows


def calibrate_no_answer(config: SearchConfig, embedder: Any, echo: Callable[[str], None]) -> dict[str, float]:
    """Best dense cosine for in-domain questions (article questions, left out of the index) vs general
    sentences (STS-B test, paraphraser headlines and search/data/out_of_domain.txt)."""
    from search.content import load_articles
    from search.documents import article_documents
    from search.embedded import EmbeddedBackend

    articles = load_articles(config.content_dir / "articles" if config.content_dir else None)
    documents = [d for a in articles for d in article_documents(a, with_questions=False)]
    backend = EmbeddedBackend(
        config.index_dir / "bench-calibrate", embedder, config.embedding_model, no_answer_threshold=-1.0
    )
    backend.ensure(documents)

    def top(query: str) -> float:
        return float(backend.vectors.search(backend._query_vector(query), 1)[0][0][0])  # type: ignore[union-attr]

    inside = np.array([top(q) for a in articles for q in a.questions])
    general: list[str] = [
        line.strip()
        for line in (Path(__file__).parent / "data" / "out_of_domain.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip() and not line.startswith("#")
    ]
    data = shared_data_dir()
    if data is not None:
        with (data / "stsb_ru" / "stsb-ru-test.csv").open(encoding="utf-8", newline="") as f:
            general += [row[0] for row in csv.reader(f) if row][:300]
    outside = np.array([top(q) for q in general])
    best = max(
        np.unique(np.concatenate([inside, outside])),
        key=lambda t: (inside >= t).mean() + (outside < t).mean(),
    )
    at98 = float(np.percentile(inside, 2))
    result = {
        "in_domain_p2": round(at98, 3),
        "in_domain_median": round(float(np.median(inside)), 3),
        "general_p95": round(float(np.percentile(outside, 95)), 3),
        "general_max": round(float(outside.max()), 3),
        "balanced_best": round(float(best), 3),
        "in_domain_kept_at_best": round(float((inside >= best).mean()), 3),
        "general_rejected_at_best": round(float((outside < best).mean()), 3),
    }
    echo(json.dumps({"no_answer_calibration": result}))
    return result


def off_topic_figures(backend: Any) -> dict[str, int]:
    """The whole search on search/data/off_topic_calibration.txt: how many get no answer, and how many of
    those a redirect article answers (marked « | id ») get it first instead."""
    from search.tune import off_topic_questions

    items = off_topic_questions()
    results = [backend.search(question, k=5) for question, _ in items]
    return {
        "questions": len(items),
        "no_answer": sum(r.no_answer for r in results),
        "redirects": sum(bool(redirect) for _, redirect in items),
        "redirect_first": sum(
            bool(redirect) and bool(r.hits) and r.hits[0].id == redirect
            for (_, redirect), r in zip(items, results, strict=True)
        ),
    }


def bench_search(
    config: SearchConfig,
    dev_path: Path | None,
    case_sizes: Sequence[int],
    queries: int,
    calibrate: bool,
    echo: Callable[[str], None] = print,
    law_paths: Sequence[Path] = (),
) -> dict[str, Any]:
    """With `law_paths`, those law-labelled sets are scored; without them and without `dev_path` (the default
    run), the blind law sets are."""
    from dataclasses import replace

    from search.content import load_articles
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents, load_embedder_for

    report: dict[str, Any] = {}
    embedder = load_embedder_for(config)
    documents = collect_documents(config)
    # a fresh build in a scratch directory: the build time of the whole KB
    scratch = EmbeddedBackend(
        config.index_dir / "bench-build", embedder, config.embedding_model, config.no_answer_threshold
    )
    started = time.perf_counter()
    scratch.index(documents)
    report["kb_build_s"] = round(time.perf_counter() - started, 1)
    report["kb_documents"] = len(documents)
    report["kb_units"] = len({d.unit for d in documents})
    echo(
        json.dumps(
            {
                "kb_build_s": report["kb_build_s"],
                "documents": len(documents),
                "units": report["kb_units"],
                "model": config.embedding_model or "default",
            }
        )
    )
    dev = dev_path or dev_set_path(config)
    if dev.exists():
        items = load_dev_set(dev)
        results = [scratch.search(item["query"], k=5) for item in items]
        primary = {d.unit: d.refs[0] for d in documents if d.kind == "article" and d.refs}
        metrics = dev_metrics(results, [i["relevant"] for i in items], primary)
        report["dev"] = metrics
        echo(
            json.dumps(
                {
                    "dev_set": str(dev),
                    **_rounded(metrics),
                }
            )
        )
        texts = [item["query"] for item in items]
    else:
        echo(json.dumps({"dev_set": str(dev), "status": "absent: hit@k not measured"}))
        texts = [
            q
            for a in load_articles(config.content_dir / "articles" if config.content_dir else None)
            for q in a.questions
        ]
    if not law_paths and dev_path is None:
        law_paths = blind_law_set_paths()
    redirects = {d.unit for d in documents if d.kind == "article" and d.categories == (OUT_OF_SCOPE,)}
    report["law"] = {}
    for law_path in law_paths:
        law_items = load_law_set(law_path)
        law_results = [scratch.search(item["query"], k=5) for item in law_items]
        metrics = law_metrics(law_results, [item["refs"] for item in law_items], redirects)
        report["law"][law_path.name] = metrics
        echo(json.dumps({"law_set": str(law_path), **_rounded(metrics)}))
    texts = (texts * (queries // max(len(texts), 1) + 1))[:queries]
    scratch._query_vector.cache_clear()
    # distinct strings so the query-vector cache never answers (a trailing marker changes nothing else)
    timed = [f"{text} {'?' * (n // len(set(texts)) + 1)}" for n, text in enumerate(texts)]
    report["kb_latency"] = percentiles(_timed_searches(lambda q: scratch.search(q, k=5), timed))
    echo(json.dumps({"kb_search_latency": report["kb_latency"], "queries": len(timed)}))
    if calibrate:
        report["off_topic"] = off_topic_figures(scratch)
        echo(json.dumps({"off_topic_calibration": report["off_topic"]}))
        report["calibration"] = calibrate_no_answer(replace(config), embedder, echo)
    scratch.close()
    report["cases"] = bench_cases(case_sizes, config, queries, echo)
    return report

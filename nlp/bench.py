"""Throughput and latency of triage on one process (``trudnadzor bench triage``)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from nlp.dataset import DEV_PATH, load


def texts_of_length(path: Path, target: int = 500, count: int = 400) -> list[str]:
    """Complaints of about ``target`` characters built from dev texts: short ones are joined (as if one
    person wrote several paragraphs), long ones cut at a sentence end; repeated up to ``count``."""
    texts: list[str] = []
    current = ""
    for record in load(path):
        current = f"{current}\n{record['text']}".strip()
        if len(current) < target * 0.9:
            continue
        if len(current) > target * 1.2:
            cut = current.rfind(". ", 0, int(target * 1.2))
            current = current[: cut + 1] if cut > target // 2 else current[: int(target * 1.2)]
        texts.append(current)
        current = ""
    if not texts:
        raise ValueError(f"no texts in {path}")
    return (texts * (count // len(texts) + 1))[:count]


def bench(path: Path = DEV_PATH, count: int = 400, batch: int = 32) -> dict[str, Any]:
    started = time.perf_counter()
    from nlp.pipeline import Analyzer

    analyzer = Analyzer()
    analyzer.warm_up()
    load_seconds = time.perf_counter() - started

    texts = texts_of_length(path, count=count)
    for text in texts[:50]:  # warm-up: caches of the morph analyser
        analyzer.analyze(text)

    latencies = []
    for text in texts:
        t0 = time.perf_counter()
        analyzer.analyze(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        analyzer.analyze_many(texts[i : i + batch])
    batched = time.perf_counter() - t0
    latencies.sort()
    return {
        "complaints": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "model_load_seconds": round(load_seconds, 2),
        "single_per_second": round(len(texts) / (sum(latencies) / 1000), 1),
        "batched_per_second": round(len(texts) / batched, 1),
        "batch": batch,
        "p50_ms": round(latencies[len(latencies) // 2], 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "max_ms": round(latencies[-1], 2),
    }

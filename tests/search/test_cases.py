"""The similar-case index: add/search/remove/persist and the switch to HNSW."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.cases import CaseIndex


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def test_add_search_remove() -> None:
    vectors = _vectors(20)
    index = CaseIndex(dim=16)
    index.add([f"c{i}" for i in range(20)], vectors=vectors)
    assert len(index) == 20 and index.kind == "flat"
    best = index.search(vectors[7], k=3)
    assert best[0][0] == "c7" and best[0][1] == pytest.approx(1.0, abs=1e-5)
    assert index.remove(["c7", "unknown"]) == 1
    assert "c7" not in [case_id for case_id, _ in index.search(vectors[7], k=20)]
    index.add(["c7"], vectors=vectors[8:9])  # re-adding replaces
    assert index.search(vectors[8], k=2)[0][1] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("ann", ["ivf", "hnsw"])
def test_switches_to_ann_above_threshold_and_persists(tmp_path: Path, ann: str) -> None:
    vectors = _vectors(60)
    index = CaseIndex(tmp_path / "cases", dim=16, ann_threshold=40, ann=ann)
    index.add([f"c{i}" for i in range(30)], vectors=vectors[:30])
    assert index.kind == "flat"
    index.add([f"c{i}" for i in range(30, 60)], vectors=vectors[30:])
    assert index.kind == ann
    assert index.search(vectors[45], k=1)[0][0] == "c45"
    index.remove(["c45"])  # IVF deletes; HNSW keeps a tombstone that is filtered from results
    assert index.tombstones == (1 if ann == "hnsw" else 0)
    assert "c45" not in [c for c, _ in index.search(vectors[45], k=5)]
    index.save()
    loaded = CaseIndex.load(tmp_path / "cases")
    assert loaded.kind == ann and len(loaded) == 59 and loaded.tombstones == 0
    assert loaded.search(vectors[50], k=1)[0][0] == "c50"


def test_texts_are_embedded(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    index = CaseIndex.open(tmp_path / "cases", embedder)
    index.add(
        ["1", "2", "3"],
        texts=[
            "Задержка заработной платы на три месяца",
            "Уволили беременную сотрудницу",
            "Не выдают спецодежду на стройке",
        ],
    )
    index.save()
    reopened = CaseIndex.open(tmp_path / "cases", embedder)
    assert reopened.search("не платят зарплату", k=1)[0][0] == "1"
    assert reopened.search("увольнение во время беременности", k=1)[0][0] == "2"


def test_errors() -> None:
    index = CaseIndex(dim=4)
    assert index.search(np.ones(4)) == []
    with pytest.raises(ValueError, match="either texts or vectors"):
        index.add(["a"])
    with pytest.raises(ValueError, match="no embedder"):
        index.add(["a"], texts=["text"])
    with pytest.raises(ValueError, match="dimension"):
        index.add(["a"], vectors=np.ones((1, 4)))
        index.add(["b"], vectors=np.ones((1, 5)))

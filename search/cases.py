"""Similar-case index for inspectors: case ids + texts → vectors; add, remove, search, persist.

Exact search (faiss flat, inner product on normalised vectors) while small; above `ann_threshold` vectors an
approximate index: IVF-flat (default) or HNSW. IVF was chosen as the default by measurement on this 2-core
machine: HNSW (M=16, efConstruction=40) took 100 s to build at 100k×512 vectors, so about 17 minutes at 1M,
while IVF trains k-means on a sample and adds a million vectors in about a minute, and it can delete.
HNSW cannot delete, so removals there are tombstones filtered out of results and dropped at the next rebuild
(`compact`, also done by `save`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.embedders import encode

# IVF: ~4·sqrt(N) lists (clipped), trained on a sample; nprobe lists visited per query
IVF_MAX_LISTS = 1024
IVF_NPROBE = 16
IVF_TRAIN_PER_LIST = 40
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 64


class CaseIndex:
    def __init__(
        self,
        directory: Path | None = None,
        embedder: Any | None = None,
        dim: int | None = None,
        ann_threshold: int = 50_000,
        ann: str = "ivf",
    ) -> None:
        if ann not in ("ivf", "hnsw"):
            raise ValueError("ann must be 'ivf' or 'hnsw'")
        self.directory = Path(directory) if directory else None
        self.embedder = embedder
        self.ann_threshold = ann_threshold
        self.ann = ann
        self.dim = dim
        self._vectors = np.zeros((0, dim or 0), dtype=np.float32)  # row = position
        self._ids: list[str | None] = []  # position → case id, None once removed
        self._positions: dict[str, int] = {}
        self._index: faiss.Index | None = None
        self._quantizer: faiss.Index | None = None
        self._kind = "flat"
        self._size = 0  # rows used in _vectors (capacity grows geometrically)

    # ---- state ----
    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._positions

    @property
    def kind(self) -> str:
        """ "flat", "ivf" or "hnsw"."""
        return self._kind

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.embedder is None:
            raise ValueError("this CaseIndex has no embedder: pass vectors instead of texts")
        return encode(self.embedder, list(texts))

    @staticmethod
    def _normalise(vectors: np.ndarray) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _new_index(self, kind: str, sample: np.ndarray | None = None) -> faiss.Index:
        assert self.dim is not None
        if kind == "ivf":
            assert sample is not None
            lists = int(np.clip(4 * np.sqrt(len(sample)), 16, IVF_MAX_LISTS))
            quantizer = faiss.IndexFlatIP(self.dim)
            ivf = faiss.IndexIVFFlat(quantizer, self.dim, lists, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)  # deterministic training sample
            size = min(len(sample), lists * IVF_TRAIN_PER_LIST)
            ivf.train(sample[np.sort(rng.choice(len(sample), size, replace=False))])
            ivf.nprobe = IVF_NPROBE
            self._quantizer = quantizer  # the IVF index does not own it from Python's side
            return ivf
        if kind == "hnsw":
            graph = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            graph.hnsw.efSearch = HNSW_EF_SEARCH
            return faiss.IndexIDMap(graph)
        return faiss.IndexIDMap(faiss.IndexFlatIP(self.dim))

    def _rebuild(self) -> None:
        """Index the live rows afresh (after a flat→HNSW switch, or to drop HNSW tombstones)."""
        live = np.array(sorted(self._positions.values()), dtype=np.int64)
        self._kind = self.ann if len(live) > self.ann_threshold else "flat"
        self._index = self._new_index(self._kind, self._vectors[live])
        if len(live):
            self._index.add_with_ids(self._vectors[live], live)

    # ---- changes ----
    def add(
        self, ids: Sequence[str], texts: Sequence[str] | None = None, vectors: np.ndarray | None = None
    ) -> None:
        """Add cases by text (embedded here) or by vector; an id already present is replaced."""
        if (texts is None) == (vectors is None):
            raise ValueError("pass either texts or vectors")
        ids = [str(i) for i in ids]
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one add()")
        matrix = self._normalise(self._embed(texts) if texts is not None else np.asarray(vectors))
        if matrix.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but {matrix.shape[0]} vectors")
        if self.dim is None or self._size == 0 and self._vectors.shape[1] != matrix.shape[1]:
            self.dim = matrix.shape[1]
            self._vectors = np.zeros((0, self.dim), dtype=np.float32)
        if matrix.shape[1] != self.dim:
            raise ValueError(f"vectors have dimension {matrix.shape[1]}, the index {self.dim}")
        self.remove([i for i in ids if i in self._positions])
        start = self._size
        self._grow(start + len(ids))
        self._vectors[start : start + len(ids)] = matrix
        self._size += len(ids)
        positions = np.arange(start, start + len(ids), dtype=np.int64)
        for case_id, position in zip(ids, positions, strict=True):
            self._ids.append(case_id)
            self._positions[case_id] = int(position)
        if self._index is None or (self._kind == "flat" and len(self) > self.ann_threshold):
            self._rebuild()  # first use, or the switch to the approximate index
        else:
            self._index.add_with_ids(matrix, positions)

    def _grow(self, rows: int) -> None:
        if rows > self._vectors.shape[0]:
            bigger = np.zeros((max(rows, 2 * self._vectors.shape[0]), self.dim or 0), dtype=np.float32)
            bigger[: self._size] = self._vectors[: self._size]
            self._vectors = bigger

    def remove(self, ids: Sequence[str]) -> int:
        """Remove cases; unknown ids are ignored. Returns how many were removed."""
        positions = [self._positions.pop(str(i)) for i in ids if str(i) in self._positions]
        for position in positions:
            self._ids[position] = None
        if positions and self._index is not None and self._kind != "hnsw":
            self._index.remove_ids(np.array(positions, dtype=np.int64))  # type: ignore[arg-type]
        return len(positions)

    @property
    def tombstones(self) -> int:
        return (self._index.ntotal if self._index is not None else 0) - len(self)

    def compact(self) -> None:
        """Drop removed rows from storage and rebuild the index."""
        live = sorted(self._positions.items(), key=lambda item: item[1])
        rows = np.array([position for _, position in live], dtype=np.int64)
        self._vectors = self._vectors[rows] if len(rows) else np.zeros((0, self.dim or 0), dtype=np.float32)
        self._size = len(rows)
        self._ids = [case_id for case_id, _ in live]
        self._positions = {case_id: n for n, case_id in enumerate(self._ids) if case_id is not None}
        self._rebuild()

    # ---- search ----
    def search(self, query: str | np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The k most similar cases as (id, cosine), best first."""
        if self._index is None or len(self) == 0:
            return []
        vector = (
            self._embed([query])
            if isinstance(query, str)
            else self._normalise(np.asarray(query).reshape(1, -1))
        )
        # removed rows still in an HNSW graph are skipped, so ask for a few more
        fetch = min(k + self.tombstones, self._index.ntotal)
        scores, positions = self._index.search(vector, fetch)
        result = []
        for score, position in zip(scores[0], positions[0], strict=True):
            case_id = self._ids[position] if position >= 0 else None
            if case_id is not None:
                result.append((case_id, float(score)))
            if len(result) == k:
                break
        return result

    # ---- persistence ----
    def save(self, directory: Path | None = None) -> Path:
        target = Path(directory or self.directory or "")
        if not str(target):
            raise ValueError("no directory to save to")
        if self.tombstones:
            self.compact()
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.save(tmp / "vectors.npy", self._vectors[: self._size])
        (tmp / "ids.json").write_text(json.dumps(self._ids, ensure_ascii=False))
        (tmp / "meta.json").write_text(
            json.dumps(
                {
                    "dim": self.dim,
                    "kind": self._kind,
                    "count": len(self),
                    "ann_threshold": self.ann_threshold,
                    "ann": self.ann,
                }
            )
        )
        if self._index is not None:
            faiss.write_index(self._index, str(tmp / "index.faiss"))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        self.directory = target
        return target

    @classmethod
    def load(
        cls, directory: Path, embedder: Any | None = None, ann_threshold: int | None = None
    ) -> CaseIndex:
        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text())
        index = cls(
            directory,
            embedder,
            dim=meta["dim"],
            ann=meta.get("ann", "ivf"),
            ann_threshold=ann_threshold if ann_threshold is not None else meta["ann_threshold"],
        )
        index._vectors = np.load(directory / "vectors.npy")
        index._size = index._vectors.shape[0]
        index._ids = json.loads((directory / "ids.json").read_text())
        index._positions = {case_id: n for n, case_id in enumerate(index._ids) if case_id is not None}
        if (directory / "index.faiss").exists():
            index._index = faiss.read_index(str(directory / "index.faiss"))
            index._kind = meta["kind"]
            if index._kind == "hnsw":
                graph: Any = faiss.downcast_index(index._index.index)  # type: ignore[attr-defined]
                graph.hnsw.efSearch = HNSW_EF_SEARCH
            elif index._kind == "ivf":
                faiss.extract_index_ivf(index._index).nprobe = IVF_NPROBE
        return index

    @classmethod
    def open(
        cls, directory: Path, embedder: Any | None = None, ann_threshold: int = 50_000, ann: str = "ivf"
    ) -> CaseIndex:
        """Load from `directory` if saved there, else a new empty index that will save there."""
        if (Path(directory) / "meta.json").exists():
            return cls.load(directory, embedder, ann_threshold)
        return cls(directory, embedder, ann_threshold=ann_threshold, ann=ann)

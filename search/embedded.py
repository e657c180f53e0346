"""The embedded backend: BM25 over lemmas and over character n-grams + dense vectors in faiss, fused by
reciprocal rank fusion.

On disk (one directory): manifest.json (content hash, model, counts), documents.jsonl, bm25.npz and
bm25_vocab.json (lemmas), chars.npz and chars_vocab.json (character n-grams), vectors.faiss, reference.npy
(general-life questions for no-answer detection). Built into a temporary directory and swapped in, so
readers never see a
half-written index.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.backend import Filters, SearchResult, assemble, matches
from search.classifier import ArticleClassifier, classified_ranking
from search.documents import Document
from search.embedders import dimension, encode, model_id
from search.lexical import BM25
from search.text import Vocabulary, colloquial_expansions, corrected, cyrillic, expand, spelling_fixes

# 5: classifier weights questions and learns from colloquially expanded examples; 6: a re-ranker (dropped);
# 7: without it (format 6 indexes carry its file and are rebuilt)
INDEX_FORMAT = "7"
DENSE_CANDIDATES = 200
# search/data/colloquial.txt, for the lexical sides and the classifier only: held-out article questions hit@1
# 0.683 → 0.690 with it; expanding the dense query too gave 0.678
EXPAND_QUERIES = True
# search.text.spelling_fixes: corrections appended for the lexical sides and the classifier, misspelt words
# replaced for the dense side; holdout queries with synthetic typos hit@1 0.888 → 0.947 (lexical) → 0.964
# (dense too), clean holdout queries unchanged
SPELLING_FIXES = True
DENSE_SPELLING_FIXES = True
# Best dense cosine below which a query is out of the KB's scope; calibrated with `trudnadzor bench search
# --calibrate` (in-domain article questions vs general-domain sentences). Unknown models fall back to 0.
NO_ANSWER_THRESHOLDS = {"use-multilingual-v3": 0.31, "navec-mean": 0.55}

Progress = Callable[[str, int, int], None]


def reference_questions() -> list[str]:
    """General-life questions the KB does not answer (for no-answer detection)."""
    path = Path(__file__).parent / "data" / "out_of_domain.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def content_hash(documents: Sequence[Document], embedding_model: str) -> str:
    digest = hashlib.sha256(f"{INDEX_FORMAT}\n{model_id(embedding_model)}\n".encode())
    digest.update("\n".join(reference_questions()).encode())
    # the classifier learns from colloquially expanded examples: a new expansion table means a new index
    digest.update(json.dumps(sorted(colloquial_expansions().items()), ensure_ascii=False).encode())
    for doc in documents:
        digest.update(json.dumps(doc.to_json(), ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def stored_hash(directory: Path) -> str | None:
    try:
        return str(json.loads((directory / "manifest.json").read_text())["content_hash"])
    except (OSError, ValueError, KeyError):
        return None


class EmbeddedBackend:
    """`SearchBackend` kept in memory and persisted under `directory`."""

    def __init__(
        self,
        directory: Path,
        embedder: Any,
        embedding_model: str = "",
        no_answer_threshold: float | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.embedder = embedder
        self.embedding_model = embedding_model
        self.no_answer_threshold = (
            no_answer_threshold
            if no_answer_threshold is not None
            else NO_ANSWER_THRESHOLDS.get(embedding_model or "use-multilingual-v3", 0.0)
        )
        self.documents: list[Document] = []
        self.bm25: BM25 | None = None
        self.chars: BM25 | None = None
        self.vectors: faiss.Index | None = None
        # the same vectors as a plain matrix and their document positions, searched with numpy (see _nearest)
        self._matrix = np.zeros((0, 1), dtype=np.float32)
        self._matrix_ids = np.zeros(0, dtype=np.int64)
        self.classifier: ArticleClassifier | None = None
        self._unit_docs: dict[str, int] = {}
        self._unit_documents: dict[str, Document] = {}
        self.manifest: dict[str, Any] = {}
        self.reference = np.zeros((0, 1), dtype=np.float32)
        self._masks: dict[str, np.ndarray] = {}
        self._vocabulary = Vocabulary({}, frozenset())
        self._query_vector = lru_cache(maxsize=2048)(self._encode_query)

    # ---- building and loading ----
    def index(self, documents: Sequence[Document], progress: Progress | None = None) -> None:
        started = time.perf_counter()
        documents = list(documents)
        ids = [doc.id for doc in documents]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        report = progress or (lambda stage, done, total: None)
        report("lexical", 0, len(documents))
        # documents kept out of the lexical side get an empty text: positions stay aligned with `documents`
        lexical_texts = [doc.text if doc.index != "dense" else "" for doc in documents]
        bm25 = BM25.build(lexical_texts)
        chars = BM25.build(lexical_texts, analyzer="char")
        report("lexical", len(documents), len(documents))
        # faiss ids are document positions, so the dense side only holds documents meant for it
        dense_ids = np.array([i for i, doc in enumerate(documents) if doc.index != "lexical"], dtype=np.int64)
        vectors = []
        batch = 128
        for start in range(0, len(dense_ids), batch):
            chunk = [documents[i].text for i in dense_ids[start : start + batch]]
            vectors.append(encode(self.embedder, chunk))
            report("vectors", min(start + batch, len(dense_ids)), len(dense_ids))
        matrix = np.vstack(vectors) if vectors else np.zeros((0, dimension(self.embedder)), dtype=np.float32)
        flat = faiss.IndexIDMap2(faiss.IndexFlatIP(matrix.shape[1]))
        flat.add_with_ids(matrix, dense_ids)
        report("classifier", 0, 1)
        by_position = np.zeros((len(documents), matrix.shape[1]), dtype=np.float32)
        by_position[dense_ids] = matrix
        classifier = ArticleClassifier.train(documents, by_position)
        report("classifier", 1, 1)
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with (tmp / "documents.jsonl").open("w", encoding="utf-8") as f:
            for doc in documents:
                f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        bm25.save(tmp)
        chars.save(tmp, "chars")
        faiss.write_index(flat, str(tmp / "vectors.faiss"))
        if classifier is not None:
            classifier.save(tmp)
        np.save(tmp / "reference.npy", encode(self.embedder, reference_questions()))
        counts: dict[str, int] = {}
        for doc in documents:
            counts[doc.kind] = counts.get(doc.kind, 0) + 1
        manifest = {
            "content_hash": content_hash(documents, self.embedding_model),
            "embedding_model": model_id(self.embedding_model),
            "documents": len(documents),
            "units": len({doc.unit for doc in documents}),
            "by_kind": counts,
            "build_seconds": round(time.perf_counter() - started, 2),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self._set(
            documents, bm25, chars, flat, manifest, np.load(self.directory / "reference.npy"), classifier
        )

    def load(self) -> None:
        documents = [
            Document.from_json(json.loads(line))
            for line in (self.directory / "documents.jsonl").open(encoding="utf-8")
            if line.strip()
        ]
        manifest = json.loads((self.directory / "manifest.json").read_text())
        self._set(
            documents,
            BM25.load(self.directory),
            BM25.load(self.directory, "chars"),
            faiss.read_index(str(self.directory / "vectors.faiss")),
            manifest,
            np.load(self.directory / "reference.npy"),
            ArticleClassifier.load(self.directory),
        )

    def ensure(self, documents: Sequence[Document], progress: Progress | None = None) -> bool:
        """Load the stored index if built from these documents and model, else rebuild; True if rebuilt."""
        if stored_hash(self.directory) == content_hash(documents, self.embedding_model):
            self.load()
            return False
        self.index(documents, progress)
        return True

    def _set(
        self,
        documents: list[Document],
        bm25: BM25,
        chars: BM25,
        vectors: faiss.Index,
        manifest: dict[str, Any],
        reference: np.ndarray,
        classifier: ArticleClassifier | None = None,
    ) -> None:
        self.documents, self.bm25, self.chars, self.vectors, self.manifest = (
            documents,
            bm25,
            chars,
            vectors,
            manifest,
        )
        self.reference = reference
        self.classifier = classifier
        # an IndexIDMap2 (document positions as ids) around the flat index
        wrapped, id_map = getattr(vectors, "index", None), getattr(vectors, "id_map", None)
        inner = faiss.downcast_index(wrapped) if wrapped is not None else vectors
        self._matrix = (
            inner.reconstruct_n(0, inner.ntotal) if inner.ntotal else np.zeros((0, inner.d), dtype=np.float32)
        )
        self._matrix_ids = (
            faiss.vector_to_array(id_map).astype(np.int64)
            if id_map is not None
            else np.arange(inner.ntotal, dtype=np.int64)
        )
        # a unit's classifier hit is represented by its first document (an article's whole text)
        self._unit_docs = {}
        for position, doc in enumerate(documents):
            self._unit_docs.setdefault(doc.unit, position)
        self._unit_documents = {unit: documents[position] for unit, position in self._unit_docs.items()}
        self._vocabulary = Vocabulary.build(doc.text for doc in documents)
        self._masks.clear()
        self._query_vector.cache_clear()

    # ---- searching ----
    def _encode_query(self, query: str) -> np.ndarray:
        return encode(self.embedder, [query])

    def _mask(self, filters: Filters | None) -> np.ndarray | None:
        if not filters:
            return None
        key = json.dumps(filters, sort_keys=True, default=list)
        if key not in self._masks:
            self._masks[key] = np.array([matches(doc, filters) for doc in self.documents], dtype=bool)
        return self._masks[key]

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult:
        if self.bm25 is None or self.vectors is None:
            raise RuntimeError("the index is not loaded: call ensure(), load() or index() first")
        query = cyrillic(" ".join(query.split()))
        if not query or not self.documents:
            return SearchResult(hits=[], no_answer=True)
        mask = self._mask(filters)
        # lexical sides see misspelt words' corrections and colloquial words' formal wording appended; the
        # dense side sees the query with misspelt words replaced
        fixes = spelling_fixes(query, self._vocabulary) if SPELLING_FIXES else {}
        lexical_query = " ".join([query, *fixes.values()])
        expanded = expand(lexical_query) if EXPAND_QUERIES else lexical_query
        lexical = self._lexical(self.bm25, expanded, mask)
        char = self._lexical(self.chars, expanded, mask) if self.chars is not None else []
        vector = self._query_vector(corrected(query, fixes) if DENSE_SPELLING_FIXES else query)
        scores, indexes = self._nearest(vector[0], DENSE_CANDIDATES)
        reference_best = float((self.reference @ vector[0]).max()) if len(self.reference) else -1.0
        dense = [
            (self.documents[i], float(s))
            for s, i in zip(scores, indexes, strict=True)
            if mask is None or mask[i]
        ]
        classified = self._classified(expanded, vector, mask) if self.classifier is not None else None
        return assemble(
            query, lexical, dense, k, self.no_answer_threshold, reference_best, char, classified=classified
        )

    def _nearest(self, vector: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """The `limit` nearest documents by inner product (cosine: vectors are normalised), best first, as
        (scores, document positions). ~200 nearest documents cover dozens of articles: enough for fusion. An
        exact scan of a few thousand vectors with numpy takes ~1 ms; faiss's flat search took ~5 ms here,
        its thread pool waking up for every single query."""
        scores = self._matrix @ vector
        if len(scores) > limit:
            top = np.argpartition(-scores, limit)[:limit]
        else:
            top = np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return scores[top], self._matrix_ids[top]

    def _classified(
        self, query: str, vector: np.ndarray, mask: np.ndarray | None, limit: int = 50
    ) -> list[tuple[Document, float]]:
        """Articles by the classifier's score, best first (as their first documents)."""
        assert self.classifier is not None
        allowed = None if mask is None else (lambda doc: bool(mask[self._unit_docs[doc.unit]]))
        return classified_ranking(self.classifier, query, vector, self._unit_documents, allowed, limit)

    def _lexical(self, bm25: BM25, query: str, mask: np.ndarray | None) -> list[tuple[Document, float]]:
        scores = bm25.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")
        order = order[scores[order] > 0][:500]
        return [(self.documents[i], float(scores[i])) for i in order]

    def close(self) -> None:
        self.documents, self.bm25, self.chars, self.vectors = [], None, None, None
        self._matrix, self._matrix_ids = np.zeros((0, 1), dtype=np.float32), np.zeros(0, dtype=np.int64)
        self.classifier, self._unit_docs, self._unit_documents = None, {}, {}
        self._query_vector.cache_clear()

"""BM25 over pymorphy3 lemmas, as a precomputed sparse weight matrix (a query is a column sum)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from search.text import lemmas, words


def char_ngrams(text: str) -> list[str]:
    """Character 3- and 4-grams of each word (with boundary marks): robust to typos («палавины»)."""
    grams: list[str] = []
    for word in words(text):
        padded = f"<{word}>"
        for n in (3, 4):
            grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
    return grams


ANALYZERS = {"lemma": lemmas, "char": char_ngrams}


class BM25:
    def __init__(self, vocab: dict[str, int], weights: sparse.csc_matrix, analyzer: str = "lemma") -> None:
        self.vocab = vocab
        self.weights = weights  # docs × terms, idf·saturated tf
        self.analyzer = analyzer
        self.analyze = ANALYZERS[analyzer]

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75, analyzer: str = "lemma") -> BM25:
        vocab: dict[str, int] = {}
        rows, cols, counts = [], [], []
        lengths = np.zeros(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            terms = Counter(ANALYZERS[analyzer](text))
            lengths[row] = sum(terms.values())
            for term, count in terms.items():
                rows.append(row)
                cols.append(vocab.setdefault(term, len(vocab)))
                counts.append(count)
        tf = sparse.csr_matrix(
            (np.array(counts, dtype=np.float32), (rows, cols)), shape=(len(texts), max(len(vocab), 1))
        )
        df = np.bincount(np.array(cols, dtype=np.int64), minlength=tf.shape[1]).astype(np.float32)
        n = len(texts)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)  # always > 0 (Lucene's BM25 idf)
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()) if n else 1.0, 1e-6))
        tf = tf.tocoo()
        values = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        weights = sparse.csc_matrix((values.astype(np.float32), (tf.row, tf.col)), shape=tf.shape)
        return cls(vocab, weights, analyzer)

    def scores(self, query: str) -> np.ndarray:
        columns = [self.vocab[t] for t in dict.fromkeys(self.analyze(query)) if t in self.vocab]
        if not columns:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        return np.asarray(self.weights[:, columns].sum(axis=1)).ravel()

    def save(self, directory: Path, name: str = "bm25") -> None:
        sparse.save_npz(directory / f"{name}.npz", self.weights)
        meta = {"analyzer": self.analyzer, "vocab": self.vocab}
        (directory / f"{name}_vocab.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str = "bm25") -> BM25:
        weights = sparse.load_npz(directory / f"{name}.npz").tocsc()
        meta = json.loads((directory / f"{name}_vocab.json").read_text(encoding="utf-8"))
        return cls(meta["vocab"], weights, meta["analyzer"])

"""A query → article classifier trained on the KB's own wording: each article's title, front-matter questions,
short answer and passages are labelled examples of that article.

Two linear models, trained deterministically at index build time and stored as plain arrays (no pickles):

- a linear SVM over TF-IDF (sublinear tf, L2-normalised) of lemmas, lemma bigrams and character 3–5-grams of
  each word (other word forms, typos and word order still match);
- multinomial logistic regression over the dense (USE) vectors the index already holds.

Their scores, standardised over the articles, are blended (`LEXICAL_SHARE`); inference is a sparse row and a
512-vector times two weight matrices, well under a millisecond. Measured on held-out article questions
(`python -m search.tune`): the blend alone ranks the right article first for 0.67 of them, better than any
single retriever (lemma BM25 0.40, character BM25 0.49, nearest dense document 0.28); with 2,270 front-matter
questions (13–15 an article) 0.88 (with 1,792 of them: lemma BM25 0.48, character BM25 0.58).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from search.documents import Document
from search.text import expand, lemmas, words

TRAIN_PARTS = ("title", "question", "short", "passage")  # article documents used as training examples
SVM_C = 0.5
DENSE_C = 10.0
LEXICAL_SHARE = 0.5  # weight of the TF-IDF model's standardised score; the dense model's is 1
# Front-matter questions are worded the way people ask, so they count twice as much as titles and passages;
# examples get the same colloquial expansion as queries. Held-out article questions (`python -m search.tune`,
# classifier alone): hit@1 0.851 → 0.858 with the weight (folds 0, 2, …, 10; weight 3 gave 0.862 but a lower
# hit@5), and 0.888 → 0.894 with the expansion too (folds 0, 4, 8).
QUESTION_WEIGHT = 2.0


def features(text: str) -> Counter[str]:
    """Lemma unigrams and bigrams and character 3–5-grams of each word (with boundary marks)."""
    terms: Counter[str] = Counter()
    normal = lemmas(text)
    terms.update("w:" + lemma for lemma in normal)
    terms.update(f"b:{a} {b}" for a, b in zip(normal, normal[1:], strict=False))
    for word in words(text):
        padded = f"<{word}>"
        for n in (3, 4, 5):
            terms.update("c:" + padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
    return terms


def example_text(doc: Document) -> str:
    """The document's own words: passages and the short answer lose their «Title. » prefix."""
    if doc.part in ("passage", "short") and doc.text.startswith(doc.title + ". "):
        return doc.text[len(doc.title) + 2 :]
    return doc.text


def training_text(doc: Document) -> str:
    """What the lexical model learns from: the document's own words, colloquially expanded as queries are."""
    return expand(example_text(doc))


def _standardise(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean()) / max(float(scores.std()), 1e-9)


def _per_class(coef: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(features × classes, classes) weights; sklearn gives one row for two classes (positive = second)."""
    if coef.shape[0] == 1:
        coef, bias = np.vstack([-coef, coef]), np.concatenate([-bias, bias])
    return np.ascontiguousarray(coef.T), bias


class ArticleClassifier:
    def __init__(
        self,
        units: list[str],
        vocab: dict[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        bias: np.ndarray,
        dense_coef: np.ndarray,
        dense_bias: np.ndarray,
    ) -> None:
        self.units = units
        self.vocab = vocab
        self.idf = idf.astype(np.float32)
        self.coef = coef.astype(np.float32)  # features × units
        self.bias = bias.astype(np.float32)
        self.dense_coef = dense_coef.astype(np.float32)  # dimension × units
        self.dense_bias = dense_bias.astype(np.float32)

    def _tfidf(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        known = [(self.vocab[t], c) for t, c in counts.items() if t in self.vocab]
        columns = np.array([i for i, _ in known], dtype=np.int64)
        values = np.array([1.0 + math.log(c) for _, c in known], dtype=np.float32)
        if len(columns):
            values *= self.idf[columns]
            values /= max(float(np.linalg.norm(values)), 1e-9)
        return columns, values

    def lexical_scores(self, text: str) -> np.ndarray | None:
        """The TF-IDF model's decision scores per unit; None when no feature of `text` is known."""
        columns, values = self._tfidf(features(text))
        return values @ self.coef[columns] + self.bias if len(columns) else None

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """The dense model's decision scores per unit for a query vector."""
        return vector.reshape(-1) @ self.dense_coef + self.dense_bias

    def scores(self, text: str, vector: np.ndarray) -> np.ndarray:
        """Blended standardised scores per unit (in `self.units` order); `vector` is the query vector."""
        dense = _standardise(self.dense_scores(vector))
        lexical = self.lexical_scores(text)
        return dense if lexical is None else dense + LEXICAL_SHARE * _standardise(lexical)

    @classmethod
    def train(
        cls,
        documents: Sequence[Document],
        vectors: np.ndarray,
        svm_c: float = SVM_C,
        dense_c: float = DENSE_C,
    ) -> ArticleClassifier | None:
        """Train on the article documents of `TRAIN_PARTS`; `vectors[i]` is the dense vector of `documents[i]`
        (rows of other documents are ignored). None when fewer than two articles."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        chosen = [i for i, doc in enumerate(documents) if doc.kind == "article" and doc.part in TRAIN_PARTS]
        units = sorted({documents[i].unit for i in chosen})
        if len(units) < 2:
            return None
        counted = [features(training_text(documents[i])) for i in chosen]
        df: Counter[str] = Counter()
        for counts in counted:
            df.update(counts.keys())
        terms = sorted(df)
        vocab = {term: i for i, term in enumerate(terms)}
        n = len(chosen)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
        model = cls(units, vocab, idf, np.zeros((len(terms), 0)), np.zeros(0), np.zeros((0, 0)), np.zeros(0))
        rows, cols, vals = [], [], []
        for row, counts in enumerate(counted):
            columns, values = model._tfidf(counts)
            rows.extend([row] * len(columns))
            cols.extend(columns.tolist())
            vals.extend(values.tolist())
        x = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(terms)), dtype=np.float32)
        index = {u: i for i, u in enumerate(units)}
        y = np.array([index[documents[i].unit] for i in chosen])
        weight = np.array([QUESTION_WEIGHT if documents[i].part == "question" else 1.0 for i in chosen])
        svm = LinearSVC(C=svm_c, random_state=0).fit(x, y, sample_weight=weight)
        dense = LogisticRegression(C=dense_c, max_iter=500).fit(vectors[chosen], y, sample_weight=weight)
        return cls(
            units,
            vocab,
            idf,
            *_per_class(svm.coef_, svm.intercept_),
            *_per_class(dense.coef_, dense.intercept_),
        )

    def save(self, directory: Path, name: str = "classifier") -> None:
        np.savez(
            directory / f"{name}.npz",
            idf=self.idf,
            coef=self.coef.astype(np.float16),  # halves the file; scores change in the 4th digit
            bias=self.bias,
            dense_coef=self.dense_coef,
            dense_bias=self.dense_bias,
        )
        meta = {"units": self.units, "vocab": self.vocab}
        (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str = "classifier") -> ArticleClassifier | None:
        if not (directory / f"{name}.npz").exists():
            return None
        arrays = np.load(directory / f"{name}.npz")
        meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        return cls(
            meta["units"],
            meta["vocab"],
            arrays["idf"],
            arrays["coef"],
            arrays["bias"],
            arrays["dense_coef"],
            arrays["dense_bias"],
        )


def unit_documents(documents: Sequence[Document]) -> dict[str, Document]:
    """The document that stands for each unit in the classifier's ranking: its first one (an article's whole
    text)."""
    first: dict[str, Document] = {}
    for doc in documents:
        first.setdefault(doc.unit, doc)
    return first


def classified_ranking(
    classifier: ArticleClassifier,
    text: str,
    vector: np.ndarray,
    unit_docs: Mapping[str, Document],
    allowed: Callable[[Document], bool] | None = None,
    limit: int = 50,
) -> list[tuple[Document, float]]:
    """Articles by the classifier's score, best first, as their unit documents; `text` is the (expanded)
    query, `vector` its dense vector; `allowed` drops documents the filters exclude. Both backends fuse this
    ranking the same way (`search.backend.assemble` with the classifier weights)."""
    scores = classifier.scores(text, vector)
    result = []
    for i in np.argsort(-scores, kind="stable"):
        doc = unit_docs.get(classifier.units[i])
        if doc is None or (allowed is not None and not allowed(doc)):
            continue
        result.append((doc, float(scores[i])))
        if len(result) == limit:
            break
    return result

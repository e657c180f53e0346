"""A learned re-ranker over the fused candidates.

Reciprocal rank fusion only sees ranks. The re-ranker sees, for each of the top `depth` fused articles, how
strongly each retriever voted for it (raw scores, their gaps to the best candidate, ranks), the dense cosine
to the unit's closest document and closest front-matter question (nearest-question evidence), and how much of
the query's wording the title shares, and scores it with a linear model (logistic regression, pointwise).

It is trained offline on the leave-one-question-out tuning split (`python -m search.tune --train-reranker`:
every held-out question's candidates come from an index built without it, so the features look like those of
a new question) and stored as plain arrays in `search/data/reranker.json`; the index build copies it next to
the classifier (`index_dir/kb/reranker.json`) and the content hash covers it. Checklist items and law articles
keep the places fusion gave them: only articles are reordered among themselves.

The top article's re-ranker probability is also the no-answer evidence (`no_answer_below`): chosen on the
tuning questions vs `search/data/off_topic_calibration.txt`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FEATURES = (
    "fused_rel",  # fused score / best fused score
    "fused_rr",  # 1 / fused rank
    "cls",  # classifier blend (standardised over articles)
    "cls_gap",  # … minus the best candidate's
    "cls_dense",  # dense logistic regression part, standardised
    "cls_dense_gap",
    "cls_lex",  # TF-IDF SVM part, standardised
    "cls_lex_gap",
    "bm25_rel",  # lemma BM25 / best lemma BM25 (0 when absent)
    "bm25_rr",  # 1 / lemma BM25 rank (0 when absent)
    "char_rel",
    "char_rr",
    "cos",  # best dense cosine of the unit's documents
    "cos_gap",  # … minus the best over all units
    "qcos",  # best cosine to one of the unit's front-matter questions
    "qcos_gap",
    "title_cos",  # cosine to the title
    "title_overlap",  # share of the query's lemmas found in the title
    "query_len",  # log(1 + number of query lemmas)
)
DEFAULT_PATH = Path(__file__).parent / "data" / "reranker.json"
FILE_NAME = "reranker.json"


@dataclass
class Candidates:
    """Feature rows for one query: `units[i]` has `rows[i]` (FEATURES order)."""

    units: list[str] = field(default_factory=list)
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES)), dtype=np.float32))


def candidate_features(
    units: Sequence[str],
    fused: Mapping[str, tuple[int, float]],
    classifier: Mapping[str, tuple[float, float, float]],
    bm25: Mapping[str, tuple[int, float]],
    char: Mapping[str, tuple[int, float]],
    dense: Mapping[str, tuple[float, float, float]],
    title_overlap: Mapping[str, float],
    query_lemmas: int,
) -> Candidates:
    """Rows for `units`: fused/bm25/char map a unit to (rank from 1, score); classifier to (blend, dense
    part, lexical part) and dense to (best cosine, best question cosine, title cosine); a unit missing from
    those two gets the lowest value seen."""
    n = len(units)
    rows = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if not n:
        return Candidates([], rows)
    best_fused = max(score for _, score in fused.values()) or 1.0
    cls = np.array([classifier.get(u, (np.nan,) * 3) for u in units], dtype=np.float64)
    floor = (
        np.array([min(v[i] for v in classifier.values()) for i in range(3)]) if classifier else np.zeros(3)
    )
    cls = np.where(np.isnan(cls), floor, cls)
    den = np.array([dense.get(u, (np.nan,) * 3) for u in units], dtype=np.float64)
    dfloor = np.array([min(v[i] for v in dense.values()) for i in range(3)]) if dense else np.zeros(3)
    den = np.where(np.isnan(den), dfloor, den)
    best_bm25 = max((s for _, s in bm25.values()), default=1.0) or 1.0
    best_char = max((s for _, s in char.values()), default=1.0) or 1.0
    for i, unit in enumerate(units):
        rank, score = fused[unit]
        b_rank, b_score = bm25.get(unit, (0, 0.0))
        c_rank, c_score = char.get(unit, (0, 0.0))
        rows[i] = (
            score / best_fused,
            1.0 / rank,
            cls[i, 0],
            cls[i, 0] - cls[:, 0].max(),
            cls[i, 1],
            cls[i, 1] - cls[:, 1].max(),
            cls[i, 2],
            cls[i, 2] - cls[:, 2].max(),
            b_score / best_bm25,
            1.0 / b_rank if b_rank else 0.0,
            c_score / best_char,
            1.0 / c_rank if c_rank else 0.0,
            den[i, 0],
            den[i, 0] - den[:, 0].max(),
            den[i, 1],
            den[i, 1] - den[:, 1].max(),
            den[i, 2],
            title_overlap.get(unit, 0.0),
            np.log1p(query_lemmas),
        )
    return Candidates(list(units), rows)


class Reranker:
    """Linear scores over standardised features; `depth` fused articles are reordered."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: float,
        mean: np.ndarray,
        scale: np.ndarray,
        depth: int = 20,
        no_answer_below: float = 0.0,
        meta: dict[str, object] | None = None,
    ) -> None:
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.depth = int(depth)
        self.no_answer_below = float(no_answer_below)
        self.meta = dict(meta or {})

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(rows)))

    def order(self, candidates: Candidates) -> list[tuple[str, float]]:
        """Candidates best first with their probabilities (stable: equal scores keep the fused order)."""
        if not candidates.units:
            return []
        probabilities = self.probabilities(candidates.rows)
        order = np.argsort(-probabilities, kind="stable")
        return [(candidates.units[i], float(probabilities[i])) for i in order]

    # ---- training and storage ----
    @classmethod
    def train(
        cls,
        groups: Sequence[tuple[np.ndarray, np.ndarray]],
        c: float = 1.0,
        depth: int = 20,
    ) -> Reranker:
        """Pointwise logistic regression on (rows, labels) per query (label 1: an answering article);
        deterministic (lbfgs, no sampling)."""
        from sklearn.linear_model import LogisticRegression

        x = np.vstack([rows for rows, _ in groups]).astype(np.float64)
        y = np.concatenate([labels for _, labels in groups]).astype(int)
        mean = x.mean(axis=0)
        scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
        model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
        return cls(model.coef_[0], float(model.intercept_[0]), mean, scale, depth)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            "depth": self.depth,
            "no_answer_below": round(self.no_answer_below, 6),
            "meta": self.meta,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Reranker | None:
        """None when the file is missing or was written for other features."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(
            np.array(data["weights"]),
            data["bias"],
            np.array(data["mean"]),
            np.array(data["scale"]),
            data.get("depth", 20),
            data.get("no_answer_below", 0.0),
            data.get("meta") or {},
        )


def default_reranker() -> Reranker | None:
    return Reranker.load(DEFAULT_PATH)

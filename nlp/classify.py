"""The problem classifier at inference time: TF-IDF (lemma n-grams + char n-grams) and linear models.

The model is plain arrays (``nlp/model/model.npz``) plus vocabularies and metadata (``nlp/model/meta.json``),
written by ``nlp.train`` with scikit-learn; inference needs only numpy, so loading is fast and no pickle
is involved. Two heads share the features:

* ``doc``: one-vs-rest logistic regression over whole complaints (multi-label), Platt-calibrated on
  out-of-fold scores;
* ``sent``: multinomial logistic regression over sentences, classes = categories + ``_none`` (greetings,
  requests, context); it decides which sentences make up each problem;
* ``urgent``: binary logistic regression over whole complaints (urgent for an accident, a death, a
  poisoning or a danger), Platt-calibrated; it backs up the urgency rules (``nlp.urgency``).

A category's score is ``w · p_doc + (1 − w) · max over sentences p_sent``; ``w``, the decision threshold and
the confidence calibration (Platt on the fused score) are chosen on out-of-fold predictions in training.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.features import Features, normalise, token_char_ngrams, word_features

MODEL_DIR = Path(__file__).with_name("model")
NONE = "_none"


def decide(
    fused: np.ndarray,
    threshold: float,
    out_of_scope: int,
    oos_margin: float = 0.0,
    oos_scores: np.ndarray | None = None,
    sent_scores: np.ndarray | None = None,
    labour_override: float | None = None,
    fused_agrees: bool = False,
) -> list[int]:
    """Categories of one complaint from its fused scores. out_of_scope is exclusive: it wins only when it
    scores at least as high as every labour category (less ``oos_margin``), and then it is the only
    category. With ``oos_scores`` (the complaint head's probabilities, as the pipeline passes them) that test
    reads those instead of the fused scores: out_of_scope is a property of the whole complaint, and the
    sentence head's maximum favours labour whenever one sentence mentions work (train-only nested CV, two
    outer seeds: out_of_scope errors 24 + 20 → 20 + 17 and 25 + 15 → 17 + 14, macro-F1 +0.0015 / +0.002).

    With ``labour_override``, one sentence whose sentence-head score (``sent_scores``, the maximum over the
    sentences) for a labour category reaches it keeps the complaint labour however the whole reads: a
    grievance against one's own employer in one line of a letter about a landlord, a clinic and a pension.
    With ``fused_agrees``, out_of_scope must win on the fused scores too (the nested CV measures both)."""
    labour = [j for j in range(len(fused)) if j != out_of_scope]

    def out_of_scope_wins(scores: np.ndarray) -> bool:
        return bool(scores[out_of_scope] + oos_margin >= max(scores[j] for j in labour))

    test = fused if oos_scores is None else oos_scores
    if out_of_scope >= 0 and out_of_scope_wins(test) and (not fused_agrees or out_of_scope_wins(fused)):
        if (
            labour_override is None
            or sent_scores is None
            or max(sent_scores[j] for j in labour) < labour_override
        ):
            return [out_of_scope]
    chosen = [j for j in labour if fused[j] >= threshold]
    return chosen or [max(labour, key=lambda j: fused[j])]


class ModelMissing(RuntimeError):
    pass


@dataclass
class Vectoriser:
    vocab: dict[str, int]
    idf: np.ndarray
    offset: int = 0

    def ids(self, feats: list[str]) -> np.ndarray:
        """Column numbers of the known features (with repeats), shifted by ``offset``."""
        get = self.vocab.get
        found = [i for i in map(get, feats) if i is not None]
        return np.fromiter(found, dtype=np.int64, count=len(found)) + self.offset


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so large scores do not overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _weigh(ids: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse row (indices, values) from feature ids: sublinear tf × idf, each block L2-normalised."""
    if not len(ids):
        return ids, np.zeros(0, dtype=np.float32)
    idx, counts = np.unique(ids, return_counts=True)
    return idx, ((1.0 + np.log(counts)) * idf[idx]).astype(np.float32)


@dataclass
class Encoded:
    """One complaint through both heads: ``sent_proba`` (sentences × sentence classes), each sentence's TF-IDF
    row as (indices, values) for the evidence, and the complaint head's calibrated probabilities."""

    sent_proba: np.ndarray
    rows: list[tuple[np.ndarray, np.ndarray]]
    doc_proba: np.ndarray
    urgent_proba: float = 0.0  # the urgency head's calibrated probability (0 without the head)
    # the same head over each run of `urgent_window` sentences, the highest (0 when the window is off): a
    # danger told in two calm sentences of a long letter about pay is diluted in the whole complaint
    urgent_window_proba: float = 0.0
    # the urgency head over single sentences, the highest (0 without it): one calm sentence of a long letter
    urgent_sentence_proba: float = 0.0
    # the same for each sentence (empty without the head)
    urgent_sentence_probas: np.ndarray = field(default_factory=lambda: np.zeros(0))


CHAR_CACHE_LIMIT = 200_000  # tokens whose char n-gram ids are remembered (a few tens of MB at most)


class Model:
    """Loaded classifier; thread-safe for reading."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]):
        self.meta = meta
        self.categories: list[str] = meta["categories"]
        self.sent_classes: list[str] = meta["sent_classes"]
        self.n_word = len(meta["word_vocab"])
        self.word = Vectoriser({f: i for i, f in enumerate(meta["word_vocab"])}, arrays["word_idf"])
        self.char = Vectoriser(
            {f: i for i, f in enumerate(meta["char_vocab"])}, arrays["char_idf"], self.n_word
        )
        self.idf = np.concatenate([arrays["word_idf"], arrays["char_idf"]]).astype(np.float32)

        self.word_names: list[str] = meta["word_vocab"]
        self.doc_coef = arrays["doc_coef"].astype(np.float32)
        self.doc_intercept = arrays["doc_intercept"].astype(np.float32)
        self.platt_a = arrays["platt_a"].astype(np.float32)
        self.platt_b = arrays["platt_b"].astype(np.float32)
        self.fuse_weight = float(meta["fuse_weight"])
        self.threshold = float(meta["threshold"])
        self.oos_margin = float(meta.get("oos_margin", 0.0))
        override = meta.get("labour_override")
        self.labour_override = None if override is None else float(override)
        self.fused_agrees = bool(meta.get("fused_agrees", False))
        self.confidence_a = float(meta["confidence_a"])
        self.confidence_b = float(meta["confidence_b"])
        self.sent_coef = arrays["sent_coef"].astype(np.float32)
        self.sent_intercept = arrays["sent_intercept"].astype(np.float32)
        self.review_threshold = float(meta.get("review_threshold", 0.5))
        self.urgent_coef = arrays["urgent_coef"].astype(np.float32) if "urgent_coef" in arrays else None
        self.urgent_intercept = float(arrays["urgent_intercept"][0]) if "urgent_coef" in arrays else 0.0
        platt = arrays.get("urgent_platt", np.array([1.0, -30.0]))
        self.urgent_platt = (float(platt[0]), float(platt[1]))
        self.urgent_threshold = float(meta.get("urgent_threshold", 2.0))  # above 1: the head never fires
        self.urgent_window = int(meta.get("urgent_window", 3))
        self.urgent_window_threshold = float(meta.get("urgent_window_threshold", 2.0))
        self.urgent_sent_coef = (
            arrays["urgent_sent_coef"].astype(np.float32) if "urgent_sent_coef" in arrays else None
        )
        self.urgent_sent_intercept = (
            float(arrays["urgent_sent_intercept"][0]) if "urgent_sent_coef" in arrays else 0.0
        )
        self.urgent_sentence_threshold = float(meta.get("urgent_sentence_threshold", 2.0))
        # models trained before it: every urgent out_of_scope complaint at a workplace becomes labour
        self.urgent_oos_to_labour_max = float(meta.get("urgent_oos_to_labour_max", 2.0))
        self.n_features = len(self.idf)
        self._char_cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> Model:
        meta_path, arrays_path = directory / "meta.json", directory / "model.npz"
        if not meta_path.exists() or not arrays_path.exists():
            raise ModelMissing(f"no classifier in {directory}; run `trudnadzor nlp train`")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(arrays_path) as data:
            arrays = {k: data[k] for k in data.files}
        return cls(arrays, meta)

    def ids(self, feats: Features) -> tuple[np.ndarray, np.ndarray]:
        """(word ids, char ids) of a sentence's features; a complaint's ids are its sentences' together."""
        return self.word.ids(feats[0]), self.char.ids(feats[1])

    def sentence_ids(self, text: str) -> list[int]:
        """Column numbers (with repeats) of a sentence's known features: lemma n-grams, then char n-grams.
        The same multiset as ``ids(text_features(text))``; the char n-gram ids of a token are cached, as
        complaints repeat the same words."""
        get = self.word.vocab.get
        result = [i for i in map(get, word_features(text)) if i is not None]
        cache = self._char_cache
        for token in normalise(text).split():
            known = cache.get(token)
            if known is None:
                get_char, offset = self.char.vocab.get, self.char.offset
                known = tuple(i + offset for i in map(get_char, token_char_ngrams(token)) if i is not None)
                if len(cache) < CHAR_CACHE_LIMIT:
                    cache[token] = known
            result.extend(known)
        return result

    def _rows(self, ids: np.ndarray, owner: np.ndarray, n_rows: int) -> tuple[np.ndarray, ...]:
        """TF-IDF rows of several feature-id lists at once: (row, column, value) sorted by row and column,
        sublinear tf × idf, the word and char blocks of each row L2-normalised separately."""
        keys, counts = np.unique(owner * self.n_features + ids, return_counts=True)
        row = keys // self.n_features
        col = keys - row * self.n_features
        val = ((1.0 + np.log(counts)) * self.idf[col]).astype(np.float32)
        group = row * 2 + (col >= self.n_word)
        norms = np.sqrt(np.bincount(group, weights=val.astype(np.float64) ** 2, minlength=2 * n_rows))
        val = (val / np.where(norms > 0, norms, 1.0)[group]).astype(np.float32)
        return row, col, val

    def encode(self, sentences: list[str]) -> Encoded:
        """Both heads over a complaint's sentences in a few vectorised steps."""
        per_sentence = [self.sentence_ids(text) for text in sentences]
        lengths = [len(ids) for ids in per_sentence]
        ids = np.fromiter(itertools.chain.from_iterable(per_sentence), dtype=np.int64, count=sum(lengths))
        n = len(sentences)
        n_classes = len(self.sent_classes)

        sentence_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
        row, col, val = self._rows(ids, sentence_of, n)
        bounds = np.searchsorted(row, np.arange(n + 1))
        scores = np.tile(self.sent_intercept, (n, 1))
        filled = bounds[:-1] < bounds[1:]
        if filled.any():
            contrib = self.sent_coef[:, col] * val
            scores[filled] += np.add.reduceat(contrib, bounds[:-1][filled], axis=1).T
        scores -= scores.max(axis=1, keepdims=True)
        proba = np.exp(scores)
        proba /= proba.sum(axis=1, keepdims=True)
        rows = [(col[bounds[k] : bounds[k + 1]], val[bounds[k] : bounds[k + 1]]) for k in range(n)]

        _, doc_col, doc_val = self._rows(ids, np.zeros(len(ids), dtype=np.int64), 1)
        doc_scores = self.doc_coef[:, doc_col] @ doc_val + self.doc_intercept
        doc = _sigmoid(self.platt_a * doc_scores + self.platt_b)
        urgent = window = 0.0
        if self.urgent_coef is not None:
            raw = float(self.urgent_coef[doc_col] @ doc_val) + self.urgent_intercept
            urgent = self._urgent_calibrated(np.array([raw]))[0]
            if self.urgent_window_threshold <= 1.0:
                window = self._window_urgent(ids, sentence_of, n, self.urgent_window)
        sentence = 0.0
        each_sentence = np.zeros(0)
        if self.urgent_sent_coef is not None and len(col):
            sentence_raw = np.bincount(row, weights=self.urgent_sent_coef[col] * val, minlength=n)
            each_sentence = _sigmoid(sentence_raw + self.urgent_sent_intercept)
            sentence = float(each_sentence.max())
        return Encoded(proba.reshape(n, n_classes), rows, doc, urgent, window, sentence, each_sentence)

    def _urgent_calibrated(self, raw: np.ndarray) -> list[float]:
        a, b = self.urgent_platt
        return _sigmoid(a * raw + b).tolist()

    def window_urgent_proba(self, per_sentence: list[list[int]], size: int) -> float:
        """The urgency head's highest probability over runs of `size` consecutive sentences (given as their
        feature ids); a complaint of at most `size` sentences is one run, the whole complaint."""
        lengths = [len(ids) for ids in per_sentence]
        ids = np.fromiter(itertools.chain.from_iterable(per_sentence), dtype=np.int64, count=sum(lengths))
        sentence_of = np.repeat(np.arange(len(per_sentence), dtype=np.int64), lengths)
        return self._window_urgent(ids, sentence_of, len(per_sentence), size)

    def _window_urgent(self, ids: np.ndarray, sentence_of: np.ndarray, n: int, size: int) -> float:
        """`window_urgent_proba` from the complaint's feature ids and the sentence each belongs to."""
        if self.urgent_coef is None or n == 0 or not len(ids):
            return 0.0
        n_windows = max(1, n - size + 1)
        # sentence j belongs to runs j − size + 1 … j that exist
        shifted = [sentence_of - d for d in range(min(size, n))]
        owner = np.concatenate(shifted)
        repeated = np.tile(ids, len(shifted))
        keep = (owner >= 0) & (owner < n_windows)
        row, col, val = self._rows(repeated[keep], owner[keep], n_windows)
        weights = self.urgent_coef[col] * val
        raw = np.bincount(row, weights=weights, minlength=n_windows) + self.urgent_intercept
        return max(self._urgent_calibrated(raw))

    def vector(self, ids: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The TF-IDF row as (indices, values); word and char blocks are L2-normalised separately."""
        parts = [_weigh(block, self.idf) for block in ids]
        values = []
        for _, val in parts:
            norm = float(np.linalg.norm(val))
            values.append(val / norm if norm else val)
        return np.concatenate([idx for idx, _ in parts]), np.concatenate(values)

    def doc_proba(self, ids: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Calibrated per-category probabilities for a whole complaint (ids of all its sentences)."""
        idx, val = self.vector(ids)
        scores = self.doc_coef[:, idx] @ val + self.doc_intercept
        return _sigmoid(self.platt_a * scores + self.platt_b)

    def sent_proba(
        self, ids: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Softmax over sentence classes, and the sentence's TF-IDF row (for evidence)."""
        idx, val = self.vector(ids)
        scores = self.sent_coef[:, idx] @ val + self.sent_intercept
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum(), (idx, val)

    def confidence(self, fused: np.ndarray) -> np.ndarray:
        """Calibrated probability that a chosen category is right, from its fused score."""
        return _sigmoid(self.confidence_a * fused + self.confidence_b)

    def evidence(self, category: str, idx: np.ndarray, val: np.ndarray, top: int = 5) -> list[str]:
        """Lemma n-grams that pushed the sentence head towards the category the most."""
        row = self.sent_classes.index(category)
        words = idx < self.n_word
        idx, val = idx[words], val[words]
        if not len(idx):
            return []
        contrib = self.sent_coef[row, idx] * val
        order = np.argsort(-contrib)
        result: list[str] = []
        for i in order[: top * 2]:
            if contrib[i] <= 0:
                break
            name = self.word_names[int(idx[i])].replace("не не_", "не ").replace("_", " ")  # «не платить»
            if "<num>" not in name and not any(name in r or r in name for r in result):
                result.append(name)
            if len(result) == top:
                break
        return result


_lock = threading.Lock()
_model: Model | None = None


def model() -> Model:
    """The committed classifier, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = Model.load()
    return _model


def reset() -> None:
    """Forget the loaded model (after retraining in the same process)."""
    global _model
    _model = None

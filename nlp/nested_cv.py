"""Nested cross-validation of the operating point (fusion weight, threshold) on ``train.jsonl`` only.

``python -m nlp.nested_cv`` (≈ 5 trainings, 6–8 min on 2 cores): for each of 5 outer folds the classifier is
trained on the other folds exactly as ``trudnadzor nlp train`` does, and macro-F1 of that final model is
measured on the held-out fold for every (weight, threshold) of the grid. The out-of-fold grid inside
``fit`` scores the fold models, which are trained on less data and are less confident than the final model;
this measures the final model itself. ``PARAMS["fuse_weights"]`` / ``PARAMS["thresholds"]`` in
``nlp/train.py`` hold the best setting of the mean held-out grid. dev.jsonl is never read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from nlp.classify import Model, decide
from nlp.clean import clean
from nlp.dataset import TRAIN_PATH, load
from nlp.features import text_features
from nlp.split import sentences
from nlp.train import _macro, fit, taxonomy_codes

WEIGHTS = [0.3, 0.4, 0.5, 0.6]
THRESHOLDS = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
OUTER_SEED = 7


def _scores(model: Model, text: str, n_cat: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc head probabilities, max sentence probabilities) of a complaint, as the pipeline computes them."""
    cleaned = clean(text)
    sents = sentences(cleaned.body_text) or sentences(cleaned.facts_text)
    ids = [model.ids(text_features(s.text)) for s in sents]
    empty = np.zeros(0, dtype=np.int64)
    sent_max = np.zeros(n_cat)
    for sentence_ids in ids:
        sent_max = np.maximum(sent_max, model.sent_proba(sentence_ids)[0][:n_cat])
    doc = model.doc_proba(
        (np.concatenate([w for w, _ in ids] or [empty]), np.concatenate([c for _, c in ids] or [empty]))
    )
    return doc, sent_max


def nested_grid(path: Path = TRAIN_PATH, folds: int = 5) -> dict[str, Any]:
    from sklearn.model_selection import KFold

    records = load(path)
    categories = taxonomy_codes()
    oos = categories.index("out_of_scope")
    per_fold: list[dict[str, float]] = []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=OUTER_SEED).split(records):
        arrays, meta, _ = fit([records[i] for i in train_idx], categories)
        model = Model(arrays, meta)
        pairs = [_scores(model, records[i]["text"], len(categories)) for i in test_idx]
        doc = np.array([d for d, _ in pairs])
        sent = np.array([s for _, s in pairs])
        Y = np.array([[1 if c in records[i]["categories"] else 0 for c in categories] for i in test_idx])
        row = {}
        for weight in WEIGHTS:
            fused = weight * doc + (1 - weight) * sent
            for threshold in THRESHOLDS:
                pred = np.zeros(Y.shape, dtype=bool)
                for r in range(len(test_idx)):
                    pred[r, decide(fused[r], threshold, oos)] = True
                row[f"{weight}/{threshold}"] = _macro(Y, pred)
        per_fold.append(row)
    mean = {key: round(float(np.mean([row[key] for row in per_fold])), 4) for key in per_fold[0]}
    best = max(mean, key=lambda key: mean[key])
    return {"records": len(records), "mean_held_out_macro_f1": mean, "best": best}


if __name__ == "__main__":
    print(json.dumps(nested_grid(), ensure_ascii=False, indent=1))

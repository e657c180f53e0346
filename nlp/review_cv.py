"""How many labour complaints read only as out_of_scope go to review, and at what cost, per level of
``pipeline.OUT_OF_SCOPE_DOUBT`` — K-fold cross-validation of the whole pipeline on ``train.jsonl`` only.

``python -m nlp.review_cv [FOLDS]`` (3 by default; about 15 minutes a fold on this 2-core machine): each
fold's complaints are triaged by a model trained on the other folds exactly as ``trudnadzor nlp train`` does;
for each doubt level it prints how many of the labour complaints the pipeline reads only as out_of_scope go to
the review queue, and how many of the rightly redirected out_of_scope complaints go there too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from nlp import pipeline
from nlp.classify import Model
from nlp.dataset import TRAIN_PATH, load
from nlp.nested_cv import OUTER_SEED, _scores
from nlp.train import fit, taxonomy_codes

DOUBTS = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25]
OOS = "out_of_scope"


def held_out_triage(path: Path = TRAIN_PATH, folds: int = 3) -> list[dict[str, Any]]:
    """Per complaint: gold and predicted categories, whether the pipeline sends it to review without the doubt
    rule, its highest labour sentence score and the model's review threshold."""
    from sklearn.model_selection import KFold

    records = load(path)
    categories = taxonomy_codes()
    labour = [j for j, c in enumerate(categories) if c != OOS]
    rows = []
    saved, pipeline.OUT_OF_SCOPE_DOUBT = pipeline.OUT_OF_SCOPE_DOUBT, 2.0  # no score reaches it
    try:
        for train_idx, test_idx in KFold(folds, shuffle=True, random_state=OUTER_SEED).split(records):
            arrays, meta, _ = fit([records[i] for i in train_idx], categories, None)
            model = Model(arrays, meta)
            texts = [records[i]["text"] for i in test_idx]
            analyses = pipeline.Analyzer(model, use_ner=False).analyze_many(texts)
            for i, analysis, text in zip(test_idx, analyses, texts, strict=True):
                sent_max = _scores(model, text, len(categories))[1]
                rows.append(
                    {
                        "gold": records[i]["categories"],
                        "predicted": list(analysis.categories),
                        "review": analysis.needs_review,
                        "labour_sentence": float(max(sent_max[j] for j in labour)),
                        "review_threshold": model.review_threshold,
                    }
                )
    finally:
        pipeline.OUT_OF_SCOPE_DOUBT = saved
    return rows


def reviewed(row: dict[str, Any], doubt: float) -> bool:
    """As the pipeline decides at that doubt level: to review below the review threshold (so no level under
    one minus that threshold adds anything)."""
    ceiling = pipeline.out_of_scope_ceiling(row["labour_sentence"], doubt)
    return bool(row["review"]) or ceiling < row["review_threshold"]


def sweep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    thrown_out = [r for r in rows if OOS not in r["gold"] and r["predicted"] == [OOS]]
    redirected = [r for r in rows if r["gold"] == [OOS] and r["predicted"] == [OOS]]
    return [
        {
            "doubt": doubt,
            "labour_read_only_out_of_scope": len(thrown_out),
            "labour_to_review": sum(reviewed(r, doubt) for r in thrown_out),
            "out_of_scope_redirected": len(redirected),
            "out_of_scope_to_review": sum(reviewed(r, doubt) for r in redirected),
        }
        for doubt in DOUBTS
    ]


if __name__ == "__main__":
    folds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for line in sweep(held_out_triage(folds=folds)):
        print(json.dumps(line, ensure_ascii=False), flush=True)

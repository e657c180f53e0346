"""Nested cross-validation of the operating point (fusion weight, threshold, out_of_scope margin) on
``train.jsonl`` only.

``python -m nlp.nested_cv [TRAIN_FILE] [param=value ...]`` (5 trainings, a few minutes on 2 cores): for each
of 5 outer folds the classifier is trained on the other folds exactly as ``trudnadzor nlp train`` does, and
macro-F1 of that final model is measured on the held-out fold for every (weight, threshold, margin) of the
grid, with the out_of_scope errors (out_of_scope complaints given a labour category, labour complaints
given only out_of_scope) summed over the folds; under ``pipeline`` the same for the categories the whole
pipeline reports at the chosen operating point (problems included). The out-of-fold grid inside ``fit``
scores the fold models, which are trained on less data and are less confident than the final model; this
measures the final model itself. ``PARAMS`` in ``nlp/train.py`` hold the chosen setting; ``param=value``
compares training parameters (``doc_C=5``). dev.jsonl is never read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from nlp.classify import Model, decide
from nlp.clean import clean
from nlp.dataset import TRAIN_PATH, load
from nlp.pipeline import Analyzer
from nlp.split import sentences
from nlp.train import PARAMS, _macro, fit, taxonomy_codes
from nlp.translit import analysis_text
from nlp.urgency import WAGE_CODES, arrears_told, fold_text, sentence_head_proba
from nlp.urgency import rules as rules_config

WEIGHTS = [0.3, 0.4, 0.5, 0.6]
THRESHOLDS = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5]
MARGINS = [0.0, 0.05, 0.1, 0.15, 0.2]  # out_of_scope wins when its score + margin reaches the best labour
OUTER_SEED = 7


URGENT_THRESHOLDS = [0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
LABOUR_OVERRIDES = [None, 0.7, 0.8, 0.85, 0.9, 0.95]
# floors of the urgency head under which the death and accident rules and the workplace_accident category
# raise no alarm (`accident_head_floor` in nlp/rules/urgency.yaml)
URGENT_HEAD_FLOORS = [0.0, 0.001, 0.002, 0.005, 0.01, 0.02]
# scores of wage_arrears / final_pay that count for mass arrears when the classifier did not report the
# category (`mass_wage_arrears.min_score`; 1.01: only the category or the arrears words). Measured by dropping
# alarms from folds run at the rules' min_score, so the list starts there (it was 0.25 for the run on 16 341)
MASS_MIN_SCORES = [0.3, 0.35, 0.4, 0.5, 1.01]
# the urgency head over runs of consecutive sentences (`urgent_window`, `urgent_window_threshold`)
URGENT_WINDOWS = [2, 3, 4]
URGENT_WINDOW_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
# the urgency head over single sentences (`urgent_sentence_threshold`)
URGENT_SENTENCE_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]
# fused out_of_scope scores under which an urgent out_of_scope complaint takes a labour category
# (`urgent_oos_to_labour_max`; 2: always, as before it)
URGENT_OOS_TO_LABOUR_MAX = [0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 2.0]


def _scores(model: Model, text: str, n_cat: int) -> tuple[np.ndarray, np.ndarray, float, list[float], float]:
    """(doc head probabilities, max sentence probabilities, urgency head probability, its highest probability
    over runs of each of `URGENT_WINDOWS` sentences, the sentence urgency head's highest probability) of a
    complaint, as the pipeline computes them."""
    cleaned = clean(analysis_text(text)[0])
    sents = sentences(cleaned.body_text) or sentences(cleaned.facts_text)
    encoded = model.encode([s.text for s in sents])
    sent_max = encoded.sent_proba[:, :n_cat].max(axis=0) if len(sents) else np.zeros(n_cat)
    per_sentence = [model.sentence_ids(s.text) for s in sents]
    windows = [model.window_urgent_proba(per_sentence, size) for size in URGENT_WINDOWS]
    texts = [s.text for s in sents]
    sentence = sentence_head_proba(texts, encoded.urgent_sentence_probas.tolist())
    return encoded.doc_proba, sent_max, encoded.urgent_proba, windows, sentence


def nested_scores(
    path: Path = TRAIN_PATH, folds: int = 5, params: dict[str, Any] | None = None
) -> list[dict[str, np.ndarray]]:
    """Per outer fold: the held-out complaints' doc and sentence scores from the model trained on the rest,
    and their gold category matrix."""
    from sklearn.model_selection import KFold

    records = load(path)
    categories = taxonomy_codes()
    result = []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=OUTER_SEED).split(records):
        arrays, meta, _ = fit([records[i] for i in train_idx], categories, params)
        model = Model(arrays, meta)
        pairs = [_scores(model, records[i]["text"], len(categories)) for i in test_idx]
        texts = [records[i]["text"] for i in test_idx]
        whole = Analyzer(model, use_ner=False).analyze_many(texts)  # the pipeline as it runs
        # the same never and always making an urgent out_of_scope complaint labour (`conversion_grid`)
        cut = model.urgent_oos_to_labour_max
        model.urgent_oos_to_labour_max = -1.0
        never = Analyzer(model, use_ner=False).analyze_many(texts)
        model.urgent_oos_to_labour_max = 2.0
        always = Analyzer(model, use_ner=False).analyze_many(texts)
        model.urgent_oos_to_labour_max = cut
        # urgency without the head; the head is added in `urgency`
        model.urgent_threshold = model.urgent_window_threshold = model.urgent_sentence_threshold = 2.0
        analyses = Analyzer(model, use_ner=False).analyze_many(texts)
        unweighed = Analyzer(model, use_ner=False, accident_head_floor=0.0).analyze_many(texts)
        result.append(
            {
                "doc": np.array([pair[0] for pair in pairs]),
                "sent": np.array([pair[1] for pair in pairs]),
                "head": np.array([pair[2] for pair in pairs]),
                "windows": np.array([pair[3] for pair in pairs]),
                "sentence": np.array([pair[4] for pair in pairs]),
                "rules": np.array([a.urgent for a in analyses]),
                "unweighed": np.array([a.urgent for a in unweighed]),
                "reason": np.array([a.urgent_reason or "" for a in unweighed]),
                "rules_reason": np.array([a.urgent_reason or "" for a in analyses]),
                "wage_reported": np.array([bool(set(WAGE_CODES) & set(a.categories)) for a in analyses]),
                "arrears_words": np.array([arrears_told(fold_text(t), rules_config()) for t in texts]),
                "urgent": np.array([bool(records[i].get("urgent")) for i in test_idx]),
                "ids": np.array([str(records[i]["id"]) for i in test_idx]),
                "Y": np.array([[int(c in records[i]["categories"]) for c in categories] for i in test_idx]),
                "P": np.array([[c in a.categories for c in categories] for a in whole], dtype=bool),
                "P_never": np.array([[c in a.categories for c in categories] for a in never], dtype=bool),
                "P_always": np.array([[c in a.categories for c in categories] for a in always], dtype=bool),
                "fuse_weight": np.array([model.fuse_weight]),
            }
        )
    return result


def urgency(scores: list[dict[str, np.ndarray]]) -> dict[str, Any]:
    """Urgent recall and precision of the whole pipeline with the fold models on the held-out folds: the
    rules alone, the rules or the urgency head from each threshold, and (at the chosen threshold) the rules
    without the floor, their death and accident alarms kept only where the head gives at least each floor."""
    gold = np.concatenate([fold["urgent"] for fold in scores])
    rules = np.concatenate([fold["rules"] for fold in scores])
    head = np.concatenate([fold["head"] for fold in scores])
    ids = _ids(scores)

    def measure(pred: np.ndarray) -> dict[str, Any]:
        tp = int(np.sum(pred & gold))
        return {
            "recall": round(tp / max(int(gold.sum()), 1), 4),
            "precision": round(tp / max(int(pred.sum()), 1), 4),
            "missed": int(np.sum(gold & ~pred)),
            "false_alarms": int(np.sum(pred & ~gold)),
            "missed_ids": ids[gold & ~pred].tolist(),  # training complaints: safe to read
        }

    # without the floor, then dropping the alarms of the rules the head weighs below each floor
    unweighed = np.concatenate([fold["unweighed"] for fold in scores])
    reasons = np.concatenate([fold["reason"] for fold in scores])
    weighed = np.isin(reasons, [rule.reason for rule in rules_config().rules if rule.weighed_by_head])
    windows = np.concatenate([fold["windows"] for fold in scores])
    sentence = np.concatenate([fold["sentence"] for fold in scores])
    doc_head_fires = head >= PARAMS["urgent_threshold"]
    window_fires = (
        windows[:, URGENT_WINDOWS.index(PARAMS["urgent_window"])] >= PARAMS["urgent_window_threshold"]
    )
    head_fires = doc_head_fires | window_fires | (sentence >= PARAMS["urgent_sentence_threshold"])
    return {
        "gold_urgent": int(gold.sum()),
        "rules": measure(rules),
        "rules_or_head": {str(t): measure(rules | (head >= t)) for t in URGENT_THRESHOLDS},
        # the rules, the head from `urgent_threshold`, or the head over a run of `size` sentences from each
        "rules_head_or_window": {
            str(size): {
                str(t): measure(rules | doc_head_fires | (windows[:, k] >= t))
                for t in URGENT_WINDOW_THRESHOLDS
            }
            for k, size in enumerate(URGENT_WINDOWS)
        },
        # the rules, the head and its runs as chosen, or the sentence head from each threshold
        "rules_heads_or_sentence": {
            str(t): measure(rules | doc_head_fires | window_fires | (sentence >= t))
            for t in URGENT_SENTENCE_THRESHOLDS
        },
        "rules_from_head_floor": {
            str(f): measure((unweighed & ~(weighed & (head < f))) | head_fires) for f in URGENT_HEAD_FLOORS
        },
        "mass_min_score": {
            str(score): measure(_mass_from_score(scores, score) | head_fires) for score in MASS_MIN_SCORES
        },
    }


def _mass_from_score(scores: list[dict[str, np.ndarray]], min_score: float) -> np.ndarray:
    """The rules' alarms when a wage_arrears or final_pay score counts for mass arrears only from `min_score`
    (the folds ran at `mass_wage_arrears.min_score` of the rules, the lowest of MASS_MIN_SCORES): a mass alarm
    is dropped when the category was not reported, no arrears words are in the text and the score is lower."""
    fuse = PARAMS["fuse_weights"][0]
    codes = taxonomy_codes()
    wage = [codes.index(code) for code in WAGE_CODES]
    kept = []
    for fold in scores:
        score = (fuse * fold["doc"] + (1 - fuse) * fold["sent"])[:, wage].max(axis=1)
        dropped = (
            (fold["rules_reason"] == rules_config().mass_reason)
            & ~fold["wage_reported"]
            & ~fold["arrears_words"]
            & (score < min_score)
        )
        kept.append(fold["rules"] & ~dropped)
    return np.concatenate(kept)


def _oos_errors(Y: np.ndarray, pred: np.ndarray, oos: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the out_of_scope complaints given a labour category and of the labour complaints given only
    out_of_scope."""
    gold_oos = Y[:, oos] == 1
    labour_pred = pred.sum(axis=1) > pred[:, oos]
    return gold_oos & labour_pred, ~gold_oos & ~labour_pred


def pipeline_measure(scores: list[dict[str, np.ndarray]], oos: int) -> dict[str, Any]:
    """Mean held-out macro-F1 of the categories the whole pipeline reports (problems included: a category
    needs a problem), and its out_of_scope errors summed over the folds."""
    f1 = [_macro(fold["Y"], fold["P"]) for fold in scores]
    oos_as_labour: list[str] = []
    labour_as_oos: list[str] = []
    for fold, ids in zip(scores, _fold_ids(scores), strict=True):
        as_labour, as_oos = _oos_errors(fold["Y"], fold["P"], oos)
        oos_as_labour += ids[as_labour].tolist()
        labour_as_oos += ids[as_oos].tolist()
    return {
        "macro_f1": round(float(np.mean(f1)), 4),
        "oos_as_labour/labour_as_oos": (len(oos_as_labour), len(labour_as_oos)),
        "oos_as_labour_ids": oos_as_labour,
        "labour_as_oos_ids": labour_as_oos,
    }


def conversion_grid(scores: list[dict[str, np.ndarray]], oos: int) -> dict[str, Any]:
    """Out_of_scope errors of the pipeline summed over the folds for each `URGENT_OOS_TO_LABOUR_MAX`: an
    urgent complaint read out_of_scope takes its labour category (as in ``P_always``) only while its fused
    out_of_scope score stays below the cut (else as in ``P_never``)."""
    result = {}
    for cut in URGENT_OOS_TO_LABOUR_MAX:
        as_labour = as_oos = 0
        for fold in scores:
            weight = float(fold["fuse_weight"][0])
            fused_oos = weight * fold["doc"][:, oos] + (1 - weight) * fold["sent"][:, oos]
            pred = np.where((fused_oos < cut)[:, None], fold["P_always"], fold["P_never"])
            errors = _oos_errors(fold["Y"], pred, oos)
            as_labour += int(errors[0].sum())
            as_oos += int(errors[1].sum())
        result[str(cut)] = {"oos_as_labour": as_labour, "labour_as_oos": as_oos}
    return result


def _fold_ids(scores: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Each fold's complaint ids (row numbers for folds made without them)."""
    return [fold.get("ids", np.arange(len(next(iter(fold.values())))).astype(str)) for fold in scores]


def _ids(scores: list[dict[str, np.ndarray]]) -> np.ndarray:
    return np.concatenate(_fold_ids(scores))


def grid(scores: list[dict[str, np.ndarray]], oos: int) -> dict[str, Any]:
    """Mean held-out macro-F1 for every (weight, threshold, out_of_scope margin), and the out_of_scope
    errors summed over the folds: out_of_scope complaints given a labour category, labour complaints given
    only out_of_scope."""
    per_fold: list[dict[str, float]] = []
    errors: dict[str, list[int]] = {}
    for fold in scores:
        Y = fold["Y"]
        row = {}
        for weight in WEIGHTS:
            fused = weight * fold["doc"] + (1 - weight) * fold["sent"]
            for threshold in THRESHOLDS:
                for margin in MARGINS:
                    key = f"{weight}/{threshold}/{margin}"
                    pred = np.zeros(Y.shape, dtype=bool)
                    for r in range(len(Y)):
                        pred[r, decide(fused[r], threshold, oos, margin, fold["doc"][r])] = True
                    row[key] = _macro(Y, pred)
                    as_labour, as_oos = _oos_errors(Y, pred, oos)
                    counts = errors.setdefault(key, [0, 0])
                    counts[0] += int(as_labour.sum())
                    counts[1] += int(as_oos.sum())
        per_fold.append(row)
    mean = {key: round(float(np.mean([row[key] for row in per_fold])), 4) for key in per_fold[0]}
    best = max(mean, key=lambda key: mean[key])
    return {
        "mean_held_out_macro_f1": mean,
        "oos_as_labour/labour_as_oos": {key: tuple(value) for key, value in errors.items()},
        "best": best,
    }


def override_grid(
    scores: list[dict[str, np.ndarray]], oos: int, weight: float, threshold: float, margin: float
) -> dict[str, Any]:
    """At one operating point, mean held-out macro-F1 and the out_of_scope errors for each sentence score
    that keeps a complaint labour (``labour_override`` of nlp.classify.decide), and with out_of_scope only
    where the fused scores agree with the complaint head (``fused_agrees``)."""

    def measure(override: float | None, fused_agrees: bool) -> dict[str, Any]:
        f1: list[float] = []
        counts = [0, 0]
        for fold in scores:
            Y = fold["Y"]
            fused = weight * fold["doc"] + (1 - weight) * fold["sent"]
            pred = np.zeros(Y.shape, dtype=bool)
            for r in range(len(Y)):
                chosen = decide(
                    fused[r], threshold, oos, margin, fold["doc"][r], fold["sent"][r], override, fused_agrees
                )
                pred[r, chosen] = True
            f1.append(_macro(Y, pred))
            as_labour, as_oos = _oos_errors(Y, pred, oos)
            counts[0] += int(as_labour.sum())
            counts[1] += int(as_oos.sum())
        return {"macro_f1": round(float(np.mean(f1)), 4), "oos_as_labour/labour_as_oos": counts}

    result: dict[str, Any] = {str(override): measure(override, False) for override in LABOUR_OVERRIDES}
    result["fused_agrees"] = measure(None, True)
    return result


def nested_grid(
    path: Path = TRAIN_PATH, folds: int = 5, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    oos = taxonomy_codes().index("out_of_scope")
    scores = nested_scores(path, folds, params)
    return {
        "records": sum(len(fold["ids"]) for fold in scores),  # the records scored, not a second read
        "params": params or {},
        **grid(scores, oos),
        "labour_override": override_grid(
            scores, oos, PARAMS["fuse_weights"][0], PARAMS["thresholds"][0], PARAMS["oos_margins"][0]
        ),
        "pipeline": pipeline_measure(scores, oos),
        "urgent_oos_to_labour_max": conversion_grid(scores, oos),
        "urgency": urgency(scores),
    }


if __name__ == "__main__":
    # python -m nlp.nested_cv [TRAIN_FILE] [name=json-value ...]  (doc_C=5: compare training parameters)
    import sys

    args = sys.argv[1:]
    data = Path(args.pop(0)) if args and "=" not in args[0] else TRAIN_PATH
    overrides = {key: json.loads(value) for key, value in (arg.split("=", 1) for arg in args)}
    print(json.dumps(nested_grid(data, params=overrides or None), ensure_ascii=False))

"""The committed model matches the committed training data, and training is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nlp.classify import MODEL_DIR, Model
from nlp.dataset import HASH_PATH, TRAIN_PATH, file_hash, load, stored_hash
from nlp.train import fit, taxonomy_codes

SEED_SET = Path(__file__).with_name("data") / "seed.jsonl"


def test_stored_hash_matches_training_data() -> None:
    assert HASH_PATH.exists(), "no nlp/model/train.sha256: run `trudnadzor nlp train`"
    assert stored_hash() == file_hash(TRAIN_PATH), "nlp/model is stale: run `trudnadzor nlp train` and commit"
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["train_sha256"] == file_hash(TRAIN_PATH)


def test_model_is_small_and_covers_the_taxonomy() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir() if p.is_file())
    assert size <= 15 * 1024 * 1024
    assert Model.load().categories == taxonomy_codes()


def test_training_is_deterministic() -> None:
    records = load(SEED_SET)
    params = {"folds": 2, "fuse_weights": [0.5], "thresholds": [0.4]}
    first_arrays, first_meta, _ = fit(records, taxonomy_codes(), params)
    second_arrays, second_meta, _ = fit(records, taxonomy_codes(), params)
    assert first_meta == second_meta
    for name, array in first_arrays.items():
        assert np.array_equal(array, second_arrays[name]), name


def test_scope_gate_is_trained_stored_and_decides_out_of_scope() -> None:
    from nlp.classify import decide, scope_features

    records = load(SEED_SET)
    params = {"folds": 2, "fuse_weights": [0.5], "thresholds": [0.4], "scope_gate": True}
    arrays, meta, report = fit(records, taxonomy_codes(), params)
    assert arrays["scope_gate"].shape == (6,) and report["scope_gate"] is not None
    model = Model(arrays, meta)
    oos = model.categories.index("out_of_scope")
    doc = np.full(len(model.categories), 0.05)
    sent = np.full(len(model.categories), 0.05)
    doc[oos] = sent[oos] = 0.97
    as_oos = model.out_of_scope_probability(doc, sent, 3)
    doc[oos], doc[0], sent[oos], sent[0] = 0.03, 0.95, 0.02, 0.97
    as_labour = model.out_of_scope_probability(doc, sent, 3)
    assert as_oos is not None and as_labour is not None and as_oos > 100 * as_labour  # few out_of_scope seeds
    # the gate, when given, replaces the test on the complaint head's scores
    fused = np.array([0.3, 0.1, 0.6])
    assert decide(fused, 0.4, 2, 0.0, fused, gate=0.2) == [0]
    assert decide(np.array([0.8, 0.1, 0.3]), 0.4, 2, 0.0, gate=0.7) == [2]
    assert scope_features(
        np.array([[0.2, 0.1, 0.7]]), np.array([[0.9, 0.1, 0.05]]), np.array([4]), 2
    ).shape == (
        1,
        5,
    )
    # a model trained without the gate has none
    plain_arrays, plain_meta, _ = fit(records, taxonomy_codes(), {**params, "scope_gate": False})
    assert "scope_gate" not in plain_arrays
    assert Model(plain_arrays, plain_meta).out_of_scope_probability(doc, sent, 3) is None

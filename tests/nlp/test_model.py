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


def test_chat_abbreviations_share_the_lemmas_of_their_words() -> None:
    from nlp.features import lemma_tokens

    assert lemma_tokens("зп не было 2 мес") == lemma_tokens("зарплаты не было 2 месяца")
    assert lemma_tokens("з/п задерживают") == lemma_tokens("зарплату задерживают")

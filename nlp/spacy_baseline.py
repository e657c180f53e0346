"""The spaCy baseline the linear model was chosen against (``python -m nlp.spacy_baseline``).

Trains ``spacy.blank("ru")`` + ``textcat_multilabel`` on train.jsonl (seeded) and prints complaint-level
per-category F1 and macro-F1 on dev.jsonl, the same measure as ``trudnadzor nlp eval``. Not used at run time.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from nlp.clean import clean
from nlp.dataset import DEV_PATH, TRAIN_PATH, load
from nlp.train import taxonomy_codes


def run(epochs: int = 12, architecture: str = "bow", seed: int = 13) -> dict[str, Any]:
    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(seed)
    categories = taxonomy_codes()
    nlp = spacy.blank("ru")
    if architecture == "bow":
        config = {
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        }
    else:
        config = {}
    textcat: Any = nlp.add_pipe("textcat_multilabel", config=config)
    for category in categories:
        textcat.add_label(category)
    train = load(TRAIN_PATH)
    examples = [
        Example.from_dict(
            nlp.make_doc(clean(r["text"]).body_text),
            {"cats": {c: float(c in r["categories"]) for c in categories}},
        )
        for r in train
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    started = time.perf_counter()
    for _ in range(epochs):
        rng.shuffle(examples)
        for i in range(0, len(examples), 16):
            nlp.update(examples[i : i + 16], sgd=optimizer, drop=0.2)
    train_seconds = time.perf_counter() - started
    dev = load(DEV_PATH)
    counts = {c: [0, 0, 0] for c in categories}
    started = time.perf_counter()
    for record, doc in zip(dev, nlp.pipe(clean(r["text"]).body_text for r in dev), strict=False):
        predicted = {c for c, p in doc.cats.items() if p >= 0.5} or {max(doc.cats, key=doc.cats.__getitem__)}
        for c in categories:
            gold = c in record["categories"]
            counts[c][0] += gold and c in predicted
            counts[c][1] += c in predicted and not gold
            counts[c][2] += gold and c not in predicted
    per_second = len(dev) / (time.perf_counter() - started)
    f1 = {c: (2 * tp / (2 * tp + fp + fn) if tp else 0.0) for c, (tp, fp, fn) in counts.items() if tp + fn}
    return {
        "architecture": architecture,
        "epochs": epochs,
        "train_seconds": round(train_seconds, 1),
        "per_second": round(per_second, 1),
        "f1": {c: round(v, 4) for c, v in f1.items()},
        "macro_f1": round(sum(f1.values()) / len(f1), 4),
    }


if __name__ == "__main__":
    print(json.dumps(run(architecture=sys.argv[1] if len(sys.argv) > 1 else "bow"), indent=2))

"""The committed model and rules keep their recorded figures on every held-out set.

`nlp/data/heldout_figures.jsonl` is the output of `trudnadzor nlp eval --all --json` for the committed model
and code. A change that makes a figure worse — a labour complaint thrown out, an out_of_scope one read as
labour, an urgent one missed, a lower macro-F1, a lower precision, recall or accuracy of a fact — fails here
until the file is written again with that command, so the loss is stated in the commit that causes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nlp.dataset import DATA_DIR
from nlp.evaluate import blind_totals, held_out_paths, set_lines

FIGURES = DATA_DIR / "heldout_figures.jsonl"
# more is worse for these, less for macro-F1
ERRORS = ("oos_as_labour", "labour_as_oos", "urgent_missed")


def _recorded() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    lines = [json.loads(line) for line in FIGURES.read_text(encoding="utf-8").splitlines() if line.strip()]
    totals = lines.pop()["blind_totals"]
    return {line["set"]: line for line in lines}, totals


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    # every core (the 36 000 letters take minutes on one): CI has 20
    paths = held_out_paths()
    return {path.stem: line for path, line in zip(paths, set_lines(paths), strict=True)}


def test_the_recorded_figures_cover_every_held_out_set() -> None:
    recorded, totals = _recorded()
    names = [path.stem for path in held_out_paths()]
    assert list(recorded) == names, (
        "held-out sets changed: run `trudnadzor nlp eval --all --json` into "
        + str(Path("nlp/data/heldout_figures.jsonl"))
    )
    assert totals == blind_totals(list(recorded.values()))


def test_no_held_out_figure_gets_worse(measured: dict[str, dict[str, Any]]) -> None:
    recorded, _ = _recorded()
    worse = [
        f"{name}: {key} {recorded[name][key]} → {line[key]}"
        for name, line in measured.items()
        for key in ERRORS
        if line[key] > recorded[name][key]
    ]
    worse += [
        f"{name}: macro_f1 {recorded[name]['macro_f1']} → {line['macro_f1']}"
        for name, line in measured.items()
        if line["macro_f1"] < recorded[name]["macro_f1"]
    ]
    # the facts too: INN, amounts, region and workers affected (a pattern's name reused by another once cost
    # two dev amounts with no figure above changing)
    worse += [
        f"{name}: {key} {recorded[name]['facts'][key]} → {value}"
        for name, line in measured.items()
        for key, value in line["facts"].items()
        if value < recorded[name]["facts"][key]
    ]
    assert not worse, "\n".join(worse)

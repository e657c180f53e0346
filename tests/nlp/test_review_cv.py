"""The review sweep of nlp.review_cv counts as the pipeline decides (no training here: rows are given)."""

from __future__ import annotations

from nlp.review_cv import reviewed, sweep


def _row(gold: list[str], predicted: list[str], review: bool, score: float) -> dict[str, object]:
    return {
        "gold": gold,
        "predicted": predicted,
        "review": review,
        "labour_sentence": score,
        "review_threshold": 0.7,
    }


def test_a_doubted_out_of_scope_reading_goes_to_review_from_its_level() -> None:
    row = _row(["wage_arrears"], ["out_of_scope"], False, 0.42)
    assert not reviewed(row, 0.5)
    assert reviewed(row, 0.4)


def test_no_level_under_one_minus_the_review_threshold_adds_a_review() -> None:
    row = _row(["wage_arrears"], ["out_of_scope"], False, 0.28)
    assert not reviewed(row, 0.25)  # confidence 0.72 is not under 0.7


def test_sweep_counts_labour_thrown_out_and_redirects_separately() -> None:
    rows = [
        _row(["leave"], ["out_of_scope"], False, 0.45),  # labour thrown out, doubted from 0.45
        _row(["leave"], ["out_of_scope"], True, 0.1),  # labour thrown out, already to review
        _row(["out_of_scope"], ["out_of_scope"], False, 0.35),  # a redirect doubted from 0.35
        _row(["out_of_scope"], ["leave"], False, 0.9),  # read as labour: neither count
    ]
    by_level = {line["doubt"]: line for line in sweep(rows)}
    assert by_level[0.5]["labour_to_review"] == 1
    assert by_level[0.45]["labour_to_review"] == 2
    assert by_level[0.4]["out_of_scope_to_review"] == 0
    assert by_level[0.35]["out_of_scope_to_review"] == 1
    assert by_level[0.3]["labour_read_only_out_of_scope"] == 2
    assert by_level[0.3]["out_of_scope_redirected"] == 1

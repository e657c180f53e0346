"""Inspector assignment, mass cases and priority."""

from __future__ import annotations

import random
from datetime import date

import pytest

from routing.assignment import (
    Absence,
    InspectorCandidate,
    choose_inspector,
    is_mass_case,
    priority,
)

TODAY = date(2026, 3, 2)
WAGES = frozenset({"wage_arrears", "final_pay"})
SAFETY = frozenset({"occupational_safety", "workplace_accident"})


def insp(
    id: int, spec: frozenset[str] = WAGES, capacity: int = 10, open_cases: int = 0, **kw: object
) -> InspectorCandidate:
    return InspectorCandidate(id=id, specialisations=spec, capacity=capacity, open_cases=open_cases, **kw)  # type: ignore[arg-type]


TABLE = [
    # name, category, urgent, candidates, expected inspector (None = triage), fallback
    (
        "least loaded specialist",
        "wage_arrears",
        False,
        [insp(1, open_cases=5), insp(2, open_cases=3)],
        2,
        False,
    ),
    (
        "load is relative to capacity",
        "wage_arrears",
        False,
        [insp(1, capacity=20, open_cases=8), insp(2, capacity=10, open_cases=5)],
        1,
        False,
    ),
    ("tie broken by id", "wage_arrears", False, [insp(7, open_cases=3), insp(4, open_cases=3)], 4, False),
    (
        "specialist preferred over a free generalist",
        "wage_arrears",
        False,
        [insp(1, SAFETY, open_cases=0), insp(2, open_cases=9)],
        2,
        False,
    ),
    (
        "fallback to any present inspector",
        "discrimination",
        False,
        [insp(1, open_cases=4), insp(2, SAFETY, open_cases=2)],
        2,
        True,
    ),
    ("absent flag", "wage_arrears", False, [insp(1, absent=True), insp(2, open_cases=9)], 2, False),
    (
        "absence period covers the date",
        "wage_arrears",
        False,
        [insp(1, absences=(Absence(date(2026, 3, 1), date(2026, 3, 10)),)), insp(2, open_cases=9)],
        2,
        False,
    ),
    (
        "absence period over",
        "wage_arrears",
        False,
        [insp(1, absences=(Absence(date(2026, 2, 1), date(2026, 3, 1)),)), insp(2, open_cases=9)],
        1,
        False,
    ),
    (
        "specialist absent -> fallback",
        "wage_arrears",
        False,
        [insp(1, absent=True), insp(2, SAFETY, open_cases=9)],
        2,
        True,
    ),
    (
        "full specialist -> free generalist",
        "wage_arrears",
        False,
        [insp(1, open_cases=10), insp(2, SAFETY, open_cases=9)],
        2,
        True,
    ),
    (
        "everyone full, normal case -> triage",
        "wage_arrears",
        False,
        [insp(1, open_cases=10), insp(2, SAFETY, open_cases=12)],
        None,
        False,
    ),
    (
        "everyone full, urgent case -> least loaded specialist",
        "wage_arrears",
        True,
        [insp(1, open_cases=12), insp(2, SAFETY, open_cases=10), insp(3, open_cases=11)],
        3,
        False,
    ),
    ("nobody present -> triage", "wage_arrears", True, [insp(1, absent=True)], None, False),
    ("zero capacity never chosen", "wage_arrears", True, [insp(1, capacity=0)], None, False),
    ("no inspectors -> triage", "wage_arrears", False, [], None, False),
]


@pytest.mark.parametrize(
    ("name", "category", "urgent", "candidates", "expected", "fallback"), TABLE, ids=[row[0] for row in TABLE]
)
def test_choose(
    name: str,
    category: str,
    urgent: bool,
    candidates: list[InspectorCandidate],
    expected: int | None,
    fallback: bool,
) -> None:
    decision = choose_inspector(category, urgent, candidates, TODAY)
    assert decision.inspector_id == expected
    assert decision.to_triage is (expected is None)
    assert decision.fallback is fallback
    assert len(decision.candidates) == len(candidates)  # every candidate is reported
    assert decision.explanation_ru


def test_result_does_not_depend_on_input_order() -> None:
    candidates = [insp(i, open_cases=i % 3, capacity=5 + i % 2) for i in range(1, 12)]
    expected = choose_inspector("wage_arrears", False, candidates, TODAY)
    for seed in range(5):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        assert choose_inspector("wage_arrears", False, shuffled, TODAY) == expected


def test_scores_and_explanation() -> None:
    decision = choose_inspector("discrimination", False, [insp(1, open_cases=2), insp(2, absent=True)], TODAY)
    first, second = decision.candidates
    assert (first.inspector_id, first.eligible, first.specialist, first.load, first.tier) == (
        1,
        True,
        False,
        0.2,
        1,
    )
    assert (second.inspector_id, second.eligible, second.note_ru) == (
        2,
        False,
        "отсутствует на дату назначения",
    )
    assert "наименее загруженный" in decision.explanation_ru
    data = decision.as_dict()
    assert (
        data["inspector_id"] == 1
        and data["candidates"][1]["eligible"] is False
        and data["on"] == "2026-03-02"
    )


def test_triage_explanation() -> None:
    decision = choose_inspector("wage_arrears", False, [insp(1, absent=True)], TODAY)
    assert "руководител" in decision.explanation_ru


def test_urgent_over_capacity_is_flagged() -> None:
    decision = choose_inspector("wage_arrears", True, [insp(1, open_cases=10)], TODAY)
    assert decision.inspector_id == 1 and decision.over_capacity
    assert "срочное" in decision.explanation_ru


@pytest.mark.parametrize(
    ("complainants", "workers", "mass"),
    [(1, None, False), (2, None, True), (1, 9, False), (1, 10, True), (0, 0, False), (3, 50, True)],
)
def test_mass_case(complainants: int, workers: int | None, mass: bool) -> None:
    assert is_mass_case(complainants, workers) is mass


def test_priority_bands_dominate_deadline_proximity() -> None:
    far, overdue = date(2026, 6, 1), date(2026, 1, 1)
    assert priority(True, False, far, TODAY) > priority(False, True, overdue, TODAY)
    assert priority(False, True, far, TODAY) > priority(False, False, overdue, TODAY)
    assert priority(True, True, far, TODAY) == priority(True, False, far, TODAY)


def test_priority_grows_as_the_deadline_nears() -> None:
    values = [priority(False, False, date(2026, 3, d), TODAY) for d in (30, 20, 10, 2, 1)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert priority(False, False, None, TODAY) == 0
    assert priority(False, False, date(2026, 3, 2), TODAY) == 60

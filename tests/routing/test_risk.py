"""Employer risk category."""

from __future__ import annotations

from datetime import date

import pytest

from routing.risk import (
    RiskConfig,
    RiskEvent,
    assess_counts,
    assess_employer_risk,
    default_config,
    months_before,
)

AS_OF = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("counts", "category", "score"),
    [
        ({}, "низкий", 0),
        ({"substantiated_complaints": 1}, "низкий", 2),
        ({"substantiated_complaints": 2}, "умеренный", 4),
        ({"accidents": 1, "wage_arrears": 1}, "умеренный", 8),
        ({"accidents": 2}, "средний", 10),
        ({"mass_cases": 2, "confirmed_violations": 3, "wage_arrears": 2}, "значительный", 20),
        ({"accidents": 1, "severe_accidents": 1, "wage_arrears": 5}, "высокий", 30),
    ],
)
def test_categories(counts: dict[str, int], category: str, score: float) -> None:
    result = assess_counts(counts)
    assert (result.category, result.score) == (category, score)


def test_factors_and_contributions() -> None:
    result = assess_counts({"accidents": 2, "wage_arrears": 1})
    assert [f.kind for f in result.factors][:2] == ["accidents", "wage_arrears"]
    assert (result.factors[0].count, result.factors[0].weight, result.factors[0].contribution) == (2, 5, 10)
    assert len(result.factors) == len(default_config().factors)
    assert "«средний»" in result.explanation_ru and "2 × 5 = 10" in result.explanation_ru
    assert result.factors_dict()["factors"]["accidents"] == {"count": 2, "weight": 5.0, "contribution": 10.0}


def test_twelve_month_window() -> None:
    events = [
        RiskEvent("accidents", date(2025, 11, 22)),  # exactly 12 months ago: outside
        RiskEvent("accidents", date(2025, 11, 23)),
        RiskEvent("accidents", date(2026, 11, 22)),
        RiskEvent("accidents", date(2026, 11, 23)),  # after the assessment date: ignored
    ]
    result = assess_employer_risk(events, AS_OF)
    assert result.score == 10 and result.window_start == date(2025, 11, 22)
    assert "22.11.2026" in result.explanation_ru


def test_configurable() -> None:
    config = RiskConfig.from_mapping(
        {
            "window_months": 6,
            "factors": {"accidents": {"weight": 1}},
            "categories": [
                {"name": "высокий", "code": "high", "min_score": 1},
                {"name": "низкий", "code": "low", "min_score": 0},
            ],
        }
    )
    assert assess_counts({"accidents": 1}, config).category == "высокий"
    assert (
        assess_employer_risk([RiskEvent("accidents", date(2026, 4, 1))], AS_OF, config).category == "низкий"
    )


def test_unknown_factor_is_an_error() -> None:
    with pytest.raises(ValueError):
        assess_counts({"acidents": 1})


def test_months_before() -> None:
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)

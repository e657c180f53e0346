"""KPI metrics and scoring."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from routing.kpi import CaseRecord, KpiConfig, compute_kpi, default_config, score_value

START, END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.mark.parametrize(
    ("value", "points"),
    [(1.0, 5), (1.2, 5), (0.9, 4), (0.8, 4), (0.79, 3), (0.6, 3), (0.59, 1), (0.5, 1), (0.49, 0), (0.0, 0)],
)
def test_score_higher_is_better(value: float, points: int) -> None:
    assert score_value(value, 1.0, "higher") == points


@pytest.mark.parametrize(("value", "points"), [(2, 5), (3, 5), (3.6, 4), (4.2, 3), (4.5, 1), (4.6, 0)])
def test_score_lower_is_better(value: float, points: int) -> None:
    assert score_value(value, 3, "lower") == points


def test_bands_are_configurable() -> None:
    config = KpiConfig.from_mapping(
        {
            "bands": [{"max_shortfall": 0.1, "points": 2}, {"max_shortfall": None, "points": 0}],
            "indicators": {"in_time_share": {"target": 1.0}},
        }
    )
    assert score_value(0.95, 1.0, "higher", config.bands) == 2
    assert score_value(0.85, 1.0, "higher", config.bands) == 0
    assert [b.points for b in default_config().bands] == [5, 4, 3, 1, 0]


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, 1, hour) + timedelta(days=day - 1)


def rec(
    case_id: int,
    inspection: str,
    inspector: int,
    received: int,
    answered: int | None,
    due: int,
    first_action: int | None = None,
    outcome: str | None = None,
    problems: int = 1,
) -> CaseRecord:
    return CaseRecord(
        case_id=case_id,
        inspection=inspection,
        region=inspection.split()[-1],
        inspector=inspector,
        received_at=at(received),
        routed_at=at(received, 12),
        first_action_at=at(first_action) if first_action else None,
        answered_at=at(answered) if answered else None,
        answer_due=(datetime(2026, 3, 1) + timedelta(days=due - 1)).date(),
        outcome=outcome,
        problems=problems,
    )


RECORDS = [
    rec(
        1,
        "ГИТ A",
        1,
        received=1,
        answered=10,
        due=20,
        first_action=2,
        outcome="violation_confirmed",
        problems=2,
    ),
    rec(2, "ГИТ A", 1, received=2, answered=25, due=20, first_action=5, outcome="not_confirmed"),  # late
    rec(3, "ГИТ A", 2, received=3, answered=None, due=15, first_action=4),  # open and overdue
    rec(4, "ГИТ A", 2, received=4, answered=None, due=40),  # open, not yet due
    rec(5, "ГИТ B", 3, received=1, answered=5, due=20, first_action=1, outcome="violation_confirmed"),
    rec(6, "ГИТ B", 3, received=1, answered=6, due=20, first_action=2, outcome="explained"),
]


def test_metrics_per_inspection() -> None:
    report = compute_kpi(RECORDS, START, END)
    a = report.by_inspection["ГИТ A"]
    assert (a.received, a.routed, a.answered, a.answered_in_time, a.overdue) == (4, 4, 2, 1, 2)
    assert a.in_time_share == pytest.approx(1 / 3, abs=1e-3)
    assert a.median_days_to_first_action == 1.0  # 1, 3 and 1 days
    assert a.median_days_to_answer == 16.0  # 9 and 23 days
    assert a.confirmed_share == 0.5
    assert (a.problems_resolved, a.inspectors, a.problems_resolved_per_inspector) == (3, 2, 1.5)


def test_metrics_per_inspector_and_region() -> None:
    report = compute_kpi(RECORDS, START, END)
    assert (
        report.by_inspector[1].answered == 2 and report.by_inspector[1].problems_resolved_per_inspector == 3
    )
    assert report.by_inspector[2].overdue == 1 and report.by_inspector[2].in_time_share == 0.0
    assert set(report.by_region) == {"A", "B"}


def test_scores_and_ranking() -> None:
    report = compute_kpi(RECORDS, START, END)
    b = report.by_inspection["ГИТ B"]
    scores = {s.code: s.points for s in b.scores}
    assert scores["in_time_share"] == 5 and scores["median_days_to_first_action"] == 5
    assert report.ranking == ("ГИТ B", "ГИТ A")
    assert report.best == ("ГИТ B",) and report.worst == ("ГИТ A",)  # never both best and worst
    assert b.score_share is not None and b.score_share > report.by_inspection["ГИТ A"].score_share  # type: ignore[operator]


def test_best_and_worst_five() -> None:
    records = [rec(i, f"ГИТ {i:02d}", i, received=1, answered=1 + i, due=20) for i in range(1, 13)]
    report = compute_kpi(records, START, END)
    assert len(report.best) == 5 and len(report.worst) == 5
    assert report.best[0] == "ГИТ 01" and report.worst[0] == "ГИТ 12"


def test_few_inspections_are_split_into_disjoint_best_and_worst() -> None:
    records = [rec(i, f"ГИТ {i:02d}", i, received=1, answered=1 + i, due=20) for i in range(1, 8)]
    report = compute_kpi(records, START, END)
    assert report.best == ("ГИТ 01", "ГИТ 02", "ГИТ 03", "ГИТ 04")
    assert report.worst == ("ГИТ 07", "ГИТ 06", "ГИТ 05")


def test_an_inspection_with_nothing_settled_yet_is_not_ranked() -> None:
    fresh = rec(9, "ГИТ новая", 9, received=1, answered=None, due=200)  # open, well within its term
    report = compute_kpi([*RECORDS, fresh], START, END)
    assert "ГИТ новая" in report.by_inspection and "ГИТ новая" not in report.ranking
    assert "ГИТ новая" not in report.worst


def test_period_bounds() -> None:
    report = compute_kpi(RECORDS, date(2026, 3, 1), date(2026, 3, 5))
    a = report.by_inspection["ГИТ A"]
    assert a.received == 4 and a.answered == 0 and a.overdue == 0
    with pytest.raises(ValueError):
        compute_kpi(RECORDS, END, START)


def test_staff_overrides_inspectors_seen() -> None:
    report = compute_kpi(RECORDS, START, END, staff={"ГИТ A": 3})
    assert report.by_inspection["ГИТ A"].problems_resolved_per_inspector == 1.0


def test_empty() -> None:
    report = compute_kpi([], START, END)
    assert report.ranking == () and report.by_inspector == {}

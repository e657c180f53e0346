"""KPI of inspectors, inspections and regions over a period, scored against targets in kb_content/kpi.yaml.

Counting rules (period = start..end, dates inclusive, taken from the timestamps as given):
  received — received in the period; routed — routed in the period;
  answered in time — answered in the period no later than answer_due;
  overdue — answered late in the period, or still unanswered at the end of the period with answer_due
            already passed (answer_due < end);
  in-time share — answered in time / (answered in time + overdue);
  medians — over cases whose first action / answer falls in the period, in days (fractional);
  confirmed share — violation_confirmed among answered cases with an outcome;
  problems resolved — problems of the cases answered in the period (G202), per inspector.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml

GroupKey = int | str


@dataclass(frozen=True)
class CaseRecord:
    case_id: int
    inspection: GroupKey
    region: GroupKey
    inspector: GroupKey | None
    received_at: datetime
    routed_at: datetime | None = None
    first_action_at: datetime | None = None
    answered_at: datetime | None = None
    answer_due: date | None = None
    outcome: str | None = None
    problems: int = 1


@dataclass(frozen=True)
class Band:
    max_shortfall: float | None  # None: no upper limit
    points: int


@dataclass(frozen=True)
class Indicator:
    code: str
    label_ru: str
    target: float
    better: Literal["higher", "lower"]
    per_days: int | None = None


@dataclass(frozen=True)
class KpiConfig:
    bands: tuple[Band, ...]
    indicators: tuple[Indicator, ...]
    confirmed_outcome: str = "violation_confirmed"
    rank_size: int = 5

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> KpiConfig:
        bands = tuple(
            Band(None if b["max_shortfall"] is None else float(b["max_shortfall"]), int(b["points"]))
            for b in raw["bands"]
        )
        if bands[-1].max_shortfall is not None:
            raise ValueError("kpi config: the last band must have max_shortfall null")
        indicators = tuple(
            Indicator(
                code,
                str(spec.get("label", code)),
                float(spec["target"]),
                spec.get("better", "higher"),
                int(spec["per_days"]) if spec.get("per_days") else None,
            )
            for code, spec in raw["indicators"].items()
        )
        return cls(
            bands,
            indicators,
            str(raw.get("confirmed_outcome", "violation_confirmed")),
            int(raw.get("rank_size", 5)),
        )


@lru_cache(maxsize=1)
def default_config() -> KpiConfig:
    text = files("kb_content").joinpath("kpi.yaml").read_text(encoding="utf-8")
    return KpiConfig.from_mapping(yaml.safe_load(text))


def score_value(
    value: float, target: float, better: str = "higher", bands: Sequence[Band] | None = None
) -> int:
    """Points for `value` against `target`: 5 at target, 4 up to 20 % short, 3 up to 40 %, 1 up to 50 %,
    else 0 (with the default bands)."""
    bands = bands if bands is not None else default_config().bands
    if target == 0:
        shortfall = 0.0 if (value <= 0 if better == "lower" else True) else float("inf")
    elif better == "higher":
        shortfall = (target - value) / target
    else:
        shortfall = (value - target) / target
    shortfall = round(shortfall, 9)  # 1 − 0.8 must be exactly 20 %, not 20.000000000000004 %
    for band in bands:
        if band.max_shortfall is None or shortfall <= band.max_shortfall:
            return band.points
    return 0  # pragma: no cover - the last band is open


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    label_ru: str
    value: float | None
    target: float
    points: int | None  # None: no data in the period


@dataclass(frozen=True)
class KpiMetrics:
    level: Literal["inspector", "inspection", "region"]
    key: GroupKey
    received: int
    routed: int
    answered: int
    answered_in_time: int
    overdue: int
    in_time_share: float | None
    median_days_to_first_action: float | None
    median_days_to_answer: float | None
    confirmed_share: float | None
    problems_resolved: int
    inspectors: int
    problems_resolved_per_inspector: float | None
    scores: tuple[IndicatorScore, ...] = ()
    points: int = 0
    max_points: int = 0

    @property
    def score_share(self) -> float | None:
        """Points as a share of the points available for indicators that have data."""
        return self.points / self.max_points if self.max_points else None


@dataclass(frozen=True)
class KpiReport:
    start: date
    end: date
    by_inspector: dict[GroupKey, KpiMetrics]
    by_inspection: dict[GroupKey, KpiMetrics]
    by_region: dict[GroupKey, KpiMetrics]
    ranking: tuple[GroupKey, ...]  # inspections, best first
    best: tuple[GroupKey, ...] = field(default_factory=tuple)
    worst: tuple[GroupKey, ...] = field(default_factory=tuple)  # worst first


def _in(moment: datetime | None, start: date, end: date) -> bool:
    return moment is not None and start <= moment.date() <= end


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _metrics(
    level: Literal["inspector", "inspection", "region"],
    key: GroupKey,
    records: Sequence[CaseRecord],
    start: date,
    end: date,
    config: KpiConfig,
    staff: int | None,
) -> KpiMetrics:
    answered = [
        (r, r.answered_at) for r in records if r.answered_at is not None and _in(r.answered_at, start, end)
    ]
    in_time = [r for r, at in answered if r.answer_due is None or at.date() <= r.answer_due]
    late = len(answered) - len(in_time)
    still_open_overdue = sum(
        1
        for r in records
        if r.received_at.date() <= end
        and (r.answered_at is None or r.answered_at.date() > end)
        and r.answer_due is not None
        and r.answer_due < end
    )
    overdue = late + still_open_overdue
    settled = len(in_time) + overdue
    first_actions = [
        _days(r.first_action_at, r.received_at)
        for r in records
        if r.first_action_at is not None and _in(r.first_action_at, start, end)
    ]
    answer_days = [_days(at, r.received_at) for r, at in answered]
    with_outcome = [r for r, _ in answered if r.outcome]
    confirmed = sum(1 for r in with_outcome if r.outcome == config.confirmed_outcome)
    problems = sum(r.problems for r, _ in answered)
    seen = len({r.inspector for r in records if r.inspector is not None})
    inspectors = 1 if level == "inspector" else staff or seen
    return KpiMetrics(
        level=level,
        key=key,
        received=sum(1 for r in records if _in(r.received_at, start, end)),
        routed=sum(1 for r in records if _in(r.routed_at, start, end)),
        answered=len(answered),
        answered_in_time=len(in_time),
        overdue=overdue,
        in_time_share=round(len(in_time) / settled, 4) if settled else None,
        median_days_to_first_action=_median(first_actions),
        median_days_to_answer=_median(answer_days),
        confirmed_share=round(confirmed / len(with_outcome), 4) if with_outcome else None,
        problems_resolved=problems,
        inspectors=inspectors,
        problems_resolved_per_inspector=round(problems / inspectors, 3) if inspectors else None,
    )


def _scored(metrics: KpiMetrics, config: KpiConfig, period_days: int) -> KpiMetrics:
    scores = []
    for indicator in config.indicators:
        value = getattr(metrics, indicator.code)
        target = indicator.target
        if indicator.per_days:
            target = target * period_days / indicator.per_days
        points = None if value is None else score_value(value, target, indicator.better, config.bands)
        scores.append(IndicatorScore(indicator.code, indicator.label_ru, value, round(target, 3), points))
    with_data = [s.points for s in scores if s.points is not None]
    best = max(band.points for band in config.bands)
    return replace(metrics, scores=tuple(scores), points=sum(with_data), max_points=best * len(with_data))


def _group(
    level: Literal["inspector", "inspection", "region"],
    records: Iterable[CaseRecord],
    key_of: Callable[[CaseRecord], GroupKey | None],
    start: date,
    end: date,
    config: KpiConfig,
    staff: Mapping[GroupKey, int],
) -> dict[GroupKey, KpiMetrics]:
    groups: dict[GroupKey, list[CaseRecord]] = defaultdict(list)
    for record in records:
        key = key_of(record)
        if key is not None:
            groups[key].append(record)
    period_days = (end - start).days + 1
    return {
        key: _scored(_metrics(level, key, rows, start, end, config, staff.get(key)), config, period_days)
        for key, rows in sorted(groups.items(), key=lambda item: str(item[0]))
    }


def compute_kpi(
    records: Sequence[CaseRecord],
    start: date,
    end: date,
    config: KpiConfig | None = None,
    staff: Mapping[GroupKey, int] | None = None,
) -> KpiReport:
    """KPI per inspector, inspection and region for start..end, with inspections ranked.

    staff: number of inspectors per inspection/region key; without it, the inspectors seen in the records.
    Ranking: share of available points, then in-time share, then key — best first. Inspections with no case
    settled in the period (answered, or overdue) are not ranked: nothing of their work can be judged yet.
    With fewer than twice `rank_size` ranked, best and worst are the upper and lower halves (one alone is
    best), so no inspection is listed as both.
    """
    if end < start:
        raise ValueError("period end is before its start")
    cfg = config or default_config()
    staff = staff or {}
    by_inspector = _group("inspector", records, lambda r: r.inspector, start, end, cfg, {})
    by_inspection = _group("inspection", records, lambda r: r.inspection, start, end, cfg, staff)
    by_region = _group("region", records, lambda r: r.region, start, end, cfg, staff)

    def rank_key(m: KpiMetrics) -> tuple[float, float, str]:
        return (-(m.score_share or 0.0), -(m.in_time_share or 0.0), str(m.key))

    settled = [m for m in by_inspection.values() if m.in_time_share is not None]
    ranking = tuple(m.key for m in sorted(settled, key=rank_key))
    best = ranking[: min(cfg.rank_size, (len(ranking) + 1) // 2)]
    worst = ranking[len(best) :][::-1][: cfg.rank_size]
    return KpiReport(start, end, by_inspector, by_inspection, by_region, ranking, best, worst)

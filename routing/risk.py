"""Employer risk category from the last twelve months of events; weights in kb_content/risk.yaml."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True)
class FactorSpec:
    kind: str
    weight: float
    label_ru: str


@dataclass(frozen=True)
class CategorySpec:
    name: str  # Russian: высокий, значительный, средний, умеренный, низкий
    code: str
    min_score: float


@dataclass(frozen=True)
class RiskConfig:
    window_months: int
    factors: tuple[FactorSpec, ...]
    categories: tuple[CategorySpec, ...]  # highest first

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> RiskConfig:
        factors = tuple(
            FactorSpec(kind, float(spec["weight"]), str(spec.get("label", kind)))
            for kind, spec in raw["factors"].items()
        )
        categories = tuple(
            sorted(
                (
                    CategorySpec(str(c["name"]), str(c["code"]), float(c["min_score"]))
                    for c in raw["categories"]
                ),
                key=lambda c: -c.min_score,
            )
        )
        if not categories or categories[-1].min_score > 0:
            raise ValueError("risk config: the lowest category must start at min_score 0")
        return cls(int(raw.get("window_months", 12)), factors, categories)


@lru_cache(maxsize=1)
def default_config() -> RiskConfig:
    text = files("kb_content").joinpath("risk.yaml").read_text(encoding="utf-8")
    return RiskConfig.from_mapping(yaml.safe_load(text))


@dataclass(frozen=True)
class RiskEvent:
    kind: str  # a factor kind from risk.yaml, e.g. "accidents"
    on: date


@dataclass(frozen=True)
class RiskFactor:
    kind: str
    label_ru: str
    count: int
    weight: float
    contribution: float


@dataclass(frozen=True)
class RiskAssessment:
    category: str  # Russian name
    code: str
    score: float
    factors: tuple[RiskFactor, ...]  # every configured factor, largest contribution first
    window_start: date | None  # exclusive; None when assessed from counts
    as_of: date | None
    explanation_ru: str

    def factors_dict(self) -> dict[str, Any]:
        """JSON-ready factors (the portal stores them in employers.risk_factors)."""
        return {
            "score": self.score,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "factors": {
                f.kind: {"count": f.count, "weight": f.weight, "contribution": f.contribution}
                for f in self.factors
            },
        }


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the last day of the month when it does not exist)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, stdlib_calendar.monthrange(year, month)[1]))


def assess_counts(counts: Mapping[str, int], config: RiskConfig | None = None) -> RiskAssessment:
    """Category for already counted events. Unknown kinds raise ValueError (a typo would lower the risk)."""
    cfg = config or default_config()
    known = {f.kind for f in cfg.factors}
    unknown = set(counts) - known
    if unknown:
        raise ValueError(f"unknown risk factor(s): {sorted(unknown)}")
    factors = tuple(
        sorted(
            (
                RiskFactor(
                    f.kind,
                    f.label_ru,
                    int(counts.get(f.kind, 0)),
                    f.weight,
                    f.weight * int(counts.get(f.kind, 0)),
                )
                for f in cfg.factors
            ),
            key=lambda f: (-f.contribution, f.kind),
        )
    )
    score = sum(f.contribution for f in factors)
    category = next(c for c in cfg.categories if score >= c.min_score)
    parts = [f"{f.label_ru}: {f.count} × {f.weight:g} = {f.contribution:g}" for f in factors if f.count]
    explanation = f"Категория риска «{category.name}»: сумма баллов {score:g}"
    explanation += " (" + "; ".join(parts) + ")." if parts else " — событий за период нет."
    return RiskAssessment(category.name, category.code, score, factors, None, None, explanation)


def assess_employer_risk(
    events: Sequence[RiskEvent], as_of: date, config: RiskConfig | None = None
) -> RiskAssessment:
    """Category from events in the window (as_of − window_months, as_of]; later events are ignored."""
    cfg = config or default_config()
    start = months_before(as_of, cfg.window_months)
    counts = Counter(e.kind for e in events if start < e.on <= as_of)
    result = assess_counts(counts, cfg)
    return RiskAssessment(
        result.category,
        result.code,
        result.score,
        result.factors,
        start,
        as_of,
        result.explanation_ru.replace(":", f" на {as_of:%d.%m.%Y}:", 1),
    )

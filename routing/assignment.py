"""Choosing the inspector for a case, the mass-case rule and the case priority.

Order of preference (a lower tier wins; inside a tier the lowest load ratio, then fewer open cases,
then the lowest id — so the result never depends on the input order):
  tier 0 — specialist in the category, below capacity;
  tier 1 — any other present inspector of the inspection, below capacity (recorded as a fallback);
  tier 2 — specialist at or over capacity      } only for urgent cases: they must not wait for a
  tier 3 — other inspector at or over capacity } supervisor; a normal case goes to triage instead.
Absent inspectors (flag or a period covering the date) and those with zero capacity are never chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Absence:
    starts_on: date
    ends_on: date  # inclusive

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class InspectorCandidate:
    id: int
    specialisations: frozenset[str] = frozenset()
    capacity: int = 30
    open_cases: int = 0
    absent: bool = False
    absences: tuple[Absence, ...] = ()
    name: str = ""

    def is_absent(self, day: date) -> bool:
        return self.absent or any(a.covers(day) for a in self.absences)


@dataclass(frozen=True)
class CandidateScore:
    inspector_id: int
    name: str
    eligible: bool
    specialist: bool
    load: float | None  # open_cases / capacity; None when capacity is zero
    open_cases: int
    capacity: int
    tier: int | None  # see the module docstring; None when not eligible
    note_ru: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "inspector_id": self.inspector_id,
            "name": self.name,
            "eligible": self.eligible,
            "specialist": self.specialist,
            "load": None if self.load is None else round(self.load, 4),
            "open_cases": self.open_cases,
            "capacity": self.capacity,
            "tier": self.tier,
            "note_ru": self.note_ru,
        }


@dataclass(frozen=True)
class AssignmentDecision:
    inspector_id: int | None  # None: to supervisor triage
    to_triage: bool
    fallback: bool  # chosen inspector does not specialise in the category
    over_capacity: bool  # chosen inspector already at or over capacity (urgent cases only)
    category: str
    urgent: bool
    on: date
    candidates: tuple[CandidateScore, ...] = field(default_factory=tuple)  # best first
    explanation_ru: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the portal stores it in cases.assignment)."""
        return {
            "inspector_id": self.inspector_id,
            "to_triage": self.to_triage,
            "fallback": self.fallback,
            "over_capacity": self.over_capacity,
            "category": self.category,
            "urgent": self.urgent,
            "on": self.on.isoformat(),
            "candidates": [c.as_dict() for c in self.candidates],
            "explanation_ru": self.explanation_ru,
        }


def _score(inspector: InspectorCandidate, category: str, on: date, urgent: bool) -> CandidateScore:
    specialist = category in inspector.specialisations
    load = inspector.open_cases / inspector.capacity if inspector.capacity > 0 else None
    score = CandidateScore(
        inspector_id=inspector.id,
        name=inspector.name,
        eligible=False,
        specialist=specialist,
        load=load,
        open_cases=inspector.open_cases,
        capacity=inspector.capacity,
        tier=None,
        note_ru="",
    )
    if inspector.is_absent(on):
        return replace(score, note_ru="отсутствует на дату назначения")
    if load is None:
        return replace(score, note_ru="нулевой лимит дел")
    full = load >= 1.0
    if full and not urgent:
        return replace(score, note_ru="лимит дел исчерпан (дело не срочное)")
    note = "специализация по категории" if specialist else "без специализации по категории"
    note += f", загрузка {inspector.open_cases}/{inspector.capacity}"
    if full:
        note += " — сверх лимита, только для срочного дела"
    return replace(score, eligible=True, tier=(0 if specialist else 1) + (2 if full else 0), note_ru=note)


def _rank_key(score: CandidateScore) -> tuple[int, float, int, int]:
    if not score.eligible or score.tier is None or score.load is None:
        return (99, 0.0, 0, score.inspector_id)
    return (score.tier, score.load, score.open_cases, score.inspector_id)


def choose_inspector(
    category: str,
    urgent: bool,
    candidates: Sequence[InspectorCandidate],
    on: date,
) -> AssignmentDecision:
    """Pick an inspector of the inspection for a case of `category` on date `on`, with all scores."""
    scores = tuple(sorted((_score(c, category, on, urgent) for c in candidates), key=_rank_key))
    chosen = next((s for s in scores if s.eligible), None)
    if chosen is None:
        return AssignmentDecision(
            inspector_id=None,
            to_triage=True,
            fallback=False,
            over_capacity=False,
            category=category,
            urgent=urgent,
            on=on,
            candidates=scores,
            explanation_ru=(
                "Нет доступного инспектора (все отсутствуют или загружены сверх лимита) — "
                "дело передано руководителю для ручного распределения."
                if scores
                else "В инспекции нет инспекторов — дело передано руководителю для ручного распределения."
            ),
        )
    fallback = not chosen.specialist
    over = chosen.tier is not None and chosen.tier >= 2
    who = chosen.name or f"инспектор № {chosen.inspector_id}"
    parts = [
        f"Назначен {who}: загрузка {chosen.open_cases} из {chosen.capacity} дел "
        f"({(chosen.load or 0.0) * 100:.0f} %)."
    ]
    if fallback:
        parts.append(
            "Свободных инспекторов со специализацией по этой категории нет, поэтому выбран наименее "
            "загруженный из присутствующих инспекторов инспекции."
        )
    else:
        parts.append("Из инспекторов со специализацией по категории он загружен меньше других.")
    if over:
        parts.append("Лимит дел превышен, но дело срочное и не может ждать ручного распределения.")
    excluded = sum(1 for s in scores if not s.eligible)
    if excluded:
        parts.append(f"Не рассматривались (отсутствие или лимит): {excluded}.")
    return AssignmentDecision(
        inspector_id=chosen.inspector_id,
        to_triage=False,
        fallback=fallback,
        over_capacity=over,
        category=category,
        urgent=urgent,
        on=on,
        candidates=scores,
        explanation_ru=" ".join(parts),
    )


# --- mass cases and priority -----------------------------------------------------------------------

MASS_MIN_COMPLAINANTS = 2
MASS_MIN_WORKERS = 10


def is_mass_case(complainants: int, workers_affected: int | None = None) -> bool:
    """A case is mass when two or more people complained or ten or more workers are affected."""
    return complainants >= MASS_MIN_COMPLAINANTS or (workers_affected or 0) >= MASS_MIN_WORKERS


# Band weights keep urgent > mass > rest whatever the deadline; proximity only orders cases inside a band.
_BAND_WEIGHT = {"urgent": 2000, "mass": 1000, "rest": 0}
_PROXIMITY_HORIZON = 60  # days; farther deadlines all count the same
_PROXIMITY_MAX = 180  # overdue cases gain up to this much (they are the most pressing in their band)


def priority(urgent: bool, mass: bool, due: date | None = None, today: date | None = None) -> int:
    """Case priority, higher first (stored in cases.priority).

    band: urgent 2000, mass 1000, other 0; plus deadline proximity 0..180: 60 − days left, so a case due
    today gets 60 and one overdue by ten days 70.
    """
    band = "urgent" if urgent else "mass" if mass else "rest"
    proximity = 0
    if due is not None and today is not None:
        days_left = (due - today).days
        proximity = max(0, min(_PROXIMITY_MAX, _PROXIMITY_HORIZON - days_left))
    return _BAND_WEIGHT[band] + proximity

"""Result types of the triage analysis (the JSON contract is ``Analysis.to_dict``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class InvalidText(ValueError):
    """The input cannot be analysed; ``str(error)`` is a Russian message for the user."""


@dataclass
class Facts:
    organizations: list[str] = field(default_factory=list)
    inns: list[str] = field(default_factory=list)
    invalid_inns: list[str] = field(default_factory=list)
    ogrns: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    region: str | None = None
    locations: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    workers_affected: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Problem:
    category: str
    confidence: float
    start: int
    end: int
    text: str
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "evidence": list(self.evidence),
        }


@dataclass
class Analysis:
    categories: list[str]
    problems: list[Problem]
    facts: Facts
    urgent: bool
    urgent_reason: str | None
    review_threshold: float = 0.7
    truncated: bool = False

    @property
    def needs_review(self) -> bool:
        """True when any problem's confidence is below the review threshold (or nothing was found)."""
        return not self.problems or any(p.confidence < self.review_threshold for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "problems": [p.to_dict() for p in self.problems],
            "facts": self.facts.to_dict(),
            "urgent": self.urgent,
            "urgent_reason": self.urgent_reason,
        }

"""Employer self-check: checklists loaded from kb_content/checklists/*.yaml and their assessment.

Pure logic, no storage. A checklist is a list of yes/no questions where "yes" means compliant;
`assess()` turns an employer's answers into a compliance share, the violations found (worst first)
and a Russian summary sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import kb_content

ANSWERS = ("yes", "no", "na")
SEVERITIES = ("critical", "high", "medium", "low")  # worst first
SEVERITY_LABELS = {"critical": "критическое", "high": "высокое", "medium": "среднее", "low": "низкое"}
AUDIENCES = ("employer",)
SHORT_MAX_ITEMS = 10  # a checklist marked `short` must fit a Telegram conversation

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# "ТК РФ ст. 81", "ТК РФ ст. 84.1", "ТК РФ ст. 341.1-1"
LABOUR_CODE_REF = re.compile(r"^ТК РФ ст\. (\d+(?:\.\d+)?(?:-\d+)?)$")
_CHECKLIST_KEYS = {"id", "title", "description", "audience", "short", "items"}
_ITEM_KEYS = {"id", "question", "ref", "severity", "fix", "article"}


class ChecklistError(ValueError):
    """A checklist file is malformed; the message names the file and the item."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    question: str
    ref: str
    severity: str
    fix: str
    article: str  # id of a knowledge-base article, kb_content/articles/<id>.md


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    description: str
    audience: str
    short: bool
    items: tuple[ChecklistItem, ...]

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


@dataclass(frozen=True)
class Violation:
    item_id: str
    question: str
    severity: str
    fix: str
    ref: str
    article: str

    def to_dict(self) -> dict[str, str]:
        return {
            "item_id": self.item_id,
            "question": self.question,
            "severity": self.severity,
            "severity_label": SEVERITY_LABELS[self.severity],
            "fix": self.fix,
            "ref": self.ref,
            "article": self.article,
        }


@dataclass(frozen=True)
class AssessmentResult:
    checklist_id: str
    checklist_title: str
    compliance: float | None  # yes / (yes + no); None when nothing applicable was answered
    yes: int
    no: int
    na: int
    missing: tuple[str, ...]  # item ids left unanswered (only with allow_partial=True)
    violations: tuple[Violation, ...]  # worst severity first, then in checklist order
    summary: str

    @property
    def total(self) -> int:
        return self.yes + self.no + self.na + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "checklist_id": self.checklist_id,
            "checklist_title": self.checklist_title,
            "compliance": None if self.compliance is None else round(self.compliance, 4),
            "counts": {
                "yes": self.yes,
                "no": self.no,
                "na": self.na,
                "missing": len(self.missing),
                "total": self.total,
            },
            "complete": self.complete,
            "missing": list(self.missing),
            "violations": [v.to_dict() for v in self.violations],
            "summary": self.summary,
        }


# --------------------------------------------------------------------------- loading


def checklists_dir() -> Path:
    return kb_content.path("checklists")


def load_checklists(directory: Path | None = None) -> dict[str, Checklist]:
    """All checklists by id, validated; raises ChecklistError naming the file and item on bad content."""
    return dict(_load(directory or checklists_dir()))


@lru_cache(maxsize=8)
def _load(directory: Path) -> tuple[tuple[str, Checklist], ...]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ChecklistError(f"{directory}: no checklist files (*.yaml)")
    checklists: list[Checklist] = []
    owner: dict[str, str] = {}  # item id -> file that defines it
    for file in files:
        checklist = _parse_file(file)
        for item in checklist.items:
            if item.id in owner:
                raise ChecklistError(f"{file.name}, item {item.id}: id already used in {owner[item.id]}")
            owner[item.id] = file.name
        checklists.append(checklist)
    return tuple((c.id, c) for c in checklists)


def _parse_file(file: Path) -> Checklist:
    where = file.name
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ChecklistError(f"{where}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ChecklistError(f"{where}: expected a mapping at the top level")
    _check_keys(where, data, _CHECKLIST_KEYS)
    checklist_id = _text(where, data, "id")
    if checklist_id != file.stem or not _ID.match(checklist_id):
        raise ChecklistError(f"{where}: id {checklist_id!r} must be kebab-case and equal the file name")
    audience = _text(where, data, "audience")
    if audience not in AUDIENCES:
        raise ChecklistError(f"{where}: audience {audience!r} is not one of {AUDIENCES}")
    short = data["short"]
    if not isinstance(short, bool):
        raise ChecklistError(f"{where}: short must be true or false")
    raw_items = data["items"]
    if not isinstance(raw_items, list) or not raw_items:
        raise ChecklistError(f"{where}: items must be a non-empty list")
    if short and len(raw_items) > SHORT_MAX_ITEMS:
        raise ChecklistError(f"{where}: a short checklist has at most {SHORT_MAX_ITEMS} items")
    items = tuple(_parse_item(where, index, raw) for index, raw in enumerate(raw_items, start=1))
    return Checklist(
        id=checklist_id,
        title=_text(where, data, "title"),
        description=_text(where, data, "description"),
        audience=audience,
        short=short,
        items=items,
    )


def _parse_item(file_name: str, index: int, raw: Any) -> ChecklistItem:
    if not isinstance(raw, dict):
        raise ChecklistError(f"{file_name}, item #{index}: expected a mapping")
    where = f"{file_name}, item #{index}"
    item_id = _text(where, raw, "id")
    where = f"{file_name}, item {item_id}"
    _check_keys(where, raw, _ITEM_KEYS)
    if not _ID.match(item_id):
        raise ChecklistError(f"{where}: id must be kebab-case latin")
    question = _text(where, raw, "question")
    if not question.endswith("?"):
        raise ChecklistError(f"{where}: question must end with '?'")
    ref = _text(where, raw, "ref")
    if ("ТК" in ref or "Трудов" in ref) and not LABOUR_CODE_REF.match(ref):
        raise ChecklistError(f"{where}: Labour Code ref {ref!r} must look like 'ТК РФ ст. 84.1'")
    severity = _text(where, raw, "severity")
    if severity not in SEVERITIES:
        raise ChecklistError(f"{where}: severity {severity!r} is not one of {SEVERITIES}")
    article = _text(where, raw, "article")
    if not _ID.match(article):
        raise ChecklistError(f"{where}: article {article!r} must be a kebab-case article id")
    return ChecklistItem(
        id=item_id,
        question=question,
        ref=ref,
        severity=severity,
        fix=_text(where, raw, "fix"),
        article=article,
    )


def _check_keys(where: str, data: dict[str, Any], expected: set[str]) -> None:
    missing = expected - data.keys()
    unknown = data.keys() - expected
    if missing:
        raise ChecklistError(f"{where}: missing field(s) {', '.join(sorted(missing))}")
    if unknown:
        raise ChecklistError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")


def _text(where: str, data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ChecklistError(f"{where}: {key} must be a non-empty string")
    return value.strip()


# --------------------------------------------------------------------------- assessment


def assess(
    checklist: Checklist, answers: Mapping[str, str], *, allow_partial: bool = False
) -> AssessmentResult:
    """Score answers (item id -> "yes" | "no" | "na") against a checklist.

    Raises ValueError (Russian and English message) for unknown item ids, bad answer values and,
    unless allow_partial is set, for unanswered items.
    """
    known = {item.id for item in checklist.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError(
            f"В чек-листе «{checklist.title}» нет вопросов: {', '.join(unknown)}. "
            f"Unknown item ids for checklist '{checklist.id}': {', '.join(unknown)}"
        )
    bad = sorted(item_id for item_id, value in answers.items() if value not in ANSWERS)
    if bad:
        raise ValueError(
            f"Недопустимый ответ на вопросы {', '.join(bad)}: допускаются только yes, no, na. "
            f"Invalid answer for {', '.join(bad)}: expected one of yes, no, na"
        )
    missing = tuple(item.id for item in checklist.items if item.id not in answers)
    if missing and not allow_partial:
        raise ValueError(
            f"Нет ответов на вопросы: {', '.join(missing)}. "
            f"Unanswered items in checklist '{checklist.id}': {', '.join(missing)}"
        )

    failed = [item for item in checklist.items if answers.get(item.id) == "no"]
    failed.sort(key=lambda item: SEVERITIES.index(item.severity))  # stable: checklist order within a level
    violations = tuple(
        Violation(
            item_id=item.id,
            question=item.question,
            severity=item.severity,
            fix=item.fix,
            ref=item.ref,
            article=item.article,
        )
        for item in failed
    )
    values = list(answers.values())
    yes, no, na = values.count("yes"), values.count("no"), values.count("na")
    compliance = yes / (yes + no) if yes + no else None
    return AssessmentResult(
        checklist_id=checklist.id,
        checklist_title=checklist.title,
        compliance=compliance,
        yes=yes,
        no=no,
        na=na,
        missing=missing,
        violations=violations,
        summary=_summary(yes, no, na, violations, len(missing)),
    )


def _summary(yes: int, no: int, na: int, violations: tuple[Violation, ...], missing: int) -> str:
    applicable = yes + no
    if applicable == 0:
        text = "Применимых пунктов нет — оценка соответствия не проводится." if na else "Ответов пока нет."
    else:
        percent = yes * 100 // applicable  # rounded down: never shows 100 % while violations remain
        of_applicable = _plural(applicable, "применимого пункта", "применимых пунктов", "применимых пунктов")
        text = f"Соответствие требованиям — {percent} % ({yes} из {applicable} {of_applicable})."
        if no == 0:
            text += " Нарушений не выявлено."
        else:
            critical = sum(1 for v in violations if v.severity == "critical")
            text += f" Выявлено {no} {_plural(no, 'нарушение', 'нарушения', 'нарушений')}"
            text += f", из них критических — {critical}." if critical else "."
    if missing:
        verb = _plural(missing, "остался", "остались", "остались")
        text += f" Без ответа {verb} {missing} {_plural(missing, 'пункт', 'пункта', 'пунктов')}."
    return text


def _plural(n: int, one: str, few: str, many: str) -> str:
    """Russian noun form for a count: 1 пункт, 2 пункта, 5 пунктов, 21 пункт, 11 пунктов."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many

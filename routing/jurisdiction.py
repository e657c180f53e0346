"""Which body is competent for a classified problem, and what the inspection does with it.

The table is kb_content/jurisdiction.yaml. Decisions are explained in Russian for the citizen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml

Action = Literal["stay", "redirect", "stay_and_notify"]

INSPECTION = "inspection"


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    to: str  # "в …" — where the complaint goes, accusative
    forward: bool  # False: nothing can be forwarded (court), the answer explains where to apply


@dataclass(frozen=True)
class JurisdictionDecision:
    action: Action
    body: str  # code of the competent body (see `bodies` in jurisdiction.yaml)
    reason_ru: str  # message to the citizen: which body and why
    legal_term_days: int  # 30 to answer, 7 to forward
    also_notify: list[str] = field(default_factory=list)  # body codes informed in addition
    body_name_ru: str = ""
    forward: bool = True  # False: the answer explains where to apply instead of forwarding
    needs_review: bool = False  # no rule matched: an inspector decides
    matched_keywords: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "body": self.body,
            "body_name_ru": self.body_name_ru,
            "reason_ru": self.reason_ru,
            "legal_term_days": self.legal_term_days,
            "also_notify": list(self.also_notify),
            "forward": self.forward,
            "needs_review": self.needs_review,
            "matched_keywords": list(self.matched_keywords),
        }


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The raw jurisdiction table."""
    text = files("kb_content").joinpath("jurisdiction.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@lru_cache(maxsize=1)
def bodies() -> dict[str, Body]:
    return {
        code: Body(code, str(raw["name"]), str(raw["to"]), bool(raw.get("forward", True)))
        for code, raw in table()["bodies"].items()
    }


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


@lru_cache(maxsize=512)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Each word is a stem matched at a word start; words of one or two letters («в», «на») match exactly.
    parts = []
    for word in _fold(keyword).split():
        escaped = re.escape(word)
        parts.append(rf"\b{escaped}\b" if len(word) <= 2 else rf"\b{escaped}\w*")
    return re.compile(r"\s+".join(parts))


def matched_keywords(text: str, keywords: list[str]) -> tuple[str, ...]:
    folded = _fold(text)
    return tuple(k for k in keywords if _keyword_pattern(str(k)).search(folded))


_NUMBER_WORDS = {
    "один": 1,
    "одного": 1,
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "четырех": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
}
_MONTHS_RE = re.compile(r"\b(\d{1,2}(?:[.,]5)?|" + "|".join(_NUMBER_WORDS) + r")(?:-?х)?\s+(?:полных\s+)?мес")


def arrears_months_from_text(text: str) -> float | None:
    """The longest arrears period stated in the text, in months («три месяца», «полгода», «год»)."""
    folded = _fold(text)
    found: list[float] = []
    for match in _MONTHS_RE.finditer(folded):
        token = match.group(1)
        number = _NUMBER_WORDS.get(token)
        found.append(float(number) if number is not None else float(token.replace(",", ".")))
    if re.search(r"\bполгода\b|\bпол\s+года\b", folded):
        found.append(6.0)
    if re.search(r"\b(?:больше|более|уже|целый)\s+года\b|\bгод\s+не\s+плат", folded):
        found.append(12.0)
    return max(found) if found else None


def _criminal_arrears(text: str, facts: Mapping[str, Any]) -> bool:
    rule = table()["criminal_wage_arrears"]
    months = facts.get("arrears_months")
    months = float(months) if months is not None else arrears_months_from_text(text)
    if months is None:
        return False
    # Unknown whether anything was paid: treat as full non-payment (the lower threshold) — safer.
    if facts.get("arrears_full", True):
        return months > float(rule["full_nonpayment_months"])
    return months > float(rule["partial_nonpayment_months"])


def _term(action: str) -> int:
    return int(table()["legal_term_days"][action])


def _redirect(body: Body, why: str, keywords: tuple[str, ...]) -> JurisdictionDecision:
    if body.forward:
        reason = (
            "Вопрос, изложенный в обращении, не входит в компетенцию Государственной инспекции труда. "
            "В соответствии с ч. 3 ст. 8 Федерального закона от 02.05.2006 № 59-ФЗ обращение в течение "
            f"7 дней со дня регистрации будет направлено {body.to}, так как {why}. "
            "О переадресации вам сообщат."
        )
        term = _term("redirect")
    else:
        reason = (
            "Вопрос, изложенный в обращении, не входит в компетенцию Государственной инспекции труда: "
            f"{why}. Инспекция не может переслать обращение {body.to} — в ответе будет разъяснено, "
            "как обратиться туда самостоятельно."
        )
        term = _term("explain")
    return JurisdictionDecision(
        action="redirect",
        body=body.code,
        reason_ru=reason,
        legal_term_days=term,
        body_name_ru=body.name,
        forward=body.forward,
        matched_keywords=keywords,
    )


def _stay_for_review(reason_ru: str) -> JurisdictionDecision:
    """The problem stays with the inspection and an inspector decides where it belongs."""
    return JurisdictionDecision(
        action="stay",
        body=INSPECTION,
        reason_ru=reason_ru,
        legal_term_days=_term("stay"),
        body_name_ru=bodies()[INSPECTION].name,
        needs_review=True,
    )


def _out_of_scope(spec: Mapping[str, Any], text: str) -> JurisdictionDecision:
    best: tuple[int, int, dict[str, Any], tuple[str, ...]] | None = None
    for index, rule in enumerate(spec["rules"]):
        hits = matched_keywords(text, rule["keywords"])
        # More hits wins; on a tie the earlier rule wins (hence -index).
        if hits and (best is None or (len(hits), -index) > (best[0], best[1])):
            best = (len(hits), -index, rule, hits)
    if best is None:
        return _stay_for_review(str(spec["no_match_reason"]))
    rule, hits = best[2], best[3]
    return _redirect(bodies()[rule["body"]], str(rule["why"]), hits)


def decide_jurisdiction(
    category: str,
    text: str = "",
    facts: Mapping[str, Any] | None = None,
    *,
    doubtful: bool = False,
    urgent: bool = False,
) -> JurisdictionDecision:
    """Decide who handles a problem of `category` described by `text`.

    facts (all optional): arrears_months (float) and arrears_full (bool, default True) for wage arrears;
    when arrears_months is missing it is read from the text («не платят три месяца»).
    doubtful: the analysis doubts an out_of_scope reading (its problem needs review); it then stays with the
    inspection for an inspector to look at instead of being redirected unseen.
    urgent: the complaint reports a death, an accident, a poisoning or a danger to life; an out_of_scope
    problem of it stays with the inspection too (a passer-by's report of workers at height without belts, an
    employer asking how to register an accident): the danger may concern workers, and a redirect takes a week.
    Raises ValueError for a category that is not in the table.
    """
    facts = facts or {}
    categories = table()["categories"]
    if category not in categories:
        raise ValueError(f"unknown category: {category!r}")
    spec = categories[category]
    if category == "out_of_scope":
        if urgent:  # a danger to life is looked at by an inspector before anything is redirected
            return _stay_for_review(str(spec["urgent_reason"]))
        if doubtful:  # the analysis is not sure: an inspector looks before anything is redirected
            return _stay_for_review(str(spec["doubt_reason"]))
        return _out_of_scope(spec, text)

    inspection = bodies()[INSPECTION]
    if spec["action"] == "redirect":
        duty = spec.get("employer_duty")
        hits = matched_keywords(text, duty["keywords"]) if duty else ()
        if duty and hits:
            return JurisdictionDecision(
                action=duty["action"],
                body=INSPECTION,
                reason_ru=str(duty["reason"]),
                legal_term_days=_term(duty["action"]),
                also_notify=list(duty["also_notify"]),
                body_name_ru=inspection.name,
                matched_keywords=hits,
            )
        body = bodies()[spec["body"]]
        return JurisdictionDecision(
            action="redirect",
            body=body.code,
            reason_ru=str(spec["reason"]).strip()
            + f" Обращение будет направлено {body.to} в течение 7 дней со дня регистрации "
            "(ч. 3 ст. 8 Федерального закона № 59-ФЗ).",
            legal_term_days=_term("redirect"),
            body_name_ru=body.name,
        )

    if category == "wage_arrears" and _criminal_arrears(text, facts):
        rule = table()["criminal_wage_arrears"]
        return JurisdictionDecision(
            action="stay_and_notify",
            body=INSPECTION,
            reason_ru=f"{str(spec['reason']).strip()} {str(rule['reason']).strip()}",
            legal_term_days=_term("stay_and_notify"),
            also_notify=list(rule["notify"]),
            body_name_ru=inspection.name,
        )
    return JurisdictionDecision(
        action="stay",
        body=INSPECTION,
        reason_ru=str(spec["reason"]).strip(),
        legal_term_days=_term("stay"),
        body_name_ru=inspection.name,
    )

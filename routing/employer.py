"""Matching a complaint's employer to known employers: by INN first, then by normalised name in the region."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

# Full legal forms first (longest first), so that «акционерное общество» is removed before «общество».
_FULL_FORMS = (
    "федеральное государственное бюджетное учреждение",
    "федеральное государственное унитарное предприятие",
    "федеральное казенное учреждение",
    "государственное бюджетное учреждение",
    "государственное автономное учреждение",
    "государственное казенное учреждение",
    "государственное унитарное предприятие",
    "муниципальное бюджетное учреждение",
    "муниципальное автономное учреждение",
    "муниципальное казенное учреждение",
    "муниципальное унитарное предприятие",
    "общество с ограниченной ответственностью",
    "непубличное акционерное общество",
    "публичное акционерное общество",
    "закрытое акционерное общество",
    "открытое акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "автономная некоммерческая организация",
    "некоммерческая организация",
    "сельскохозяйственный производственный кооператив",
    "производственный кооператив",
    "потребительский кооператив",
    "крестьянское фермерское хозяйство",
    "товарищество собственников жилья",
    "полное товарищество",
    "коммандитное товарищество",
)
_SHORT_FORMS = frozenset(
    "ооо оао зао пао нао ао ип гуп муп фгуп гбу гау гку мбу мау мку фгбу фку ано нко спк пк кфх тсж"
    " мбоу мадоу мбдоу гбоу гбуз гауз чоп чу".split()
)
_QUOTES = "«»\"'„“”‟‘’‚`"
_FULL_FORMS_RE = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in _FULL_FORMS) + r")\b")


def normalise_employer_name(name: str) -> str:
    """A comparable form of an employer's name: no legal form, quotes, case, ё, punctuation or extra spaces.

    >>> normalise_employer_name('ООО "Ромашка"') == normalise_employer_name("Ромашка ООО")
    True
    """
    text = name.casefold().replace("ё", "е")
    for quote in _QUOTES:
        text = text.replace(quote, " ")
    # Punctuation separates words («Альфа-Строй» = «Альфа Строй»; «(фермерское)» loses its brackets).
    text = re.sub(r"[^\w\s]", " ", text)
    text = " ".join(text.split())
    text = _FULL_FORMS_RE.sub(" ", text)
    words = [w for w in text.split() if w not in _SHORT_FORMS]
    # A name that is nothing but a legal form keeps it rather than becoming empty.
    return " ".join(words) or text.strip()


def normalise_inn(inn: str | None) -> str | None:
    """Digits of an INN when it has the length of one (10 for organisations, 12 for persons)."""
    if not inn:
        return None
    digits = re.sub(r"\D", "", inn)
    return digits if len(digits) in (10, 12) else None


def inn_checksum_ok(inn: str) -> bool:
    """The INN control digits are right (Federal Tax Service algorithm)."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        return False

    def digit(weights: Sequence[int]) -> int:
        return sum(w * int(c) for w, c in zip(weights, inn, strict=False)) % 11 % 10

    if len(inn) == 10:
        return digit((2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[9])
    return digit((7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[10]) and digit(
        (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    ) == int(inn[11])


def _normalise_region(region: str | int | None) -> str | None:
    # Regions are compared by official name or by id, whichever the caller uses consistently.
    return " ".join(str(region).casefold().replace("ё", "е").split()) if region is not None else None


@dataclass(frozen=True)
class EmployerRef:
    """A known employer."""

    id: int
    name: str
    inn: str | None = None
    region: str | int | None = None


@dataclass(frozen=True)
class EmployerCandidate:
    """The employer as stated in a complaint."""

    name: str
    inn: str | None = None
    region: str | int | None = None


@dataclass(frozen=True)
class EmployerMatch:
    employer_id: int | None  # None: a new employer
    by: Literal["inn", "name"] | None
    normalised_name: str
    normalised_inn: str | None
    other_ids: tuple[int, ...] = ()  # further employers with the same name in the region (ambiguous)
    explanation_ru: str = ""


def _candidate(value: EmployerCandidate | Mapping[str, Any]) -> EmployerCandidate:
    if isinstance(value, EmployerCandidate):
        return value
    return EmployerCandidate(
        name=str(value.get("name") or ""), inn=value.get("inn"), region=value.get("region")
    )


def match_employer(
    candidate: EmployerCandidate | Mapping[str, Any], existing: Sequence[EmployerRef]
) -> EmployerMatch:
    """Find the candidate among `existing`: same INN, else same normalised name in the same region.

    Two employers with different INNs are different legal entities even with equal names, so a name match
    is only accepted when at most one side has an INN. Several name matches: the lowest id wins, the others
    are reported in other_ids for a person to merge.
    """
    cand = _candidate(candidate)
    name = normalise_employer_name(cand.name)
    inn = normalise_inn(cand.inn)
    if inn is not None:
        by_inn = sorted(e.id for e in existing if normalise_inn(e.inn) == inn)
        if by_inn:
            return EmployerMatch(
                by_inn[0], "inn", name, inn, tuple(by_inn[1:]), f"Работодатель найден по ИНН {inn}."
            )
    region = _normalise_region(cand.region)
    same_name = sorted(
        e.id
        for e in existing
        if name
        and normalise_employer_name(e.name) == name
        and _normalise_region(e.region) == region
        and (inn is None or normalise_inn(e.inn) is None)
    )
    if same_name:
        return EmployerMatch(
            same_name[0],
            "name",
            name,
            inn,
            tuple(same_name[1:]),
            f"Работодатель найден по названию «{name}» в регионе {cand.region or '(не указан)'}.",
        )
    return EmployerMatch(None, None, name, inn, (), "Работодатель не найден — будет создана новая запись.")

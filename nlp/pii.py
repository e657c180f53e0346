"""PII masking for public and open-data views: people, phones, e-mails, addresses, personal documents.

Organisations, their ИНН (10 digits) and places stay: they are what open data is about. A 12-digit ИНН
belongs to a person (or an ИП) and is masked.
"""

from __future__ import annotations

import re

from nlp import facts as F

PLACEHOLDERS = {
    "person": "[ФИО]",
    "phone": "[телефон]",
    "email": "[e-mail]",
    "address": "[адрес]",
    "snils": "[СНИЛС]",
    "passport": "[паспорт]",
    "inn": "[ИНН]",
    "card": "[номер карты]",
}

_STREET = (
    r"(?:ул\.|улиц[аеуы]|пр-т|пр\.|просп\.|проспект\w*|пер\.|переул\w*|б-р|бульвар\w*|ш\.|шоссе|"
    r"пл\.|площад\w*|наб\.|набережн\w*|мкр\.?|микрорайон\w*|проезд\w*)"
)
_ADDRESS_RE = re.compile(
    rf"(?:\b\d{{6}},?\s*)?(?<![\w]){_STREET}\s*[А-ЯЁA-Z0-9][\w\-.]*(?:\s+[А-ЯЁ][\w\-]*)*"
    r"(?:,?\s*(?:д\.|дом)\s*\d+[а-яА-Я]?(?:/\d+)?)?(?:,?\s*(?:корп\.|к\.|стр\.|строение)\s*\d+)?"
    r"(?:,?\s*(?:кв\.|квартира|оф\.|офис)\s*\d+)?",
)
_HOUSE_RE = re.compile(r"(?<![\w])(?:д\.|дом)\s*\d+[а-яА-Я]?(?:/\d+)?(?:,?\s*(?:кв\.|квартира)\s*\d+)")
_SNILS_RE = re.compile(r"(?<!\d)\d{3}-\d{3}-\d{3}[ -]\d{2}(?!\d)")
_PASSPORT_RE = re.compile(r"(?i)(?<=паспорт)[\w\s:№]{0,12}?(\d{2}\s?\d{2}\s?№?\s?\d{6})")
_INN12_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")


def pii_spans(text: str, use_ner: bool = False) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans of personal data, left to right."""
    spans: list[tuple[int, int, str]] = []
    spans += [(m.start(), m.end(), "email") for m in F._EMAIL_RE.finditer(text)]
    spans += [(s, e, "phone") for s, e, _ in F.phone_spans(text)]
    spans += [(m.start(), m.end(), "snils") for m in _SNILS_RE.finditer(text)]
    spans += [(m.start(1), m.end(1), "passport") for m in _PASSPORT_RE.finditer(text)]
    spans += [(m.start(), m.end(), "card") for m in _CARD_RE.finditer(text)]
    spans += [(m.start(), m.end(), "inn") for m in _INN12_RE.finditer(text)]
    spans += [(m.start(), m.end(), "address") for m in _ADDRESS_RE.finditer(text)]
    spans += [(m.start(), m.end(), "address") for m in _HOUSE_RE.finditer(text)]
    for start, end, _name in F.person_spans(text):
        spans.append((start, end, "person"))
    for start, end, name in F.org_spans(text):  # «ИП Петров А.А.» — the person behind the ИП
        if name.startswith("ИП "):
            spans.append((start + 3, end, "person"))
    if use_ner:
        from nlp.natasha_models import ner

        for span in ner()(text).spans:
            if span.type == "PER":
                spans.append((span.start, span.stop, "person"))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    result: list[tuple[int, int, str]] = []
    for span in spans:
        if result and span[0] < result[-1][1]:
            if span[1] > result[-1][1] and span[2] == result[-1][2]:
                result[-1] = (result[-1][0], span[1], span[2])
            continue
        result.append(span)
    return result


def mask_pii(text: str, use_ner: bool = False) -> str:
    """The text with personal data replaced by placeholders («[ФИО]», «[телефон]», «[e-mail]», «[адрес]» …).

    ``use_ner=True`` adds natasha's PER entities (slower, catches names the patterns miss)."""
    parts = []
    last = 0
    for start, end, kind in pii_spans(text, use_ner):
        parts.append(text[last:start])
        parts.append(PLACEHOLDERS[kind])
        last = end
    parts.append(text[last:])
    return "".join(parts)

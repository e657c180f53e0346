"""Matching what a person types («Свердловская обл.», «питер», «66») to the official name of a region."""

from __future__ import annotations

import re

from portal.reference import RegionRef, regions

# Offered as buttons: the regions most complaints come from.
COMMON_CODES = ("77", "78", "50", "23", "66", "16")
ALIASES = {
    "мск": "77",
    "спб": "78",
    "питер": "78",
    "петербург": "78",
    "ленинград": "78",
    "подмосковье": "50",
    "мо": "50",
    "крым": "91",
    "якутия": "14",
    "башкирия": "02",
    "удмуртия": "18",
    "чувашия": "21",
    "кузбасс": "42",
    "югра": "86",
    "хмао": "86",
    "янао": "89",
    "екатеринбург": "66",
    "казань": "16",
    "краснодар": "23",
}
_SHORTHAND = {"обл": "область", "респ": "республика", "ао": "автономный округ"}


def fold(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[^\w\s-]", " ", text)
    words = [_SHORTHAND.get(word, word) for word in text.split()]
    return " ".join(words)


def _stem(word: str) -> str:
    """Enough of a word to survive case endings: «свердловской» and «свердловская» share «свердловск»."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 2)]


def by_code(code: str) -> RegionRef | None:
    return next((r for r in regions() if r.code == code), None)


def common_regions() -> list[RegionRef]:
    return [r for code in COMMON_CODES if (r := by_code(code)) is not None]


def match_region(text: str) -> list[RegionRef]:
    """Candidates for the text: one means a match, several a choice to offer, none a retry."""
    query = fold(text)
    if not query:
        return []
    if query.isdigit() and len(query) <= 2:
        found = by_code(query.zfill(2))
        return [found] if found else []
    if query in ALIASES:
        found = by_code(ALIASES[query])
        return [found] if found else []
    exact = [r for r in regions() if fold(r.name) == query]
    if exact:
        return exact
    stems = [_stem(word) for word in query.split() if word not in {"в", "г", "город"}]
    if not stems:
        return []
    candidates: list[RegionRef] = []
    for region in regions():
        words = fold(region.name).split()
        if all(any(word.startswith(stem) for word in words) for stem in stems):
            candidates.append(region)
    return candidates

"""A process-wide, lazily loaded pymorphy3 analyser with cached lookups."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_analyzer: Any = None

WORD_RE = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*|\d+")


def analyzer() -> Any:
    """The shared pymorphy3 MorphAnalyzer (loaded once, ~0.5 s)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                import pymorphy3

                _analyzer = pymorphy3.MorphAnalyzer()
    return _analyzer


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The most probable normal form of a word, lower case, «ё» folded to «е»."""
    word = word.lower().replace("ё", "е")
    if not word.isalpha() or len(word) > 40:
        return word
    return str(analyzer().parse(word)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """All normal forms pymorphy considers for a word."""
    word = word.lower().replace("ё", "е")
    if not word.isalpha() or len(word) > 40:
        return frozenset({word})
    return frozenset(str(p.normal_form).replace("ё", "е") for p in analyzer().parse(word))


@lru_cache(maxsize=100_000)
def tags(word: str) -> frozenset[str]:
    """Union of grammemes over the plausible parses of a word (used for Name/Surn/Patr/Geox checks)."""
    result: set[str] = set()
    for parse in analyzer().parse(word)[:3]:
        if parse.score >= 0.1:
            result |= set(parse.tag.grammemes)
    return frozenset(result)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words and numbers with their offsets."""
    return [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]

"""Russian written in Latin letters («zarplatu ne platyat uzhe 2 mesyaca», a phone without a Russian
keyboard): detected and read back into Cyrillic for the analysis, with a map from every character of the
Cyrillic text to the character of the original it came from, so problems still point into the original.
"""

from __future__ import annotations

import re

from nlp import morph

_WORD_RE = re.compile(r"[A-Za-z']+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CYRILLIC_RE = re.compile(r"[А-Яа-яЁё]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_VOWELS = frozenset("aeiouy")

# longest first; applied to lower-case words
_MULTI = (
    ("shch", "щ"),
    ("sch", "сч"),  # «raschet», «schet», «neschastnyy» (щ is usually «shch»)
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "ё"),
    ("ye", "е"),
    ("ju", "ю"),
    ("ja", "я"),
    ("jo", "ё"),
)
_SINGLE = {
    "a": "а",
    "b": "б",
    "v": "в",
    "g": "г",
    "d": "д",
    "e": "е",
    "z": "з",
    "i": "и",
    "j": "й",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "f": "ф",
    "h": "х",
    "c": "ц",
    "w": "в",
    "q": "к",
    "x": "кс",
    "'": "ь",
}


def _word(word: str) -> list[tuple[str, int]]:
    """(Cyrillic piece, index in the word of the Latin letters it came from) for one word."""
    low = word.lower()
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(low):
        rest = low[i:]
        if rest in ("yi", "iy", "oy", "yy"):  # endings: «severnyi», «russkiy», «moy»
            ending = {"yi": "ый", "iy": "ий", "oy": "ой", "yy": "ый"}[rest]
            out.extend((ch, i + k) for k, ch in enumerate(ending))
            break
        for latin, cyrillic in _MULTI:
            if rest.startswith(latin):
                out.append((cyrillic, i))
                i += len(latin)
                break
        else:
            ch = low[i]
            if ch == "y":
                after_vowel = i > 0 and low[i - 1] in _VOWELS
                before_vowel = i + 1 < len(low) and low[i + 1] in _VOWELS
                out.append(("й" if after_vowel and not before_vowel else "ы", i))
            else:
                out.append((_SINGLE.get(ch, ch), i))
            i += 1
    return out


def to_cyrillic(text: str) -> tuple[str, list[int]]:
    """The text with Latin words read as Russian, and for every output character the index of the
    original character it comes from (the map has one more entry: the original's length)."""
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for match in _WORD_RE.finditer(text):
        pieces.append(text[pos : match.start()])
        index.extend(range(pos, match.start()))
        for cyrillic, k in _word(match.group()):
            upper = match.group()[k].isupper()
            for ch in cyrillic:
                pieces.append(ch.upper() if upper else ch)
                index.append(match.start() + k)
        pos = match.end()
    pieces.append(text[pos:])
    index.extend(range(pos, len(text)))
    index.append(len(text))
    return "".join(pieces), index


def looks_translit(text: str) -> bool:
    """Mostly Latin letters that read as Russian words (not an English or mixed-language text)."""
    if len(_CYRILLIC_RE.findall(text, 0, 400)) > 40:
        return False  # the usual case, decided on the first few lines
    sample = text[:3000]
    letters = len(_LETTER_RE.findall(sample))
    if letters < 10 or len(_LATIN_RE.findall(sample)) < 0.7 * letters:
        return False
    words = [w for w in _WORD_RE.findall(sample) if len(w) >= 3][:60]
    if len(words) < 3:
        return False
    analyzer = morph.analyzer()
    known = 0
    for word in words:
        cyrillic = "".join(ch for ch, _ in _word(word)).replace("'", "")
        if analyzer.word_is_known(cyrillic):
            known += 1
    return known >= 0.5 * len(words)


def analysis_text(text: str) -> tuple[str, list[int] | None]:
    """The text the analysis reads: Cyrillic for a transliterated complaint (with the offset map), else the
    text itself (and None). Training and inference both go through this."""
    if looks_translit(text):
        return to_cyrillic(text)
    return text, None

"""Russian text helpers: tokenising, lemmatising (pymorphy3), sentence splitting, snippets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[a-zа-яё0-9]+(?:[.\-][a-zа-яё0-9]+)*", re.I)
# Words that carry no topic in questions people ask; kept short on purpose (negations matter: «не платят»).
STOP_WORDS = frozenset(
    """и в во на с со по к ко о об от до за из у же ли бы а но или что как это то так для при
    я мы ты вы он она оно они меня мне мой моя мои нас нам наш вас вам ваш его ее её их им ему
    был была были быть есть будет который которая которые этот эта эти тот та те там тут
    можно нужно надо ли ль уже еще ещё очень весь вся все всё свой себя сам""".split()
)


@lru_cache(maxsize=1)
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Normal form of one lower-case word; digits and Latin words are kept as they are."""
    if not re.search("[а-я]", word):
        return word
    return str(_morph().parse(word)[0].normal_form).replace("ё", "е")


def words(text: str) -> list[str]:
    return [_fold(w) for w in WORD.findall(text)]


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def lemmas(text: str, drop_stop_words: bool = True) -> list[str]:
    """Lemmas of the words in `text` («отпуска» → «отпуск»), stop words dropped."""
    result = []
    for word in words(text):
        if drop_stop_words and word in STOP_WORDS:
            continue
        normal = lemma(word)
        if drop_stop_words and normal in STOP_WORDS:
            continue
        result.append(normal)
    return result


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=[«\"(]?[A-ZА-ЯЁ0-9])|\n+")


def sentences(text: str) -> list[str]:
    """Sentences of plain text; a bare split that does not break «ст. 127» ("ст." is followed by a digit)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    merged: list[str] = []
    for part in parts:
        if not part:
            continue
        # "ст. 127" / "ч. 2": a split after an abbreviation followed by a number — glue back
        if merged and re.search(r"\b(?:ст|ч|п|пп|г|гг|т|см|руб|тыс|млн|др)\.$", merged[-1]):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def stems(text: str) -> set[str]:
    """Crude 5-letter prefixes of content words: enough to rank a few sentences, and no dictionary look-ups
    (lemmatising every sentence of every hit would cost more than the search itself)."""
    return {w[:5] for w in words(text) if w not in STOP_WORDS and len(w) > 2}


def snippet(text: str, query_stems: set[str], limit: int = 300) -> str:
    """The most relevant sentence(s) of `text` for the query (`stems(query)`): most shared stems, earliest on
    ties."""
    candidates = sentences(text)
    if not candidates:
        return ""
    scored = []
    for position, sentence in enumerate(candidates):
        overlap = len(query_stems & stems(sentence))
        scored.append((overlap, -position, sentence))
    best = max(scored)
    chosen = best[2]
    position = -best[1]
    # add the next sentence when it fits: one sentence is often too terse to answer
    if position + 1 < len(candidates) and len(chosen) + 1 + len(candidates[position + 1]) <= limit:
        chosen = chosen + " " + candidates[position + 1]
    return truncate(chosen, limit)


def truncate(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"


@lru_cache(maxsize=1)
def colloquial_expansions() -> dict[tuple[str, ...], str]:
    """Lemma sequence → formal wording, from search/data/colloquial.txt («зп = зарплата»)."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "colloquial.txt"
    table: dict[tuple[str, ...], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "=" not in line:
            continue
        key, expansion = (part.strip() for part in line.split("=", 1))
        table[tuple(lemma(w) for w in words(key))] = expansion
    return table


def expand(query: str) -> str:
    """The query with the formal wording of its colloquial words appended («зп задержали» → «… зарплата»),
    for lexical matching (articles are written formally)."""
    table = colloquial_expansions()
    longest = max((len(key) for key in table), default=0)
    normal = [lemma(w) for w in words(query)]
    added: list[str] = []
    for start in range(len(normal)):
        for size in range(min(longest, len(normal) - start), 0, -1):
            expansion = table.get(tuple(normal[start : start + size]))
            if expansion is not None:
                if expansion not in added:
                    added.append(expansion)
                break
    return " ".join([query, *added]) if added else query


_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _edits(word: str) -> set[str]:
    """Words one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return deletes | transposes | replaces | inserts


@dataclass(frozen=True)
class Vocabulary:
    """What `spelling_fixes` corrects towards: word forms of the indexed texts with their counts (dictionary
    words, and other words such as slang and abbreviations seen at least `min_count` times, so that a one-off
    typo in the texts is no correction), and the lemmas of all their words."""

    counts: dict[str, int]
    lemmas: frozenset[str]

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 3) -> Vocabulary:
        counts = Counter(w for text in texts for w in words(text))
        morph = _morph()
        known = {w: c for w, c in counts.items() if c >= min_count or morph.word_is_known(w)}
        return cls(known, frozenset(lemma(w) for w in counts))


def spelling_fixes(query: str, vocabulary: Vocabulary) -> dict[str, str]:
    """Corrections of misspelt query words («выплоты» → «выплаты», «беременость» → «беременность»): for a
    Cyrillic word of 5+ letters that is neither in the vocabulary nor in the dictionary, and whose (guessed)
    lemma is no lemma of the indexed texts (another form of their slang: «расчетку»), the most frequent
    vocabulary word one edit away, if any. Lower-case word → correction."""
    fixes = {}
    for word in words(query):
        if len(word) < 5 or word in vocabulary.counts or not re.fullmatch("[а-яё]+", word):
            continue
        if _morph().word_is_known(word) or lemma(word) in vocabulary.lemmas:
            continue
        count, best = max(((vocabulary.counts.get(c, 0), c) for c in _edits(word)), default=(0, ""))
        if count:
            fixes[word] = best
    return fixes


def corrected(query: str, fixes: Mapping[str, str]) -> str:
    """The query with its misspelt words replaced by their corrections (`spelling_fixes`)."""
    if not fixes:
        return query
    return WORD.sub(lambda m: fixes.get(_fold(m.group(0)), m.group(0)), query)


# Russian typed in Latin letters («zarplatu ne platyat»): longest patterns first
_TRANSLIT = (
    ("shch", "щ"),
    ("tsya", "тся"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "ё"),
    ("ye", "е"),
    ("yi", "ый"),
    ("iya", "ия"),
    ("iyu", "ию"),
    ("iye", "ие"),
    ("iy", "ий"),
    ("ij", "ий"),
    ("'", "ь"),
    ("a", "а"),
    ("b", "б"),
    ("c", "ц"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("q", "к"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "кс"),
    ("z", "з"),
)
_VOWELS = set("аеёиоуыэюя")
_SOFTENED = set("бвдзлмнпрстфц")  # consonants a ь may follow


def _cyrillic_word(word: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        latin, cyrillic = next(((a, b) for a, b in _TRANSLIT if word.startswith(a, i)), (word[i], word[i]))
        if latin in ("y", "i") and out and out[-1][-1] in _VOWELS and not _next_is_vowel(word, i + 1):
            cyrillic = "й"  # «dney» → дней, «seichas» → сейчас
        elif latin == "y":
            cyrillic = "ы"
        elif latin == "ye" and out and out[-1][-1] not in _VOWELS and out[-1][-1] not in "ьъ":
            cyrillic = "ые"  # after a consonant «ye» is the plural ending: «otpusknye» → отпускные
        out.append(cyrillic)
        i += len(latin)
    return _soft_sign("".join(out))


def _soft_sign(word: str) -> str:
    """Restore one missing soft sign people leave out in Latin spelling («skolko» → сколько, «rabotodatel» →
    работодатель, «uvolnenie» → увольнение): only for words the dictionary does not know, and only when one ь
    after a consonant (the last position tried first) makes a known word."""
    morph = _morph()
    if len(word) < 4 or morph.word_is_known(word):
        return word
    for i in range(len(word), 1, -1):
        if word[i - 1] in _SOFTENED:
            candidate = word[:i] + "ь" + word[i:]
            if morph.word_is_known(candidate):
                return candidate
    return word


def _next_is_vowel(word: str, i: int) -> bool:
    return i < len(word) and word[i] in "aeiouy"


def cyrillic(query: str) -> str:
    """A query typed in Latin letters, transliterated back to Cyrillic («zarplatu ne platyat» → «зарплату не
    платят»); unchanged unless most of its words are Latin («СТД-Р», «1С», one English word stay)."""
    tokens = re.findall(r"[A-Za-zА-Яа-яЁё']+", query)
    latin = [t for t in tokens if re.fullmatch(r"[A-Za-z']+", t)]
    if not latin or len(latin) * 2 <= len(tokens):
        return query
    return re.sub(r"[A-Za-z']+", lambda m: _cyrillic_word(m.group(0).lower()), query)

"""Text features shared by training and inference: lemma n-grams and character n-grams."""

from __future__ import annotations

import re

from nlp import morph

_WORD_RE = re.compile(r"[а-яёa-z]+|\d+")
STOP = frozenset(
    "и в во не на я с со что а по к у же за из от до о об то так но да ли бы мы вы он она они оно мне меня "
    "нас нам нами его ее её их это этот эта эти быть был была были есть мой моя мои наш наша наши свой "
    "который которая которые как для при уже ещё еще все всё весь вся этом тот та те там тут здесь".split()
)
CHAR_NGRAMS = (3, 4, 5)


_DIGIT_RE = re.compile(r"\d")


def normalise(text: str) -> str:
    return _DIGIT_RE.sub("0", text.lower().replace("ё", "е"))


# chat abbreviations read as the word they stand for, so «зп не было 2 мес» shares its lemmas with
# «зарплаты не было два месяца»
_ABBREVIATIONS = {"зп": "зарплата", "зпл": "зарплата", "мес": "месяц"}


def lemma_tokens(text: str) -> list[str]:
    """Lemmas with stop words dropped; «не» is glued to the next lemma («не_платить»)."""
    result: list[str] = []
    negate = False
    for word in _WORD_RE.findall(text.lower().replace("з/п", "зп")):
        if word == "не" or word == "нет" or word == "без":
            negate = True
            result.append(word)
            continue
        if word.isdigit():
            result.append("<num>")
            negate = False
            continue
        if word in STOP:
            continue
        lemma = _ABBREVIATIONS.get(word) or morph.lemma(word)
        result.append(f"не_{lemma}" if negate else lemma)
        negate = False
    return result


def word_features(text: str) -> list[str]:
    """Lemma unigrams and bigrams."""
    toks = lemma_tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


_NON_WORD_RE = re.compile(r"[^\w-]")


def token_char_ngrams(token: str) -> list[str]:
    """Character n-grams of one whitespace-separated token of ``normalise(text)``."""
    word = _NON_WORD_RE.sub("", token)
    if not word:
        return []
    padded = f" {word} "
    result: list[str] = []
    for n in CHAR_NGRAMS:
        if len(padded) >= n:
            result.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return result


def char_features(text: str) -> list[str]:
    """Character n-grams inside word boundaries (like scikit-learn's ``char_wb``)."""
    result: list[str] = []
    for token in normalise(text).split():
        result.extend(token_char_ngrams(token))
    return result


Features = tuple[list[str], list[str]]


def text_features(text: str) -> Features:
    """(lemma n-grams, char n-grams) of one sentence."""
    return word_features(text), char_features(text)


def join_features(parts: list[Features]) -> Features:
    """A complaint's features: those of its sentences together (the same in training and inference)."""
    return [f for w, _ in parts for f in w], [f for _, c in parts for f in c]

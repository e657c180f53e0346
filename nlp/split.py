"""Sentences (razdel) with offsets into the original text; paragraphs and list items split first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from razdel import sentenize

_PARAGRAPH_RE = re.compile(r"[^\n]+")
_CLAUSE_RE = re.compile(
    r";\s+|\s+(?=(?:Кроме того|Также|А ещё|А еще|Помимо этого|Ещё|Еще одна проблема)\b)"
    r"|(?<=,)\s+(?=(?:а ещё|а еще|а также|кроме того|также|помимо этого)\b)"
)
MAX_SENTENCE = 600


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Sentences of a (cleaned, same-length) text; whitespace-only pieces are dropped."""
    result: list[Sentence] = []
    for paragraph in _PARAGRAPH_RE.finditer(text):
        if not paragraph.group().strip():
            continue
        base = paragraph.start()
        for sent in sentenize(paragraph.group()):
            for start, end in _clauses(sent.text):
                piece = sent.text[start:end]
                if re.search(r"\w", piece):
                    s = base + sent.start + start
                    result.append(Sentence(s, s + len(piece), piece))
    return result


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """Split a sentence at «;» and at clause openers that usually start a new problem; very long pieces are
    cut at commas so that one sentence never swallows a whole complaint."""
    bounds = [0]
    for match in _CLAUSE_RE.finditer(sentence):
        if match.start() - bounds[-1] > 25:
            bounds.append(match.end())
    bounds.append(len(sentence))
    pieces: list[tuple[int, int]] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        while end - start > MAX_SENTENCE:
            cut = sentence.rfind(", ", start, start + MAX_SENTENCE)
            cut = cut + 1 if cut > start else start + MAX_SENTENCE
            pieces.append((start, cut))
            start = cut
        pieces.append((start, end))
    result = []
    for start, end in pieces:
        while start < end and sentence[start].isspace():
            start += 1
        while end > start and sentence[end - 1].isspace():
            end -= 1
        if end > start:
            result.append((start, end))
    return result

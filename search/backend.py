"""The search backend interface shared by the embedded and Elasticsearch implementations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from search.documents import Document


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float
    refs: tuple[str, ...]
    snippet: str
    url: str
    kind: str = "article"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 4),
            "refs": list(self.refs),
            "snippet": self.snippet,
            "url": self.url,
        }


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    no_answer: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"hits": [hit.to_json() for hit in self.hits], "no_answer": self.no_answer}


# filters: {"kind": "article" | [..], "audience": "worker" | [..], "category": "code" | [..]}
Filters = dict[str, str | Sequence[str]]


@runtime_checkable
class SearchBackend(Protocol):
    def index(self, documents: Sequence[Document]) -> None: ...

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult: ...

    def close(self) -> None: ...


def filter_values(filters: Filters | None, key: str) -> set[str] | None:
    if not filters or filters.get(key) in (None, "", []):
        return None
    value = filters[key]
    return {value} if isinstance(value, str) else set(value)


def matches(doc: Document, filters: Filters | None) -> bool:
    kinds = filter_values(filters, "kind")
    audiences = filter_values(filters, "audience")
    categories = filter_values(filters, "category")
    if kinds is not None and doc.kind not in kinds:
        return False
    # an article for "both" serves either audience
    if audiences is not None and doc.audience != "both" and doc.audience not in audiences:
        return False
    return categories is None or bool(categories & set(doc.categories))


def rrf(
    rankings: Sequence[Sequence[str]], k: float = 60.0, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(u) = Σ w_r / (k + rank_r(u)), rank from 1; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for number, ranking in enumerate(rankings):
        weight = weights[number] if weights else 1.0
        for rank, unit in enumerate(ranking, 1):
            scores[unit] = scores.get(unit, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


# Fusion: equal weights; k=10 (a small k trusts the top ranks more) measured on held-out article questions.
# The character n-gram ranking (typos, colloquial word forms) raised dev hit@5 from 0.72 to 0.76.
# Articles are written to answer people's questions; checklist items and law text support them, so at equal
# ranks an article comes first.
KIND_WEIGHTS = {"article": 1.0, "checklist": 0.9, "law": 0.8}
RRF_K = 10.0
# No answer when the query is closer to a general-life question (search/data/out_of_domain.txt) than to the KB
# by more than this. Chosen on the tuning split (held-out article questions, `python -m search.tune`) against
# search/data/off_topic_calibration.txt, with 126 reference questions: 0.05 turned away 3 of 2,893 held-out
# questions and found 57% of the off-topic ones, 0.0 turns away 7 (most of them questions of the out-of-scope
# redirect articles: stolen car, tax refund, hacked account) and finds 65%.
REFERENCE_MARGIN = 0.0
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
CHAR_WEIGHT = 1.0
# With the article classifier (search/classifier.py) as a fourth ranking: weights of lexical, dense, character
# and classifier rankings and k, chosen on held-out article questions (`python -m search.tune`). With 674
# questions: hit@1 0.683, hit@5 0.941 at (1, 1, 1, 3) (0.568, 0.898 without the classifier). With 2,270
# questions the classifier learns more and the BM25 sides add little: 0.867/0.990 at (1, 1, 1, 3), 0.882/0.991
# at (0.5, 1, 0.5, 3), 0.883/0.991 for the classifier alone; the lexical sides keep half their weight (they
# still bring exact wording the classifier may not have seen). The dense weight only counts for checklist
# items and law articles (the classifier covers articles).
CLASSIFIED_RRF_K = 5.0
CLASSIFIED_WEIGHTS = (0.5, 1.0, 0.5, 3.0)


def best_per_unit(ranked: Sequence[tuple[Document, float]]) -> list[tuple[Document, float]]:
    """First (best) document of each unit, in order."""
    seen: set[str] = set()
    result = []
    for doc, score in ranked:
        if doc.unit not in seen:
            seen.add(doc.unit)
            result.append((doc, score))
    return result


def assemble(
    query: str,
    lexical: Sequence[tuple[Document, float]],
    dense: Sequence[tuple[Document, float]],
    k: int,
    no_answer_threshold: float,
    reference_best: float = -1.0,
    char: Sequence[tuple[Document, float]] = (),
    rrf_k: float | None = None,
    weights: Sequence[float] | None = None,
    classified: Sequence[tuple[Document, float]] | None = None,
) -> SearchResult:
    """Fuse lexical (lemma BM25), dense and optional character n-gram BM25 and classifier rankings (best
    first; the fourth weight is the classifier's) into k unit hits with snippets.

    With a classifier ranking (`classified` given, even empty after filters) the fusion constants chosen
    for it apply (CLASSIFIED_RRF_K, CLASSIFIED_WEIGHTS), otherwise the plain ones; either can be overridden.

    No answer when the best dense cosine is below the threshold, or when the query is closer to a reference
    general-life question (search/data/out_of_domain.txt, cosine `reference_best`) than to anything in the KB:
    question form alone («как поменять …») gives USE cosines ~0.4 with KB titles. Lexical overlap alone
    («паспорт», «справка») is too weak evidence that the KB answers the question.
    """
    from search.text import snippet, stems

    if rrf_k is None:
        rrf_k = RRF_K if classified is None else CLASSIFIED_RRF_K
    if weights is None:
        weights = (LEXICAL_WEIGHT, DENSE_WEIGHT, CHAR_WEIGHT) if classified is None else CLASSIFIED_WEIGHTS
    best_dense = dense[0][1] if dense else 0.0
    if not dense or best_dense < no_answer_threshold or reference_best > best_dense + REFERENCE_MARGIN:
        return SearchResult(hits=[], no_answer=True)
    lexical_units = best_per_unit([(d, s) for d, s in lexical if s > 0])
    dense_units = best_per_unit(dense)
    char_units = best_per_unit([(d, s) for d, s in char if s > 0])
    classified_units = best_per_unit(classified or ())
    # the classifier's dense model already carries the dense evidence for the kinds it ranks (articles), so
    # the nearest-document ranking only adds the other kinds: held-out article questions hit@1 0.650 → 0.683
    covered = {doc.kind for doc, _ in classified_units}
    lists = (
        lexical_units,
        [u for u in dense_units if u[0].kind not in covered],
        char_units,
        classified_units,
    )
    kinds = {doc.unit: doc.kind for units in lists for doc, _ in units}
    rankings = [[d.unit for d, _ in units] for units in lists]
    fused = rrf(rankings, rrf_k, [*weights, 1.0, 1.0, 1.0, 1.0][: len(lists)])
    # kind weight is per unit, so scaling the fused sum equals scaling each rank's contribution
    fused = sorted(
        ((unit, score * KIND_WEIGHTS.get(kinds[unit], 1.0)) for unit, score in fused),
        key=lambda item: -item[1],
    )
    top = fused[:k]
    # the snippet/anchor come from the unit's closest document by meaning, else its best lexical one
    best_doc: dict[str, Document] = {}
    for doc, _score in [*classified_units, *char_units, *lexical_units, *dense_units]:
        best_doc[doc.unit] = doc
    query_stems = stems(query)
    hits = []
    for unit, score in top:
        doc = best_doc[unit]
        hits.append(
            Hit(
                id=unit,
                title=doc.title,
                score=score,
                refs=doc.refs,
                url=doc.url,
                kind=doc.kind,
                snippet=snippet(doc.snippet_text, query_stems),
            )
        )
    return SearchResult(hits=hits, no_answer=False)

"""The learned re-ranker: features, training, persistence with the index, and what it changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.reranker import DEFAULT_PATH, FEATURES, Candidates, Reranker, candidate_features


def _groups(seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Synthetic queries: the answering candidate has a higher `qcos` (plus noise everywhere)."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(60):
        rows = rng.normal(size=(8, len(FEATURES)))
        labels = np.zeros(8, dtype=int)
        labels[rng.integers(0, 8)] = 1
        rows[labels == 1, FEATURES.index("qcos")] += 3.0
        groups.append((rows, labels))
    return groups


def test_training_is_deterministic() -> None:
    first, second = Reranker.train(_groups()), Reranker.train(_groups())
    assert np.array_equal(first.weights, second.weights) and first.bias == second.bias
    # it learned what separates the answers: question similarity
    assert int(np.argmax(first.weights)) == FEATURES.index("qcos")


def test_changes_the_order_when_the_features_say_so() -> None:
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("qcos")] = 1.0
    reranker = Reranker(weights, 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
    fused = {"a": (1, 0.5), "b": (2, 0.4)}
    classifier = {"a": (1.0, 1.0, 1.0), "b": (0.5, 0.5, 0.5)}
    dense = {"a": (0.6, 0.3, 0.2), "b": (0.6, 0.9, 0.2)}  # b has the much closer front-matter question
    candidates = candidate_features(["a", "b"], fused, classifier, {}, {}, dense, {}, 3)
    assert [u for u, _ in reranker.order(candidates)] == ["b", "a"]
    # fused rank alone keeps the fused order
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("fused_rr")] = 1.0
    by_rank = Reranker(weights, 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
    assert [u for u, _ in by_rank.order(candidates)] == ["a", "b"]


def test_features_fill_gaps_and_relative_values() -> None:
    candidates = candidate_features(
        ["a", "b"],
        {"a": (1, 2.0), "b": (3, 1.0)},
        {"a": (2.0, 1.0, 3.0), "b": (1.0, 0.5, 1.0)},
        {"b": (1, 8.0)},
        {},
        {"a": (0.7, 0.6, 0.5), "b": (0.5, 0.4, 0.3)},
        {"a": 0.5},
        4,
    )
    row = dict(zip(FEATURES, candidates.rows[1], strict=True))
    assert row["fused_rel"] == pytest.approx(0.5) and row["fused_rr"] == pytest.approx(1 / 3)
    assert row["cls_gap"] == pytest.approx(-1.0) and row["cos_gap"] == pytest.approx(-0.2)
    assert row["bm25_rr"] == 1.0 and row["bm25_rel"] == 1.0 and row["char_rr"] == 0.0
    assert candidates.rows[0, FEATURES.index("bm25_rr")] == 0.0  # absent from the lemma BM25 ranking
    assert candidates.rows[0, FEATURES.index("title_overlap")] == 0.5


def test_save_and_load(tmp_path: Path) -> None:
    reranker = Reranker.train(_groups(), depth=12)
    reranker.no_answer_below = 0.25
    path = tmp_path / "reranker.json"
    reranker.save(path)
    loaded = Reranker.load(path)
    assert loaded is not None and loaded.depth == 12 and loaded.no_answer_below == 0.25
    rows = _groups(1)[0][0]
    assert np.allclose(loaded.probabilities(rows), reranker.probabilities(rows), atol=1e-5)
    assert Reranker.load(tmp_path / "missing.json") is None


def test_shipped_reranker_matches_the_features() -> None:
    reranker = Reranker.load(DEFAULT_PATH)
    assert reranker is not None, "search/data/reranker.json is missing or written for other features"
    # its probability is measured for no-answer but not used (see search/tune.py)
    assert reranker.no_answer_below == 0.0 and reranker.depth >= 5


def test_persisted_with_the_index_and_reloaded(config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents

    documents = collect_documents(config)
    backend = EmbeddedBackend(config.index_dir / "kb", embedder)
    backend.index(documents)
    assert (backend.directory / "reranker.json").exists() and backend.reranker is not None
    reloaded = EmbeddedBackend(config.index_dir / "kb", embedder)
    assert reloaded.ensure(documents) is False  # loaded, not rebuilt
    assert reloaded.reranker is not None
    assert np.array_equal(reloaded.reranker.weights, backend.reranker.weights)
    query = "задерживают зарплату второй месяц"
    assert [h.id for h in reloaded.search(query).hits] == [h.id for h in backend.search(query).hits]
    # the re-ranker's scores are the hits' scores: probabilities, best first
    scores = [h.score for h in reloaded.search(query).hits if h.kind == "article"]
    assert scores == sorted(scores, reverse=True) and all(0.0 < s < 1.0 for s in scores)


def test_reranker_reorders_the_search(config, embedder) -> None:  # type: ignore[no-untyped-def]
    """A re-ranker that trusts only the title overlap puts the article whose title shares the query's words
    first, whatever fusion said."""
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents

    backend = EmbeddedBackend(config.index_dir / "kb", embedder)
    backend.index(collect_documents(config))
    query = "испытательный срок: задерживают зарплату"
    weights = np.zeros(len(FEATURES))
    for name, sign in (("title_overlap", 1.0), ("fused_rr", 0.0)):
        weights[FEATURES.index(name)] = sign
    backend.reranker = Reranker(weights, 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
    first = backend.search(query, k=2).hits[0].id
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("title_overlap")] = -1.0
    backend.reranker = Reranker(weights, 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
    assert backend.search(query, k=2).hits[0].id != first


def test_no_answer_below_the_threshold(config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents

    backend = EmbeddedBackend(config.index_dir / "kb", embedder)
    backend.index(collect_documents(config))
    assert backend.reranker is not None
    query = "не платят зарплату"
    assert not backend.search(query).no_answer
    backend.reranker.no_answer_below = 1.01  # nothing is ever that probable
    assert backend.search(query).no_answer and backend.search(query).hits == []
    backend.screen_no_answer = False
    assert not backend.search(query).no_answer


def test_candidates_default_is_empty() -> None:
    empty = Candidates()
    assert empty.units == [] and empty.rows.shape == (0, len(FEATURES))
    assert (
        Reranker(np.zeros(len(FEATURES)), 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES))).order(empty)
        == []
    )


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("zarplatu ne platyat chto delat", "зарплату не платят что делат"),
        ("skolko dney otpuska", "сколко дней отпуска"),
        ("administrativnyi otpusk, seichas", "административный отпуск, сейчас"),
        ("uvolitsya bez preduprezhdeniya", "уволится без предупреждения"),
        ("отпуск iphone", "отпуск iphone"),  # mostly Cyrillic: left alone
        ("СТД-Р где взять", "СТД-Р где взять"),
    ],
)
def test_translit_queries_become_cyrillic(latin: str, expected: str) -> None:
    from search.text import cyrillic

    assert cyrillic(latin) == expected


def test_hit_at_1_by_labour_code_article() -> None:
    from search.backend import Hit, SearchResult
    from search.bench import dev_metrics

    def result(*hits: tuple[str, tuple[str, ...]]) -> SearchResult:
        return SearchResult([Hit(i, i, 1.0, refs, "", "") for i, refs in hits])

    primary = {"a": "ТК РФ ст. 80", "b": "ТК РФ ст. 127"}
    results = [
        result(("a", ("ТК РФ ст. 80",))),  # right article
        result(("c", ("ТК РФ ст. 77", "ТК РФ ст. 80"))),  # wrong article resting on a's primary ref
        result(("c", ("ТК РФ ст. 77",)), ("b", ("ТК РФ ст. 127",))),  # neither
        SearchResult([], no_answer=True),
    ]
    metrics = dev_metrics(results, [{"a"}, {"a"}, {"b"}, set()], primary)
    assert metrics["hit@1"] == pytest.approx(1 / 3)
    assert metrics["hit@1_by_law"] == pytest.approx(2 / 3)
    assert metrics["no_answer_detected"] == 1 and metrics["false_no_answer"] == 0


def test_off_topic_calibration_set_is_separate() -> None:
    from search.embedded import reference_questions
    from search.tune import off_topic_questions

    items = off_topic_questions()
    assert len(items) >= 80
    reference = {q.lower() for q in reference_questions()}
    assert not reference & {q.lower() for q, _ in items}  # never calibrate on what the index holds
    redirects = {r for _, r in items if r}
    assert redirects and all(r.startswith("out-of-scope-") for r in redirects)


def test_off_topic_questions_get_no_answer(config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents
    from search.tune import off_topic_questions

    backend = EmbeddedBackend(config.index_dir / "kb", embedder)
    backend.index(collect_documents(config))
    general = [q for q, redirect in off_topic_questions() if not redirect]
    answered = [q for q in general if not backend.search(q).no_answer]
    assert len(answered) <= len(general) // 10, answered
    assert not backend.search("зарплату задерживают второй месяц").no_answer
    from search.bench import off_topic_figures

    figures = off_topic_figures(backend)
    assert figures["questions"] == len(off_topic_questions()) and figures["redirects"] >= 10
    assert figures["no_answer"] >= len(general) - len(answered)
    assert figures["redirect_first"] == 0  # the fixture KB has no redirect articles

"""Queries typed in Latin letters, the off-topic calibration set (no answer) and hit@1 by Labour Code article."""

from __future__ import annotations

import pytest


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

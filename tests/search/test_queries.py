"""Queries typed in Latin letters, the off-topic calibration set (no answer) and hit@1 by Labour Code article."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("zarplatu ne platyat chto delat", "зарплату не платят что делать"),
        ("skolko dney otpuska", "сколько дней отпуска"),
        ("administrativnyi otpusk, seichas", "административный отпуск, сейчас"),
        ("uvolitsya bez preduprezhdeniya", "уволится без предупреждения"),
        ("otpusknye ne zaplatili", "отпускные не заплатили"),  # «ye» after a consonant: «ые»
        ("rabotodatel ne oplatil bolnichnyi", "работодатель не оплатил больничный"),  # soft signs restored
        ("отпуск iphone", "отпуск iphone"),  # mostly Cyrillic: left alone
        ("СТД-Р где взять", "СТД-Р где взять"),
    ],
)
def test_translit_queries_become_cyrillic(latin: str, expected: str) -> None:
    from search.text import cyrillic

    assert cyrillic(latin) == expected


def test_spelling_fixes() -> None:
    from search.text import Vocabulary, corrected, spelling_fixes

    vocab = Vocabulary.build(["выплаты после травмы", "беременность и расчет", "зп зп зп", "расчетка"])
    assert spelling_fixes("выплоты после травмы", vocab) == {"выплоты": "выплаты"}
    fixes = spelling_fixes("Беременость, уволят?", vocab)
    assert fixes == {"беременость": "беременность"}
    assert corrected("Беременость, уволят?", fixes) == "беременность, уволят?"
    assert spelling_fixes("выплаты", vocab) == {}  # known words are left alone
    assert spelling_fixes("зарплота", vocab) == {}  # nothing one edit away in the vocabulary
    assert spelling_fixes("расчетку не дают", vocab) == {}  # a form of the texts' own slang, not «расчет»
    assert "зп" in vocab.counts  # frequent non-dictionary words count


def test_misspelt_query_finds_its_article(config, embedder) -> None:  # type: ignore[no-untyped-def]
    from search.embedded import EmbeddedBackend
    from search.service import collect_documents
    from search.text import spelling_fixes

    backend = EmbeddedBackend(config.index_dir / "kb", embedder)
    backend.index(collect_documents(config))
    assert spelling_fixes("проценты за задерржку", backend._vocabulary) == {"задерржку": "задержку"}
    result = backend.search("проценты за задерржку зарплаты")
    assert result.hits and result.hits[0].id.startswith("salary-delay")


def test_front_matter_questions_are_not_copied_from_evaluation_sets() -> None:
    """No article question is a near copy (difflib ratio ≥ 0.85) of a dev, holdout, law tuning or blind query;
    only the article questions are reported, never the evaluation queries."""
    import difflib
    import json
    from pathlib import Path

    import numpy as np

    from search.bench import BLIND_LAW_SETS
    from search.content import content_root, load_articles

    data = Path(__file__).resolve().parents[2] / "search" / "data"

    def norm(text: str) -> str:
        return " ".join(text.lower().replace("ё", "е").split())

    queries = []
    for name in ("dev_queries.jsonl", "holdout_queries.jsonl", "law_tuning_queries.jsonl", *BLIND_LAW_SETS):
        if (data / name).exists():
            for line in (data / name).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    queries.append(norm(record.get("query") or record.get("question") or ""))
    questions = [(a.id, q, norm(q)) for a in load_articles(content_root() / "articles") for q in a.questions]
    # difflib's quick_ratio (an upper bound of its ratio) for every question at once, from character counts
    alphabet = {c: i for i, c in enumerate(sorted({c for *_, text in questions for c in text}))}

    def counts(text: str) -> np.ndarray:
        vector = np.zeros(len(alphabet) + 1, dtype=np.int32)
        np.add.at(vector, [alphabet.get(c, len(alphabet)) for c in text], 1)
        return vector

    question_counts = np.stack([counts(text) for *_, text in questions])
    question_lengths = question_counts.sum(axis=1)
    copied = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    for query in queries:
        bound = 2 * np.minimum(question_counts, counts(query)).sum(axis=1) / (question_lengths + len(query))
        matcher.set_seq2(query)
        for k in np.flatnonzero(bound >= 0.85):
            article, question, text = questions[k]
            matcher.set_seq1(text)
            if matcher.ratio() >= 0.85:
                copied.append(f"{article}: {question}")
    assert not copied, "article questions too close to evaluation queries: " + "; ".join(sorted(set(copied)))


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


def test_blind_set_scored_by_labour_code_article() -> None:
    from search.backend import Hit, SearchResult
    from search.bench import law_metrics

    def result(*refs: tuple[str, ...]) -> SearchResult:
        return SearchResult([Hit(f"x{n}", "", 1.0, r, "", "") for n, r in enumerate(refs)])

    results = [
        result(("ТК РФ ст. 127", "ТК РФ ст. 140")),  # rests on the wanted article
        result(("ТК РФ ст. 80", "ТК РФ ст. 127")),  # mentions it, rests on another
        result(("ТК РФ ст. 80",), ("ТК РФ ст. 136",)),  # second hit only
        SearchResult([], no_answer=True),  # turned away although answerable
        SearchResult([], no_answer=True),  # off-topic, turned away
        SearchResult([Hit("out-of-scope-taxes", "", 1.0, (), "", "")]),  # off-topic, redirected
        result(("ТК РФ ст. 80",)),  # off-topic, answered anyway
    ]
    wanted = [
        ["ТК РФ ст. 127"],
        ["ТК РФ ст. 127"],
        ["ТК РФ ст. 136", "ТК РФ ст. 236"],
        ["ТК РФ ст. 81"],
        [],
        [],
        [],
    ]
    metrics = law_metrics(results, wanted, {"out-of-scope-taxes"})
    assert metrics["n"] == 4
    assert metrics["hit@1"] == pytest.approx(2 / 4)
    assert metrics["hit@5"] == pytest.approx(3 / 4)
    assert metrics["hit@1_primary"] == pytest.approx(1 / 4)
    assert metrics["false_no_answer"] == 1 and metrics["no_answer_detected"] == 1
    assert metrics["no_answer_queries"] == 3 and metrics["turned_away"] == 2


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

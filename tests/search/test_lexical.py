"""Lemmatisation, BM25 and reciprocal rank fusion."""

from __future__ import annotations

from search.backend import rrf
from search.lexical import BM25
from search.text import lemmas, sentences, snippet, stems, truncate


def test_lemmas_normalise_word_forms() -> None:
    assert lemmas("отпуска") == ["отпуск"]
    assert lemmas("Не дают отпуска") == ["не", "давать", "отпуск"]
    assert "увольнение" in lemmas("после увольнения")


def test_bm25_finds_other_word_forms() -> None:
    bm25 = BM25.build(["ежегодный оплачиваемый отпуск", "заработная плата два раза в месяц", ""])
    scores = bm25.scores("не дают отпуска")
    assert scores.argmax() == 0 and scores[1] == 0 and scores[2] == 0
    assert bm25.scores("совершенно другое").max() == 0


def test_bm25_persistence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bm25 = BM25.build(["отпуск по уходу за ребёнком", "зарплата"])
    bm25.save(tmp_path)
    loaded = BM25.load(tmp_path)
    assert (loaded.scores("ребенка") == bm25.scores("ребенка")).all()


def test_rrf_order() -> None:
    fused = rrf([["a", "b", "c"], ["b", "c", "a"]], k=60)
    # b: 1/62 + 1/61 beats a: 1/61 + 1/63; c: 1/63 + 1/62 is last
    assert [unit for unit, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == 1 / 62 + 1 / 61


def test_rrf_weights_and_single_list() -> None:
    assert [u for u, _ in rrf([["a", "b"], ["b", "a"]], weights=[1.0, 0.1])] == ["a", "b"]
    assert [u for u, _ in rrf([["x"], ["y", "x"]])] == ["x", "y"]


def test_sentences_keep_article_references() -> None:
    assert sentences("Отпуск 28 дней по ст. 115 ТК РФ. Второе.") == [
        "Отпуск 28 дней по ст. 115 ТК РФ.",
        "Второе.",
    ]


def test_snippet_picks_the_relevant_sentence_and_is_short() -> None:
    text = "Первое про зарплату. Отпуск длится 28 дней. " + "Длинное предложение без смысла. " * 30
    result = snippet(text, stems("сколько дней отпуска"))
    assert result.startswith("Отпуск длится 28 дней.")
    assert len(result) <= 300
    assert len(truncate("слово " * 100)) <= 300

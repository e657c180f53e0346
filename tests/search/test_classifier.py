"""The article classifier, colloquial query expansion and the fourth (classifier) ranking in fusion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.backend import CLASSIFIED_RRF_K, CLASSIFIED_WEIGHTS, assemble
from search.classifier import ArticleClassifier, example_text
from search.documents import Document
from search.text import expand


def doc(unit: str, part: str, text: str, kind: str = "article", title: str = "") -> Document:
    return Document(
        id=f"{unit}/{part}/{abs(hash(text))}",
        unit=unit,
        kind=kind,
        part=part,
        title=title or unit,
        text=text,
        snippet_text=text,
        url=f"/kb/{unit}",
    )


TRAIN = [
    doc("leave", "title", "Ежегодный оплачиваемый отпуск"),
    doc("leave", "question", "Сколько дней отпуска положено в год?"),
    doc("leave", "question", "Не дают отпуск два года"),
    doc("pay", "title", "Задержка зарплаты"),
    doc("pay", "question", "Задерживают зарплату, что делать?"),
    doc("pay", "question", "Не платят зарплату второй месяц"),
    doc("night", "title", "Работа в ночное время"),
    doc("night", "question", "Сколько доплачивают за работу ночью?"),
    doc(
        "night",
        "passage",
        "Работа в ночное время. Ночным считается время с 22 до 6 часов.",
        title="Работа в ночное время",
    ),
    doc("item", "item", "Отпуска. Предоставляется ли отпуск?", kind="checklist"),
]


def vectors_for(documents: list[Document]) -> np.ndarray:
    # deterministic stand-in for dense vectors: one direction per unit, so the dense model is learnable
    units = sorted({d.unit for d in documents if d.kind == "article"})
    out = np.zeros((len(documents), 8), dtype=np.float32)
    for i, d in enumerate(documents):
        if d.unit in units:
            out[i, units.index(d.unit)] = 1.0
    return out


@pytest.fixture(scope="module")
def classifier() -> ArticleClassifier:
    model = ArticleClassifier.train(TRAIN, vectors_for(TRAIN))
    assert model is not None
    return model


def test_trains_on_article_documents_only(classifier: ArticleClassifier) -> None:
    assert classifier.units == ["leave", "night", "pay"]
    assert example_text(TRAIN[8]) == "Ночным считается время с 22 до 6 часов."


@pytest.mark.parametrize(
    ("query", "expected"),
    [("зарплату задержали", "pay"), ("отпуска не дают", "leave"), ("ночная смена", "night")],
)
def test_ranks_the_article_by_its_wording(classifier: ArticleClassifier, query: str, expected: str) -> None:
    scores = classifier.lexical_scores(query)
    assert scores is not None and classifier.units[int(np.argmax(scores))] == expected
    vector = np.zeros(8, dtype=np.float32)
    vector[classifier.units.index(expected)] = 1.0
    assert classifier.units[int(np.argmax(classifier.scores(query, vector)))] == expected


def test_dense_vector_counts(classifier: ArticleClassifier) -> None:
    vector = np.zeros(8, dtype=np.float32)
    vector[1] = 1.0  # the "night" direction
    assert classifier.lexical_scores("qqq") is None
    assert classifier.units[int(np.argmax(classifier.scores("qqq", vector)))] == "night"


def test_save_and_load_give_the_same_scores(classifier: ArticleClassifier, tmp_path: Path) -> None:
    classifier.save(tmp_path)
    loaded = ArticleClassifier.load(tmp_path)
    assert loaded is not None and loaded.units == classifier.units
    vector = np.full(8, 0.3, dtype=np.float32)
    np.testing.assert_allclose(
        loaded.scores("не платят зарплату", vector),
        classifier.scores("не платят зарплату", vector),
        atol=1e-2,
    )
    assert ArticleClassifier.load(tmp_path / "missing") is None


def test_two_articles_and_too_few() -> None:
    two = TRAIN[:6]
    model = ArticleClassifier.train(two, vectors_for(two))
    assert model is not None and model.coef.shape[1] == 2
    scores = model.lexical_scores("задержка зарплаты")
    assert scores is not None and model.units[int(np.argmax(scores))] == "pay"
    assert ArticleClassifier.train(TRAIN[:3], vectors_for(TRAIN[:3])) is None


def test_expand_appends_formal_wording() -> None:
    assert expand("задержали зп") == "задержали зп зарплата"
    assert "отпуск без сохранения заработной платы" in expand("взяла отпуск за свой счёт")
    assert "сверхурочная работа" in expand("Начальник заставляет перерабатывать")
    assert expand("Сколько дней отпуска положено") == "Сколько дней отпуска положено"
    assert expand("зп зп") == "зп зп зарплата"  # each expansion once


def test_classifier_ranking_in_fusion() -> None:
    leave, pay, item = TRAIN[0], TRAIN[3], TRAIN[9]
    dense = [(leave, 0.9), (item, 0.8), (pay, 0.7)]
    lexical = [(leave, 2.0), (pay, 1.0)]
    without = assemble("вопрос", lexical, dense, 5, 0.3)
    assert [h.id for h in without.hits] == ["leave", "pay", "item"]
    fused = assemble(
        "вопрос",
        lexical,
        dense,
        5,
        0.3,
        classified=[(pay, 3.0), (leave, 1.0)],
        rrf_k=CLASSIFIED_RRF_K,
        weights=CLASSIFIED_WEIGHTS,
    )
    # the classifier's first article wins; the dense ranking still brings the checklist item
    assert [h.id for h in fused.hits] == ["pay", "leave", "item"]
    # no answer is still decided by the dense side
    assert assemble("вопрос", lexical, [(leave, 0.1)], 5, 0.3, classified=[(pay, 3.0)]).no_answer

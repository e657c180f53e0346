"""Urgency rules (nlp/rules/urgency.yaml) and the combination with categories and facts."""

from __future__ import annotations

import pytest

from nlp.urgency import assess, rule_reason

DEATH = "гибель работника на производстве"
ACC = "несчастный случай на производстве"
POISON = "отравление на рабочем месте"
DANGER = "угроза жизни и здоровью работников"
MASS = "массовая невыплата заработной платы"


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Вчера на стройке погиб рабочий.", DEATH),
        ("Монтажник упал с лесов и получил перелом.", ACC),
        ("Коллеге оторвало палец на станке.", ACC),
        ("Несчастный случай скрыли.", ACC),
        ("Двое рабочих отравились парами краски.", POISON),
        ("Пахнет газом второй день, хозяин говорит работайте.", DANGER),
        ("Работаем на высоте без страховки.", DANGER),
        ("Это угроза жизни работников.", DANGER),
        ("Зарплату не платят два месяца.", None),
        ("Отпуск не дают.", None),
        ("Работа травмоопасная, но СИЗ выдают.", None),
        ("Угрожают увольнением.", None),
    ],
)
def test_rules(sentence: str, reason: str | None) -> None:
    assert rule_reason([sentence]) == reason


@pytest.mark.parametrize(
    ("sentences", "categories", "workers", "expected"),
    [
        (["Зарплату не платят."], ["wage_arrears"], 40, (True, MASS)),
        (["Зарплату не платят."], ["wage_arrears"], 3, (False, None)),
        (["Зарплату не платят всему коллективу."], ["wage_arrears"], None, (True, MASS)),
        (["Не платят зарплату бригаде."], ["occupational_safety"], 22, (True, MASS)),  # classifier missed it
        (["Что-то случилось."], ["workplace_accident"], None, (True, ACC)),
        (["Отравился салатом в ресторане."], ["out_of_scope"], None, (False, None)),
        (["Сосед по даче погиб."], ["out_of_scope"], None, (True, DEATH)),
        (["Не дают отпуск."], ["leave"], 50, (False, None)),
    ],
)
def test_assess(
    sentences: list[str], categories: list[str], workers: int | None, expected: tuple[bool, str | None]
) -> None:
    assert assess(sentences, categories, workers) == expected


def test_classifier_scores_count_below_the_decision_threshold() -> None:
    assert assess(
        ["Что-то случилось на складе."], ["occupational_safety"], None, {"workplace_accident": 0.3}
    ) == (
        True,
        ACC,
    )
    assert assess(
        ["Что-то случилось на складе."], ["occupational_safety"], None, {"workplace_accident": 0.1}
    ) == (
        False,
        None,
    )
    assert assess(["Задержка по расчёту."], ["dismissal"], 30, {"final_pay": 0.3}) == (True, MASS)

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


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        # everyday words for deaths and injuries
        ("у нас в цеху мужика не стало прямо у станка", DEATH),
        ("Моего мужа убило током на подстанции.", DEATH),
        ("одного откопали мертвым", DEATH),
        ("Повар обварилась кипятком из котла.", ACC),
        ("меня шибануло током от щитка", ACC),
        ("током ударило когда чинил розетку", ACC),
        ("Сварщику глаз повредило окалиной.", ACC),
        ("руку сломал на складе", ACC),
        ("парень свалился с лесов с четвертого этажа", ACC),
        ("рабочий упал с 9 этажа", ACC),
        ("его увезли в больницу", ACC),
        ("мастер отвёз в травмпункт", ACC),
        ("на пилораме парню отрезало два пальца циркуляркой", ACC),
        ("грузчику придавило ногу паллетой", ACC),
        ("коллегу на складе сбил погрузчик", ACC),
        ("Санитарка уколась иглой.", ACC),
        ("у двоих обморожения пальцев", ACC),
        ("у коллеги на смене случился инфаркт", ACC),
        ("произошёл взрыв в ремонтном боксе", ACC),
        ("рабочие траванулись краской в подвале", POISON),
        ("шахтёр задохнулся в забое", POISON),
        ("у девочек закружилась голова и стало плохо от паров краски", POISON),
        # immediate danger
        ("датчики загазованности отключены", DANGER),
        ("здание аварийное, а работать заставляют", DANGER),
        ("работаем с кислотой без перчаток и очков", DANGER),
        ("запасный выход заварен", DANGER),
        ("водители засыпают за рулём", DANGER),
        # not urgent
        ("Отец умер, а мне не дали отпуск на похороны.", None),
        ("Мёртвый сезон, нас отправили в простой.", None),
        ("Прошу проверить датчики учёта рабочего времени, они не работают.", None),
        ("Работаю фельдшером на скорой помощи, зарплату задерживают.", None),
        ("Я лежала в больнице с пневмонией, а меня уволили.", None),
        ("У водителя обнаружили алкоголь в крови и уволили.", None),
        ("Работаем без медицинской страховки.", None),
        ("Мы откачиваем воду из котлована вручную.", None),
    ],
)
def test_everyday_words(sentence: str, reason: str | None) -> None:
    assert rule_reason([sentence]) == reason


@pytest.mark.parametrize(
    ("sentences", "workers", "expected"),
    [
        (["Нам всем не платят зарплату с августа, весь цех сидит без денег."], None, (True, MASS)),
        (["Зп не платят всему заводу с весны."], None, (True, MASS)),
        (["Работники завода не получают зарплату три месяца."], None, (True, MASS)),
        (["Работники отдела не получают зарплату."], 3, (False, None)),  # a number below the minimum wins
        (["Мне не платят зарплату два месяца."], None, (False, None)),
    ],
)
def test_mass_arrears_without_a_number(
    sentences: list[str], workers: int | None, expected: tuple[bool, str | None]
) -> None:
    assert assess(sentences, ["wage_arrears"], workers) == expected


def test_out_of_scope_is_urgent_for_a_danger_only_at_a_workplace() -> None:
    assert assess(["Отравился салатом в ресторане."], ["out_of_scope"], None) == (False, None)
    assert assess(["В подъезде пахнет газом."], ["out_of_scope"], None) == (False, None)
    assert assess(["На складе пахнет газом, начальник велит работать."], ["out_of_scope"], None) == (
        True,
        DANGER,
    )

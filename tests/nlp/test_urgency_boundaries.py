"""Urgency rules for dangers told without the usual words (no harness, live wires in water, a drunk driver of
workers, worn brakes, a near miss next to the crew), mass arrears told in words, and the guards that keep staff
of an ICU, fire drills and accusations of drunkenness from being urgent."""

from __future__ import annotations

import pytest

from nlp.urgency import DANGER_REASON, assess, rule_reason

MASS = "массовая невыплата заработной платы"


@pytest.mark.parametrize(
    "sentence",
    [
        # work at height with no harness
        "Страховку монтажникам не выдают, лезем на опору как есть.",
        "Красим фермы под самой крышей, а пристегнуться не к чему.",
        "Пояса не дают, а работаем на кровле четвёртого этажа.",
        "На высоте двенадцати метров стоим, пояса нам так и не выдали.",
        # live wires in water
        "Кабель от сварочника брошен прямо через лужу.",
        "Работаем по колено в воде, а рядом насос на голом проводе.",
        # a drunk or worn-out transport of workers
        "Мастер с перегаром садится за руль и везёт нас на объект.",
        "Водитель нашей вахтовки пьяный через раз.",
        "У вахтовки стёрты колодки, на спусках её несёт.",
        "Ручник у автобуса не работает с весны.",
        # a near miss next to the crew
        "Пачка профлиста пролетела в паре метров от бригады.",
        # a tingling shock, pressure equipment, floors and roofs giving way, a driver nodding off
        "Кофемашину в цеху включаем в перчатках, её корпус щиплет током.",
        "Станок бьётся током, если коснуться станины.",
        "Манометр на котле уходит за красное, а топим дальше.",
        "Предохранительный клапан на ресивере заварен наглухо.",
        "Баллон с пропаном травит у вентиля уже неделю.",
        "В зернохранилище пол прогнил, грузчики ходят по доскам.",
        "Перекрытие над участком просело после снегопада.",
        "Наш водитель клюёт носом за рулём после суточной смены.",
    ],
)
def test_dangers_in_other_words(sentence: str) -> None:
    assert rule_reason([sentence]) == DANGER_REASON


@pytest.mark.parametrize(
    "sentence",
    [
        "Работаю медсестрой в реанимации, ночные не доплачивают.",
        "Я санитар ожогового отделения, отпуск перенесли без согласия.",
        "Пожарный инструктаж у нас провели задним числом.",
        "Учебная пожарная тревога была после смены, часы не оплатили.",
        "Меня уволили, якобы я был нетрезв за рулём.",
        "Каски не выдают на стройке.",  # labelled not urgent in train.jsonl: a missing helmet alone
        "Грузчикам поясов для спины не дают, таскаем мешки по 50 кг.",  # lifting belts, not height
        "Ждём премию за квартал.",
        "Ток в розетке есть, но розеток мало.",
        "Давление у меня скачет от нервов.",
        "Пол в раздевалке холодный, просим коврики.",
    ],
)
def test_not_dangers(sentence: str) -> None:
    assert rule_reason([sentence]) is None


@pytest.mark.parametrize(
    ("sentences", "workers"),
    [
        (["Всему нашему ДК не выплатили зарплату с лета."], None),
        (["Сторожам и уборщицам всего посёлка не платят полгода."], None),
        (["Зарплату не платят с марта, а нас там больше сорока."], None),
        (["Сорок с лишним грузчиков не получили зарплату за два месяца."], None),
        (["Задержали зарплату, а это более тридцати семей."], None),
        (["Швеи ждут денег за работу третий месяц, нас около ста."], None),
        (["Зарплату за ноябрь никому не перечислили."], None),
        (["Денег за осень так никто и не получил, задерживают всё."], None),
        (["Всё управление сидит без зарплаты второй месяц."], None),
        (["Коллектив котельной работает бесплатно с лета, зарплату не платят."], None),
    ],
)
def test_mass_arrears_in_words(sentences: list[str], workers: int | None) -> None:
    assert assess(sentences, ["wage_arrears"], workers) == (True, MASS)


@pytest.mark.parametrize(
    "sentences",
    [
        ["Зарплату задерживают мне и ещё двум коллегам."],
        ["Работникам не платят надбавку за вредность."],  # an allowance, not arrears of the staff
        ["Денег на ремонт посёлка у администрации нет."],
    ],
)
def test_not_mass_arrears(sentences: list[str]) -> None:
    assert assess(sentences, ["wage_arrears"], None) == (False, None)


def test_out_of_scope_mass_arrears_told_as_money_for_work() -> None:
    # the classifier may read «деньги за работу» as a private debt; the whole staff unpaid stays urgent
    text = ["Пятьдесят с лишним рабочих ждут денег за работу с лета."]
    assert assess(text, ["out_of_scope"], 50) == (True, MASS)
    # a private debt with no staff is not
    assert assess(["Сосед ждёт денег за работу по ремонту крыши."], ["out_of_scope"], None) == (False, None)

"""Follow-ups from the blind challenge set: surnames read as towns, trips of others, shift patterns read as
people, a subset named after the total; forwarded e-mails; the out_of_scope urgency policy."""

from __future__ import annotations

import pytest

from nlp import Analyzer
from nlp import facts as F
from nlp.clean import clean
from nlp.regions import find_places, resolve
from nlp.urgency import ACCIDENT_REASON, assess, rules

DEATH = rules().rules[0].reason


@pytest.mark.parametrize(
    ("text", "region"),
    [
        # a surname in a case form is not the town
        ("Сварщика Иванова уволили без расчёта.", None),
        ("сварщика Иванова уволили без расчёта", None),
        ("Мастер Иванова заставляет работать в выходные.", None),
        ("Водителю Королёву не заплатили.", None),
        ("Уволили И. Иванова, а Петра Иванова оставили.", None),
        ("Директор Иванова Мария не платит.", None),
        # … while the town stays a town
        ("Работаю в Иваново, зарплату не платят.", "Ивановская область"),
        ("Приехал из Иванова, работаю на стройке.", "Ивановская область"),
        ("г. Иваново, не платят зарплату", "Ивановская область"),
        ("Жителей Иванова не берут на работу.", "Ивановская область"),
        ("ООО «Ромашка», Иваново. Не платят.", "Ивановская область"),
    ],
)
def test_surnames_are_not_towns(text: str, region: str | None) -> None:
    assert resolve(find_places(text), text) == region


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Работаю на складе в Туле. Начальство уехало в Москву и трубку не берёт.", "Тульская область"),
        ("Склад в Калуге, зарплату не платят, директор уехал в Москву.", "Калужская область"),
        ("Нас отправили в Казань на обучение, а цех в Ульяновске стоит.", "Ульяновская область"),
        ("Мастер улетел в Сочи, а нам в Омске не платят.", "Омская область"),
        ("Бухгалтер уехала в командировку в Москву, зарплату в Твери задерживают.", "Тверская область"),
        # a trip alone still names the only place there is
        ("Начальство уехало в Москву, зарплату не платят.", "Москва"),
        # the writer's own work trip is where the work is
        ("Работаю в Москве вахтой, не платят.", "Москва"),
    ],
)
def test_trips_of_others_are_weak_mentions(text: str, region: str | None) -> None:
    assert resolve(find_places(text), text) == region


@pytest.mark.parametrize(
    ("text", "workers"),
    [
        ("У нас график сутки через двое, зарплату не платят.", None),
        ("Работаю сутки через трое охранником, не платят.", None),
        ("график два через два, по 12 часов", None),
        ("график 2 через 2, нас 15 человек, не платят", 15),
        ("неделя через неделю, вахта, не платят", None),
        ("смена через две, а платят как за одну", None),
        ("работаем сутки через двое, нас трое охранников, не платят", 3),
        # a subset named after the total
        ("Нас 45, из них 12 не платят зарплату.", 12),
        ("В бригаде 20 человек, из них 8 не получили расчёт.", 8),
        ("Нас 45 человек, из которых 12 работают без договора.", 12),
        ("нас сорок человек, из них двенадцати не платят", 12),
        ("Зарплата 25 тыс. на руки, из них 10 в конверте. Нас 30 человек.", 30),
    ],
)
def test_shift_patterns_and_subsets(text: str, workers: int | None) -> None:
    assert F.extract_workers(text) == workers


FORWARDED = """Добрый день.
Пересылаю переписку с работодателем.

---------- Forwarded message ---------
От: Бухгалтерия ООО "ЭкоПродукт" <buh@ecoprod-nn.ru>
Дата: 12 нояб. 2025 г.
Тема: Re: Выплата
Кому: grishina@mail.ru
> Оксана Валерьевна, выплата будет после поступления средств.

Я не получаю зарплату с августа, долг 126 000 руб. Место работы — Нижний Новгород.
С уважением, О.В. Гришина"""

FORWARDED_RU = """Прошу разобраться.
-------- Пересылаемое сообщение --------
12.11.2025, 10:14, "Отдел кадров" <hr@example.ru>:
From: hr@example.ru
Subject: Отпуск
> Отпуск не согласован.
--------  Конец пересылаемого сообщения --------

Отпуск мне не дают третий год, график не составляют."""


def test_forwarded_message_keeps_the_writers_text_after_it() -> None:
    cleaned = clean(FORWARDED)
    assert len(cleaned.facts_text) == len(cleaned.body_text) == len(FORWARDED)
    # «Пересылаю переписку»: the writer points to the quoted reply, so it is read (its > mark is not)
    assert "выплата будет после поступления средств" in cleaned.body_text
    assert "> Оксана" not in cleaned.body_text
    assert "Forwarded message" not in cleaned.body_text
    assert "Тема: Re: Выплата" not in cleaned.body_text  # the header block is not the writer's text
    assert "Кому:" not in cleaned.body_text
    assert "долг 126 000 руб." in cleaned.body_text  # the writer's own text after the forwarded block
    assert "Нижний Новгород" in cleaned.body_text
    assert "Пересылаю переписку" in cleaned.body_text
    assert "О.В. Гришина" not in cleaned.body_text  # the signature is still cut
    assert 'ООО "ЭкоПродукт"' in cleaned.facts_text  # the sender still feeds the facts


def test_forwarded_message_in_russian() -> None:
    cleaned = clean(FORWARDED_RU)
    assert "Отпуск мне не дают" in cleaned.body_text
    assert "Прошу разобраться" in cleaned.body_text
    assert "Пересылаемое сообщение" not in cleaned.body_text
    assert "Отпуск не согласован" not in cleaned.body_text
    assert "Subject" not in cleaned.body_text


def test_reply_headers_still_blank_the_rest() -> None:
    reply = "Прошу проверить.\n-----Original Message-----\nFrom: hr@x.ru\nSent: вчера\nРасчёт будет в ноябре."
    assert "Расчёт будет" not in clean(reply).body_text
    reply = "Прошу проверить.\n\nИван пишет:\nРасчёт будет в ноябре."
    assert "Расчёт будет" not in clean(reply).body_text


def test_forwarded_complaint_facts(analyzer: Analyzer) -> None:
    a = analyzer.analyze(FORWARDED)
    assert a.facts.region == "Нижегородская область"
    assert a.facts.amounts == [126000.0]
    assert "wage_arrears" in a.categories


@pytest.mark.parametrize(
    "sentences",
    [
        ["Собака умерла у ветеринара, требую наказать клинику."],
        ["У соседа в гараже взорвался баллон, сосед погиб."],
        ["Сосед по даче погиб."],
        ["Бабушка упала в подъезде и сломала ногу, УК не чистит лёд."],
    ],
)
def test_out_of_scope_is_not_urgent_for_deaths_outside_work(sentences: list[str]) -> None:
    assert assess(sentences, ["out_of_scope"], None) == (False, None)


def test_out_of_scope_is_urgent_for_a_death_at_work() -> None:
    sents = ["На складе погиб грузчик, а нас отправили в полицию."]
    assert assess(sents, ["out_of_scope"], None) == (True, DEATH)
    sents = ["Хочу пожаловаться на полицию.", "На складе погиб грузчик, а нас отправили в полицию."]
    assert assess(sents, ["out_of_scope"], None) == (True, DEATH)
    # the first death is at home, the second at work: the second counts
    sents = ["Сосед погиб в аварии.", "А у нас на заводе рабочего придавило прессом."]
    assert assess(sents, ["out_of_scope"], None)[0]
    # labour complaints keep the old policy
    assert assess(["Погиб грузчик."], ["occupational_safety"], None) == (True, DEATH)


def test_out_of_scope_death_at_work_end_to_end(analyzer: Analyzer) -> None:
    a = analyzer.analyze("На складе погиб грузчик, а нас отправили в полицию.")
    assert a.urgent
    a = analyzer.analyze("Собака умерла у ветеринара, требую наказать клинику и вернуть деньги.")
    assert not a.urgent
    assert ACCIDENT_REASON  # imported for readers: the accident reason used above


def test_urgent_danger_at_work_is_a_labour_matter_even_amid_out_of_scope_words(analyzer: Analyzer) -> None:
    # police and a district officer make the complaint read as out_of_scope; the accident at work is urgent
    # and belongs to the inspection
    a = analyzer.analyze(
        "Хочу пожаловаться на полицию: у нас на заводе рабочего придавило прессом, а участковый не приехал."
    )
    assert a.urgent
    assert a.categories == ["workplace_accident"]
    assert [p.category for p in a.problems] == ["workplace_accident"]
    # outside work nothing changes
    a = analyzer.analyze("Собака умерла у ветеринара, требую наказать клинику и вернуть деньги.")
    assert a.categories == ["out_of_scope"] and not a.urgent


@pytest.mark.parametrize(
    ("sentences", "urgent"),
    [
        (["На шахте погиб горняк, а в полиции не принимают заявление."], True),
        (["Отца придавило деревом на лесозаготовке, страховая не платит."], True),
        (["Врач не оказал помощь, мама умерла в приёмном покое."], False),
        (["Водитель маршрутки сбил маму, она погибла."], False),
        (["Сосед погиб, рабочий день у нас до шести."], False),
    ],
)
def test_out_of_scope_workplace_test(sentences: list[str], urgent: bool) -> None:
    assert assess(sentences, ["out_of_scope"], None)[0] is urgent


def test_out_of_scope_is_decided_by_the_complaint_head() -> None:
    import numpy as np

    from nlp.classify import decide

    fused = np.array([0.6, 0.1, 0.5])  # labour, labour, out_of_scope: the fused score says labour …
    doc = np.array([0.3, 0.1, 0.7])  # … the complaint head says out_of_scope
    assert decide(fused, 0.35, 2) == [0]
    assert decide(fused, 0.35, 2, 0.0, doc) == [2]
    assert decide(np.array([0.4, 0.1, 0.6]), 0.35, 2, 0.0, np.array([0.6, 0.1, 0.3])) == [0]
    # with `fused_agrees` the fused scores must say out_of_scope too
    assert decide(fused, 0.35, 2, 0.0, doc, fused_agrees=True) == [0]
    assert decide(np.array([0.3, 0.1, 0.5]), 0.35, 2, 0.0, doc, fused_agrees=True) == [2]


def test_out_of_scope_urgency_reads_the_sentence_before() -> None:
    sents = ["Пишу про сына: работает курьером, самозанятый.", "Сбила машина, лечится, ничего не платят."]
    assert assess(sents, ["out_of_scope"], None)[0]
    sents = ["Пишу про сына.", "Сбила машина, лечится, страховая ничего не платит."]
    assert not assess(sents, ["out_of_scope"], None)[0]


def test_one_clear_labour_sentence_keeps_a_complaint_labour() -> None:
    # the complaint head reads out_of_scope (a letter about a landlord and a clinic) but one sentence is a
    # clear wage grievance: with an override that sentence keeps it labour, below the override it does not
    import numpy as np

    from nlp.classify import decide

    fused = np.array([0.45, 0.05, 0.7])
    doc = np.array([0.1, 0.02, 0.95])
    sent = np.array([0.93, 0.05, 0.6])
    assert decide(fused, 0.4, 2, 0.0, doc) == [2]
    assert decide(fused, 0.4, 2, 0.0, doc, sent, None) == [2]
    assert decide(fused, 0.4, 2, 0.0, doc, sent, 0.9) == [0]
    assert decide(fused, 0.4, 2, 0.0, doc, sent, 0.95) == [2]

"""Cleaning keeps offsets; quoted replies and signatures are removed; sentences and clauses split."""

from __future__ import annotations

import pytest

from nlp.clean import clean, normalise
from nlp.split import sentences

EMAIL = """Добрый день!\r
Зарплату не платят 3 месяца; кроме того, отпуск не дают. Также заставляют работать в выходные.

С уважением,
Иван Петров
+7 916 123-45-67
Отправлено с iPhone

15.10.2025, 10:00, "ГИТ" <git@rostrud.ru> пишет:
> Ваше обращение получено.
> Ответ будет дан в срок."""

FORWARD = """Пересылаю ответ работодателя, прошу проверить.
-----Original Message-----
From: hr@example.ru
Sent: Monday, October 20, 2025 10:14 AM
Subject: RE: расчет
Расчёт будет в ноябре."""


def test_same_length_and_offsets() -> None:
    cleaned = clean(EMAIL)
    assert len(cleaned.facts_text) == len(cleaned.body_text) == len(EMAIL)
    for sent in sentences(cleaned.body_text):
        assert EMAIL[sent.start : sent.end] == sent.text


def test_quoted_reply_and_signature_removed() -> None:
    cleaned = clean(EMAIL)
    assert "Ваше обращение" not in cleaned.facts_text
    assert "iPhone" not in cleaned.facts_text
    assert "Иван Петров" in cleaned.facts_text  # the signature still feeds the facts …
    assert "Иван Петров" not in cleaned.body_text  # … but not the problems
    assert "Зарплату не платят" in cleaned.body_text


def test_forwarded_message_the_writer_points_to_is_read() -> None:
    # «Пересылаю ответ работодателя»: the forward is part of the complaint, its header lines are not
    cleaned = clean(FORWARD)
    assert "Расчёт будет в ноябре" in cleaned.body_text
    assert "прошу проверить" in cleaned.body_text
    assert "hr@example.ru" in cleaned.facts_text and "hr@example.ru" not in cleaned.body_text


def test_quoted_letter_the_writer_points_to_is_read() -> None:
    text = (
        "Прошу принять жалобу, ниже моё заявление директору.\n\n> От: Петров И.\n> Кому: ООО «Бета»\n>\n"
        "> Прошу выдать трудовую книжку, при увольнении её не вернули.\n"
    )
    cleaned = clean(text)
    assert "Прошу выдать трудовую книжку" in cleaned.body_text
    assert ">" not in cleaned.body_text and "Кому" not in cleaned.body_text
    assert len(cleaned.body_text) == len(text)
    # with no pointer to it, a quote is an earlier letter of someone else and stays out
    assert "трудовую книжку" not in clean("Прошу принять жалобу.\n> Прошу выдать трудовую книжку.").body_text


def test_a_message_that_is_only_a_quote_is_kept() -> None:
    assert "Зарплату" in clean("> Зарплату не платят.\n> Помогите.").body_text
    assert "Зарплату" in clean("Иван пишет:\nЗарплату не платят.").body_text  # a header at the very top
    assert "Зарплату" not in clean("Помогите!\n> Зарплату не платят.").body_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("„кавычки“ и “ещё”", '"кавычки" и "ещё"'),
        ("a\u00a0b\tc", "a b c"),
        ("долг — 5 000", "долг - 5 000"),
        ("x\x00y", "x y"),
    ],
)
def test_normalise_keeps_length(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
    assert len(normalise(raw)) == len(raw)


def test_sentences_and_clauses() -> None:
    text = "Здравствуйте!\nЗарплату не платят 3 месяца; кроме того, отпуск не дают. Также заставляют работать в выходные."
    assert [s.text for s in sentences(text)] == [
        "Здравствуйте!",
        "Зарплату не платят 3 месяца;",
        "кроме того, отпуск не дают.",
        "Также заставляют работать в выходные.",
    ]


def test_list_items_split() -> None:
    text = "Нарушения:\n1) не платят зарплату\n2) не дают отпуск"
    pieces = sentences(text)
    assert [p.text for p in pieces] == ["Нарушения:", "1) не платят зарплату", "2) не дают отпуск"]
    assert all(text[p.start : p.end] == p.text for p in pieces)


def test_long_sentence_is_cut() -> None:
    text = ", ".join(["не платят зарплату"] * 100) + "."
    pieces = sentences(text)
    assert len(pieces) > 1
    assert all(len(p.text) <= 600 for p in pieces)


def test_forward_headers_of_other_mail_clients_do_not_hide_the_message() -> None:
    # Telegram and some mail clients write «Пересланное сообщение», Apple Mail «Начало пересылаемого
    # сообщения:»; read as a reply header, the «От: … Дата: …» lines under them blanked the whole complaint
    for marker in ("-------- Пересланное сообщение --------", "Начало пересылаемого сообщения:"):
        text = (
            f"{marker}\nОт: Прокопьев Станислав\nДата: Вт, 22 апр. 2025, 07:56\nТема: зарплата\n\n"
            "Зарплата за март не выплачена всей бригаде - 23 человека.\n"
        )
        cleaned = clean(text)
        assert "Зарплата за март не выплачена" in cleaned.body_text, marker
        assert marker not in cleaned.facts_text and "Прокопьев" not in cleaned.body_text


def test_a_reply_written_below_the_quote_is_read() -> None:
    text = (
        "Тема: Re: когда оформите\n\n> 3 марта 2025 г., 20:14, Виктор Николаевич написал:\n"
        "> Оформлять не будем, у нас все так работают.\n\n"
        "Здравствуйте. Выше - ответ хозяина автомойки в Симферополе. Зарплату за февраль не заплатили.\n"
    )
    cleaned = clean(text)
    assert "Зарплату за февраль не заплатили" in cleaned.body_text
    assert "Оформлять не будем" not in cleaned.body_text and "написал" not in cleaned.facts_text
    bottom = "Иван пишет:\n> Когда зарплата?\n\nЗарплату не платят третий месяц.\n"
    assert "Зарплату не платят" in clean(bottom).body_text and "Когда зарплата" not in clean(bottom).body_text
    # written above an unmarked quote, the text below the header is still someone else's
    top = "Зарплату не платят.\n\nБухгалтерия пишет:\nЗарплата будет, ждите.\n"
    assert "ждите" not in clean(top).body_text and "Зарплату не платят" in clean(top).body_text


@pytest.mark.parametrize(
    "pointer",
    ["Направляем письмо, которое работники отправили директору.", "Дублирую вопрос.", "Вот ответ директора."],
)
def test_a_letter_the_writer_sends_on_is_read(pointer: str) -> None:
    text = (
        f"{pointer}\n\nОт: Работники <rabotniki@mail.ru>\nОтправлено: 3 марта 2025 г. 8:40\nКому: dir@firm.ru\n"
        "Тема: Зарплата\n\nМы, 48 человек, не получаем зарплату с октября.\n"
    )
    cleaned = clean(text)
    assert "не получаем зарплату" in cleaned.body_text
    assert "rabotniki@mail.ru" in cleaned.facts_text and "Отправлено" not in cleaned.body_text


def test_mail_clients_reply_headers_without_a_verb() -> None:
    # Gmail and Mail.ru in Russian end the header with the sender's address, not with «пишет:»
    gmail = (
        "Добрый день.\n\nвт, 26 мар. 2024 г. в 16:05, Бухгалтер <buh.dashieva@gmail.com>:\n"
        "> Баир, компенсацию за отпуск не начисляем.\n\nЭто бухгалтер моего бывшего работодателя.\n"
    )
    cleaned = clean(gmail)
    assert "Это бухгалтер" in cleaned.body_text and "компенсацию" not in cleaned.body_text
    assert "buh.dashieva" not in cleaned.facts_text
    mail_ru = (
        "Здравствуйте, перешлю вам наше письмо директору.\n\n"
        "Понедельник, 19 февраля 2024, 8:05 +07:00 от Сварщики <svarka@mail.ru>:\n"
        "Просим выдать спецодежду, работаем в своём.\n"
    )
    assert "Просим выдать спецодежду" in clean(mail_ru).body_text  # «перешлю» points to it
    assert "спецодежду" not in clean(mail_ru.replace("перешлю вам", "вот")).body_text

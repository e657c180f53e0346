"""Questions from the employer's side are out_of_scope; a worker's grievance stays labour."""

from __future__ import annotations

import pytest

from nlp import Analyzer
from nlp.scope import employer_question


@pytest.mark.parametrize(
    "text",
    [
        "Я ИП, у меня кафе. Официантка второй раз с недостачей. Как мне её правильно уволить?",
        "я ип, могу ли я удержать из зарплаты продавца недостачу 8 тыс?",
        "Я директор ООО «Волжский терминал». Кладовщик на больничном, а фото из Турции. Можем ли мы его уволить?",
        "добрый день у меня фермерское хозяйство, как оформить сборщиков ягод на два месяца?",
        # a personnel officer or the firm's lawyer, and «можно ли / нужно ли» with what to do
        "АО «Хладокомбинат», отдел кадров. Водитель пришёл с запахом алкоголя. Можно ли уволить без "
        "освидетельствования? Мартынова Е.О., начальник ОК",
        "Пишу от имени АО «Энергосбыт». Водитель ездил на служебной машине. Нужно ли его согласие на удержание?",
        "Я директор ООО «Текстиль». Швея не выходит третью неделю. Можно ли уволить за прогул?",
        "я ИП, у меня сотрудница заболела прямо в отпуске. Отпуск продлевать или переносить?",
        "У нас в ООО работница в декрете, хотим сократить её должность. Как это правильно оформить? Олег, директор",
    ],
)
def test_employer_asking_what_to_do(text: str) -> None:
    assert employer_question(text)


@pytest.mark.parametrize(
    "text",
    [
        # workers, a foreman, a union representative: their own employer is the problem
        "Я бригадир, моим работникам не платят зарплату уже 2 месяца, подскажите куда обращаться",
        "Я председатель профкома, нашим работникам не платят, законно ли это?",
        "я директор школы, учителям третий месяц не платят зарплату, как быть",
        "я ип, работаю курьером на озоне по договору, могу ли я требовать оформления?",
        "я юрисконсульт, нам не платят зарплату третий месяц, можно ли взыскать проценты?",
        "Я мастер, нам хотят сократить премии, законно ли это?",
        "Нас хотят уволить, а директор говорит: платить или не платить, решает он.",
        "Работодатель ИП Иванов не платит. Могу ли я уволиться без отработки?",
        # an employer who asks nothing
        "Я ИП, у меня магазин, налоговая заблокировала счёт.",
    ],
)
def test_not_an_employer_question(text: str) -> None:
    assert not employer_question(text)


def test_the_pipeline_keeps_employers_questions_out_and_their_accidents_in(analyzer: Analyzer) -> None:
    question = (
        "Здравствуйте. Я индивидуальный предприниматель, у меня небольшая пекарня в Рязани, трое сотрудников. "
        "Продавец написала заявление по собственному и перестала выходить, две недели не отработала. "
        "Могу ли я не выплачивать ей расчёт за последний месяц, около 27 000 рублей?"
    )
    assert analyzer.analyze(question).categories == ["out_of_scope"]
    accident = (
        "Я ИП, у меня пекарня в Рязани. Вчера тестомес затянул руку нашему пекарю, его увезли на скорой, "
        "пальцы не спасли. Как мне правильно оформить несчастный случай?"
    )
    analysis = analyzer.analyze(accident)
    assert analysis.urgent and analysis.categories != ["out_of_scope"]


def test_an_employers_headcount_is_not_mass_arrears(analyzer: Analyzer) -> None:
    # «у нас 12 работников» with a sick note: the mass-arrears rule must not keep the employer's question labour
    question = (
        "Добрый день. Я директор ООО «Липецкая кровля», у нас 12 работников. Один кровельщик за полгода принёс "
        "пять больничных, все по 5–7 дней и всё из одной частной клиники. Можем ли мы как работодатель проверить "
        "больничный или не оплачивать его? И можно ли его за это уволить?"
    )
    analysis = analyzer.analyze(question)
    assert analysis.categories == ["out_of_scope"]
    assert not analysis.urgent

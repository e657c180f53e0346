"""Pattern extractors: money, INN, workers, organisations, persons, dates, phones, e-mails."""

from __future__ import annotations

import pytest

from nlp import facts as F
from nlp.evaluate import organisation_key


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        # a number with a thousands separator in a sentence about money is money without «рублей»
        ("в этом месяце мне вместо 26 000 выдали 17 400", [26000.0, 17400.0]),
        ("покупатель попросил посмотреть телефон за 89 990 и убежал", [89990.0]),
        ("оценка ущерба 186 000, страховая предлагает 54 000", [186000.0, 54000.0]),
        ("с выплаты срезали 4 200 штрафов", [4200.0]),
        ("из 62 000 остаётся оклад 34 000", [62000.0, 34000.0]),
        ("он должен мне 41 000 за последние два месяца", [41000.0]),
        # … but not a count, a phone or a sentence that is not about money
        ("план 1 500 звонков в день, зарплату не платят", []),
        ("продали 1 200 новых карт, а премию не дали", []),
        ("на заводе 1 200 человек, зарплату задерживают", []),
        ("зарплату не платят, звоните 8 912 345 67 89", []),
        ("телефон для связи +7 927 614-22-08, долг не вернули", []),
        ("в посёлке живёт 12 000 жителей", []),
        # a number without a separator: after «за», after a money word, as a difference, «рублей 300»
        ("заказала пылесос за 8900 пришел битый", [8900.0]),
        ("подала на вычет, до сих пор не вернули 15600", [15600.0]),
        ("кто не выходит тому штраф 2000", [2000.0]),
        ("пенсию пересчитали и стало на 1200 меньше", [1200.0]),
        ("почтальон недодает рублей 300", [300.0]),
        # … but not a year, a house, an order or a count
        ("зарплату не платят с 2024 года", []),
        ("задолженность по зарплате, заказ 4512 не оплачен", []),
        ("зарплату не платят, живу в доме 1234", []),
        ("за 2023 премию не выплатили", []),
        ("план 3000 звонков, зарплату режут", []),
        # a bare number after «осталось / вычли / то» shares the thousands of the amount before it
        ("из 40 тысяч осталось 11", [40000.0, 11000.0]),
        ("из 38 тысяч вычли 14 за недостачу", [38000.0, 14000.0]),
        ("недостача то 3 тысячи то 7", [3000.0, 7000.0]),
    ],
)
def test_amounts_without_currency(text: str, amounts: list[float]) -> None:
    assert F.extract_amounts(text) == amounts


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("долг 85 000 рублей", [85000.0]),
        ("премия 210 тыс. руб. не выплачена", [210000.0]),
        ("задолженность 3 миллиона", [3000000.0]),
        ("должны 40 тыс", [40000.0]),
        ("96 400,50 руб.", [96400.5]),
        ("оклад 45000р, а платят 30 000 ₽", [45000.0, 30000.0]),
        ("1,5 млн рублей", [1500000.0]),
        ("зарплата 25 тысяч", [25000.0]),
        ("в городе 40 тысяч человек", []),
        ("работаю 3 года, нас 40 человек", []),
        ("с 15 сентября 2025 года", []),
    ],
)
def test_amounts(text: str, amounts: list[float]) -> None:
    assert F.extract_amounts(text) == amounts


@pytest.mark.parametrize(
    ("text", "valid", "invalid"),
    [
        ("ООО «Ромашка», ИНН 7707083893.", ["7707083893"], []),
        ("ИНН: 7707083894", [], ["7707083894"]),
        ("ИНН работодателя 500100732259", ["500100732259"], []),
        ("ИНН 500100732258", [], ["500100732258"]),
        ("организация 7736207543 не платит", ["7736207543"], []),  # checksum-valid without the keyword
        ("номер 1234567890", [], []),  # invalid and not called an ИНН: not a fact at all
        ("тел. 9161234567", [], []),
        ("ИНН 7707083893, КПП 773601001", ["7707083893"], []),
        ("ОГРН 1027700132195", [], []),
    ],
)
def test_inns(text: str, valid: list[str], invalid: list[str]) -> None:
    found_valid, found_invalid = F.extract_inns(text)
    assert found_valid == valid
    assert found_invalid == invalid
    assert all(F.validate_inn(inn) for inn in found_valid)


def test_ogrns() -> None:
    assert F.extract_ogrns("ОГРН 1027700132195, ОГРНИП 304500116000157, ОГРН 1027700132196") == [
        "1027700132195",
        "304500116000157",
    ]


@pytest.mark.parametrize(
    ("text", "workers"),
    [
        ("Нас 40 человек, всем не платят.", 40),
        ("Коллектив 120 человек.", 120),
        ("нас в цехе 14 человек", 14),
        ("Зарплату не получают 25 сотрудников.", 25),
        ("нас около 200 работников", 200),
        ("Я работаю один.", None),
        ("Мне 40 лет.", None),
        # numbers in words, when no number in digits is found
        ("Мы, сорок водителей автоколонны, не получили зарплату.", 40),
        ("а нас там человек семьдесят, никому не выплатили", 70),
        ("Нас тридцать с лишним человек, второй месяц без зарплаты.", 30),
        ("сто двадцать пять работников не получают зарплату", 125),
        ("нас на автомойке шестеро мойщиков", 6),
        ("Работаю здесь двадцать лет.", None),
        ("Нас 12 человек, а всего на заводе сто работников.", 12),
    ],
)
def test_workers(text: str, workers: int | None) -> None:
    assert F.extract_workers(text) == workers


def test_numerals_to_digits() -> None:
    assert F.numerals_to_digits("сто двадцать пять и двадцать два") == "125 и 22"
    assert F.numerals_to_digits("трёх сотрудников, под сотню человек") == "3 сотрудников, под 100 человек"
    assert F.numerals_to_digits("семью кормить") == "семью кормить"  # «семью» is a family, not seven


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("Работаю в ООО «Ромашка».", ["ООО «Ромашка»"]),
        ('АО "Тандер" не платит', ['АО "Тандер"']),
        ("ПАО «Сбербанк» и ИП Петров А.А.", ["ПАО «Сбербанк»", "ИП Петров А.А."]),
        ('работаю в кафе "Уют" официанткой', ['кафе "Уют"']),
        ('прошу проверить ооо "агроинвест" кургаская обл', ['ооо "агроинвест"']),
        ("ооо агрокомплекс заречный, нас 120", ["ооо агрокомплекс заречный"]),
        ("МБОУ СОШ №3 г. Камышин", ["МБОУ СОШ №3"]),
        ("ИП Сидорова Анна Викторовна", ["ИП Сидорова Анна Викторовна"]),
        ("Общество с ограниченной ответственностью «Вектор»", ["ООО «Вектор»"]),
        ("МБОУ «Школа № 5»", ["МБОУ «Школа № 5»"]),
        # a business noun is given in the nominative, so two complaints name the employer the same way
        ("работаю кассиром в магазине «Продукты 24»", ["магазин «Продукты 24»"]),
        ("в управляющей компании «Городской дом» не платят", ["управляющая компания «Городской дом»"]),
        ("воспитатель в детском саду «Берёзка»", ["детский сад «Берёзка»"]),
        ('Ресторана "Сакура" повар', ['Ресторан "Сакура"']),
        ("в медицинском центре «Доктор плюс»", ["медицинский центр «Доктор плюс»"]),
        ("охранником в торговом центре «Мега»", []),  # a mall is where one works, not the employer
        ("в колхозе «Заветы Ильича»", ["колхоз «Заветы Ильича»"]),
        # typed in lower case without quotes: the name ends where a word cannot be part of it
        ("работаю кладовщиком в ооо сибирь логистик уже третий год", ["ооо сибирь логистик"]),
        ("работал в ооо стройкомплекс-енисей монтажником до осени", ["ооо стройкомплекс-енисей"]),
        ("собеседование в ооо кубань агро холдинг на должность", ["ооо кубань агро холдинг"]),
        ("воспитателем в садике ооо солнышко иркутск", ["ооо солнышко"]),
        ("работодатель ип исаев не подтвердил", ["ип исаев"]),
        ("уволилась из аптеки ип соколова н.м. в мае", ["ип соколова н.м."]),
        ("в автосервисе у меня ип слесарь опять пьяный", []),
        ("здравствуйте я ип у меня магазин", []),
    ],
)
def test_org_patterns(text: str, orgs: list[str]) -> None:
    assert [name for _, _, name in F.org_spans(text)] == orgs


@pytest.mark.parametrize(
    ("gold", "found"),
    [
        ('банке "Открытие"', "банк «Открытие»"),
        ("ресторане «Гусь»", 'Ресторан "Гусь"'),
        ("ООО «Ромашка»", "ооо ромашка"),
        ("«Автодизель»", "завод «Автодизель»"),
        ("управляющей компании «Жилсервис»", "«Жилсервис»"),
    ],
)
def test_evaluation_compares_organisations_by_dictionary_form(gold: str, found: str) -> None:
    # the words outside the quotes compare in their dictionary form, a business noun before a quoted name is
    # optional; the quoted name compares as written
    assert organisation_key(gold) == organisation_key(found)
    assert organisation_key("банк «Открытие»") != organisation_key("банк «Открытия»")
    assert organisation_key("ООО «Ромашка»") != organisation_key("«Ромашка»")


@pytest.mark.parametrize(
    ("text", "brands"),
    [
        ("в пятерочке не платят", ["Пятёрочка"]),
        ("работаю курьером на Озоне", ["Ozon"]),
        ("уволили из вайлдберриз без расчёта", ["Wildberries"]),
        ("водитель Яндекс Такси", ["Яндекс"]),
        ("работаю в Ленте кассиром", ["Лента"]),
        ("в «Ленте» не платят", ["Лента"]),
        # an alias that is an ordinary word counts only capitalised, and not at the start of a sentence
        ("лента конвейера порвалась", []),
        ("Лента конвейера порвалась.", []),
        ("купил магнит на холодильник", []),
    ],
)
def test_well_known_employers_without_quotes(text: str, brands: list[str]) -> None:
    assert [name for _, _, name in F.brand_spans(text)] == brands


def test_a_brand_already_named_is_not_repeated() -> None:
    from nlp import Analyzer

    facts = Analyzer.default().analyze("Работаю в «Пятёрочке» на Ленина, в пятёрочке нам не платят.").facts
    assert [o for o in facts.organizations if "ятёрочк" in o or "ятерочк" in o] == ["«Пятёрочке»"]
    assert organisation_key("вайлдберриз") == organisation_key("Wildberries")


def test_quoted_names_skip_phrases() -> None:
    names = [
        n
        for _, _, n in F.quoted_names(
            'Работаю в «Пятёрочке», уволили «по собственному желанию», ЖК "Северный".'
        )
    ]
    assert names == ["«Пятёрочке»"]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("Директор Иванов Пётр Сергеевич не платит.", ["Иванов Пётр Сергеевич"]),
        ("Начальник Сидорова А.Б. кричит", ["Сидорова А.Б."]),
        ("мастер И.И. Петров", ["И.И. Петров"]),
        ("Мастер Анна Петровна сказала", ["Анна Петровна"]),
        ("Трудовой кодекс Российской Федерации", []),
    ],
)
def test_persons(text: str, persons: list[str]) -> None:
    assert [name for _, _, name in F.person_spans(text)] == persons


def test_dates_iso() -> None:
    assert F.extract_dates("С 15 сентября 2025 года, приказ от 01.10.2025, в марте 2024 года") == [
        "2025-09-15",
        "2025-10-01",
        "2024-03",
    ]


def test_phones_and_emails() -> None:
    text = "Звоните +7 (916) 123-45-67 или 8-843-222-33-44, пишите ivan.petrov@mail.ru."
    assert F.extract_phones(text) == ["+79161234567", "+78432223344"]
    assert F.extract_emails(text) == ["ivan.petrov@mail.ru"]

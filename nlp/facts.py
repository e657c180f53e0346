"""Fact extraction: validators (INN, OGRN, phones) and cheap pattern extractors.

Everything here is regular expressions plus the cached morph analyser; natasha NER and the yargy
dates parser are only run on the short pieces of text that the patterns point at (see ``nlp.pipeline``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from nlp import morph
from nlp.fastre import LowerPattern, fold_case
from nlp.legal_forms import LEGAL_FORMS, LOWER_CASE_FORMS, alternation

# ---------------------------------------------------------------------------------------------- validators

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _control(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(value: str) -> bool:
    """ИНН checksum (FNS): 10 digits for organisations, 12 for persons and ИП."""
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return False
    if len(value) == 10:
        return _control(value, _W10) == int(value[9])
    if len(value) == 12:
        return _control(value, _W11) == int(value[10]) and _control(value, _W12) == int(value[11])
    return False


def validate_ogrn(value: str) -> bool:
    """ОГРН (13 digits, mod 11) or ОГРНИП (15 digits, mod 13); the last digit is the control digit."""
    value = value.strip()
    if not value.isascii() or not value.isdigit() or value[0] == "0":
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


def normalise_phone(value: str) -> str | None:
    """A Russian phone number in E.164 («+79161234567»), or None if it is not one."""
    if re.search(r"[^\d\s()+\-.]", value):
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] in "3489" and not value.strip().startswith("+"):
        digits = "7" + digits
    else:
        return None
    if digits[1] not in "3489":  # Russian area / mobile codes start with 3, 4, 8 or 9
        return None
    return "+" + digits


# ---------------------------------------------------------------------------------------------- helpers


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen.add(key)
            result.append(item)
    return result


# ---------------------------------------------------------------------------------------------- INN / OGRN

_DIGITS_RE = re.compile(r"(?<![\d\w+\-])(\d{10}|\d{12,13}|\d{15})(?![\d\w])")
_KEYWORD_RE = re.compile(
    r"\b(?:ИНН|INN|ОГРН|ОГРНИП|КПП|ОКПО|БИК|СНИЛС|тел\.?|телефон\w*|сч[её]т\w*)(?!\w)", re.IGNORECASE
)
_OGRN_CONTEXT_RE = re.compile(r"ОГРН", re.IGNORECASE)
_PHONE_CONTEXT_RE = re.compile(r"(тел|моб|phone|звон|whatsapp|ватсап|вайбер|номер телефона)", re.IGNORECASE)
_ACCOUNT_CONTEXT_RE = re.compile(r"(сч[её]т|карт|р/с|к/с|БИК|СНИЛС|паспорт|КПП|ОКПО)", re.IGNORECASE)


def extract_inns(text: str) -> tuple[list[str], list[str]]:
    """(valid, invalid) ИНН. A 10/12-digit number counts when «ИНН» precedes it closely; without that
    keyword only a checksum-valid number that is not in a phone/account context is taken."""
    valid: list[str] = []
    invalid: list[str] = []
    for match in _DIGITS_RE.finditer(text):
        number = match.group(1)
        if len(number) not in (10, 12):
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        keywords = list(_KEYWORD_RE.finditer(before))
        keyed = bool(keywords) and keywords[-1].group().upper() in ("ИНН", "INN")
        if keyed:
            (valid if validate_inn(number) else invalid).append(number)
        elif (
            validate_inn(number)
            and not _PHONE_CONTEXT_RE.search(before)
            and not _ACCOUNT_CONTEXT_RE.search(before)
        ):
            if len(number) == 10 and number[0] == "9":
                continue  # looks like a mobile number without the trunk prefix
            valid.append(number)
    return _unique(valid), _unique(invalid)


def extract_ogrns(text: str) -> list[str]:
    result = []
    for match in _DIGITS_RE.finditer(text):
        number = match.group(1)
        if len(number) in (13, 15) and validate_ogrn(number):
            result.append(number)
    return _unique(result)


# ------------------------------------------------------------------------------------------ phones, e-mails

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-zА-Яа-я]{2,}")
_PHONE_RE = re.compile(
    r"(?<![\d\w])(?:\+7|8|7)?[\s\-]?\(?\d{3}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}(?![\d\w])"
)


def extract_emails(text: str) -> list[str]:
    return _unique(m.group().rstrip(".") for m in _EMAIL_RE.finditer(text))


def phone_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, E.164) for every phone number."""
    spans = []
    for match in _PHONE_RE.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 10 and not re.search(r"[\s\-()]", raw):
            before = text[max(0, match.start() - 25) : match.start()]
            if not _PHONE_CONTEXT_RE.search(before):
                continue  # a bare 10-digit number is more likely an ИНН
        phone = normalise_phone(raw)
        if phone:
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            spans.append((start, match.end(), phone))
    return spans


def extract_phones(text: str) -> list[str]:
    return _unique(phone for _, _, phone in phone_spans(text))


# ---------------------------------------------------------------------------------------------- money

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MULT = (
    r"(?P<mult>тысяч[аи]?|тыс\.?|тыщ\w*|тыр\b|т\.\s?р\.?|тр\b|к\b|k\b|косар[ьяей]\w*|косых|куск(?:а|ов)\b|"
    r"млн\.?|миллион(?:ов|а)?|лям(?:а|ов)?\b|млрд\.?|"
    r"миллиард(?:ов|а)?)"
)
_CURRENCY = r"(?:руб(?:л[а-яё]*)?\.?|р\.|р\b|₽|rub)"
_MONEY_RE = re.compile(
    # «4 с половиной тыщи», «8 с лишним тысяч»
    rf"(?<![\d\w.,])(?P<num>{_NUMBER})(?:\s+с\s+(?P<extra>половиной|лишним))?\s?"
    rf"(?:{_MULT}\s?(?P<cur>{_CURRENCY})?|(?P<cur2>{_CURRENCY}))",
    re.IGNORECASE,
)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(человек|чел\b|сотрудник|работник|рабочих|лет|км|километр|м\b|кв)", re.IGNORECASE
)
# the rest of a sum after its thousands («23 тыс. 600 р.», «19 тыс. 700 вместо 41») and kopecks after roubles
# («37 500 руб. 40 коп.»)
_HUNDREDS_AFTER_THOUSANDS_RE = re.compile(
    rf"\s*(?P<rest>\d{{1,3}})(?![\d\w.,]|[.,]\d)(?:\s?{_CURRENCY}|(?=\s*(?:[.,;:!?)]|$|вместо\b|а\s)))",
    re.IGNORECASE,
)
_THREE_DIGITS_AFTER_THOUSANDS_RE = re.compile(r"\s?(?P<rest>\d{3})(?![\d\w%]|[.,]\d|\s?\d)")
_SPACED_THOUSANDS_END_RE = re.compile(
    r"\s*(?:[.,;:!?)»]|$|\n|[-–—]\s|(?:в|за)\s+(?:месяц|день|смену|сутки|час|вахту)\b|на\s+руки\b|каждому\b|"
    r"чистыми\b|официально\b|в\s+конверте\b)",
    re.IGNORECASE,
)
_KOPECKS_RE = re.compile(r"\s?(?P<kop>\d{1,2})\s?(?:коп\.?|копе[её]к\w*|к\.)(?![\w])", re.IGNORECASE)


def _multiplier(word: str | None) -> float:
    if not word:
        return 1.0
    word = word.lower()
    if word.startswith(("тыс", "тыщ", "тыр", "т.", "тр", "к", "k")):  # «косаря», «кусков» too
        return 1e3
    if word.startswith(("млн", "миллион", "лям")):
        return 1e6
    if word.startswith(("млрд", "миллиард")):
        return 1e9
    return 1.0


# the lower end of a range whose upper end is an amount already: «500-1000 руб.», «по 10-15 тысяч», «по
# 2 000–2 500 в день»
_RANGE_RE = re.compile(rf"(?<![\d\w.,])(?P<a>{_NUMBER})\s?[-–]\s?(?=\d)")
_NUMBER_RE = re.compile(_NUMBER)
_OUT_OF_RE = re.compile(rf"\s*из\s+(?P<b>{_NUMBER})(?![\d\w])")
# numbers that are money by their context, without a currency word: «платят 1500 в день», «штраф 5000»,
# «оклад до 16 000»; only from 300 up, so counts of hours and shifts never qualify
_BARE_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{3,7}"
_MONEY_BEFORE = (
    r"(?:зарплат\w*|зп|з/п|оклад\w*|плат(?:ят|ит|или|ила|ил)|заплатил\w*|выплатил\w*|штраф\w*|"
    r"недоплатил\w*|должн[ыа]?|задолженность|долг|премия|премию|аванс|получаю|получаем|обещали|"
    r"собирает|снимают|сняли|удерживают|удержали|за\s+свой\s+сч[её]т|куп\w+\s+за|платно\s+за|стоит|"
    r"стоил[аои]?|взял[аои]?\s+с\s+меня|минус|итого)"  # «опоздал на 5 минут — минус 500»; frost is below 300
)
_BARE_MONEY_RES = [  # matched on fold_case(text)
    LowerPattern(
        rf"{_MONEY_BEFORE}\s+(?P<fill>по\s+|до\s+|только\s+|всего\s+|около\s+|на\s+|примерно\s+|где-то\s+)?"
        rf"(?P<num>{_BARE_NUMBER})"
        r"(?![\d\w])"
        r"(?!\s*(?:час|ч\b|дн|день|дня|смен|лет|год|месяц|%|процент|человек|чел|км|раз|ставк|шт|кг|минут))"
    ),
    LowerPattern(
        rf"(?<![\d\w.,])(?P<num>{_BARE_NUMBER})\s+(?:в\s+(?:месяц|день|сутки|час|смену)|за\s+(?:смену|сутки|"
        r"день|час|месяц|рейс|недостачу|выход|опоздание|вахту))"
    ),
]


# what a bare number counts when it is no sum in thousands: days, hours, people, percents, dates
_NOT_THOUSANDS_AFTER = (
    r"\s*(?:-?го\b|числ|дн|день|дня|лет|год|месяц|недел|час|ч\b|смен|раз|%|процент|человек|чел|минут|тыс|тыщ|"
    r"к\b|руб|р\b|₽|штук|шт\b|кг|км|м\b|числа|январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|"
    r"ноябр|декабр)"
)
# thousands left out after a word about a monthly pay: «при зарплате 52», «оклад 38», «средняя была 60, за
# октябрь пришло 14», «по 40 в месяц», «зарплата у меня 55», «отпускные — 23 вместо 40», «на карту упало
# 12», «12 с копейками» (not a date: «зарплата 15-го», «аванс 25 числа»; not a count: «зарплату 2 месяца»);
# and rates from 100 that counts of hours never reach: «ставка 180 в час», «по 150 за заказ»
_THOUSANDS_LEFT_OUT_RE = LowerPattern(
    r"(?:(?:(?:при|с)\s+)?(?:зарплат(?:[аеуы]|ой)|оклад(?:е|ом)?|зп|з/п)(?:\s+(?:в|у\s+(?:меня|нас|него|не[её])))?|"
    r"получаю|средн(?:яя|ий|юю)(?:\s+(?:была|был|зарплата|зп))?|пришл[оа]|перевели|недоплата|остаток|"
    r"(?:на\s+карту\s+)?(?:упал[оа]|капнул[оа])|"
    r"отпускн(?:ые|ых)(?:\s*[-–—:])?)\s+(?:(?:около|примерно|где-то|только|всего)\s+)?"
    r"(?P<num>[1-9]\d)(?![\d\w/])(?![.,]?\s?\d)"
    # followed by a clause's end or a word about the pay, not by what was counted («пришло 14 штрафов»)
    r"(?=\s*(?:[.,;:!?)»]|$|\n|[-–—]|за\b|в\b|вместо\b|а\b|и\b|но\b|из\b|на\s+руки|плюс|чистыми|официально|"
    r"с\s+(?:копейк|копеечк|чем-то|лишним|хвостиком)))"
    rf"(?!{_NOT_THOUSANDS_AFTER})|"
    r"\bпо\s+(?P<monthly>[1-9]\d)\s+в\s+месяц"
)
# the upper end of a range of such sums: «зарплата 35-40», «тысяч по 60-70»; not of days or dates («зарплату
# 10-15 дней задерживают», «зарплата 15-20 числа»: no sum at all)
_UPPER_THOUSANDS_RE = re.compile(
    rf"\s?[-–]\s?(?P<num>[1-9]\d{{0,2}})(?![\d\w/]|[.,]\d)(?!{_NOT_THOUSANDS_AFTER})"
)
_RANGE_OF_UNITS_RE = re.compile(rf"\s?[-–]\s?\d{{1,3}}{_NOT_THOUSANDS_AFTER}")
_UNITS_BEFORE_RE = re.compile(
    r"(?:час\w*|дн\w*|дней|смен\w*|раз|человек|выходн\w*|переработ\w*)\b[^.,!?]{0,15}$"
)
_LOW_RATE_RE = LowerPattern(
    r"(?:\bпо|ставк[аеуи]|ставкой|платят|плачу)\s+(?P<num>[1-2]\d\d)\s+(?:руб\w*\s+)?(?:в|за)\s+"
    r"(?:час|заказ|смену|выход|машину|рейс|посылку|доставку)\b"
)

# «штука» for a thousand after a word about pay («доплачивали 3 штуки», «собирает по 3 штуки с каждого»), not
# things counted («сняли 2 штуки перчаток», «поясов выдали 3 штуки на всю смену», «норма 900 штук за смену»)
_PIECES_PAID_RE = LowerPattern(
    rf"(?<!\w)(?:{_MONEY_BEFORE}|доплачива\w*|доплатил\w*|собира\w*|насчитал\w*)\s+(?:мне\s+|нам\s+)?"
    r"(?:по\s+|около\s+|почти\s+)?"
    r"(?P<num>\d{1,2}(?:[.,]5)?)\s+штук[иа]?(?!\w)(?!\s+[а-яё]+(?:ов|ев|ей|ек|ок)\b)"
)
# thousands left out and told by their kopecks or a half: «пенсия 14 с копейками», «оклад 9 с половиной»,
# «заплатила 2 с половиной», «должно быть 24 с половиной» (not «2 с половиной года»)
_WITH_KOPECKS_RE = LowerPattern(r"(?<![\d\w.,])(?P<num>[1-9]\d?)\s+с\s+копе(?:йками|ечками)\b")
_AND_A_HALF_RE = LowerPattern(
    r"(?:\bза|выдали|заплатил\w*|списал\w*|оклад\w*|зарплат\w*|расч[её]т\w*|должно\s+быть|должн[ыа]|получаю|"
    r"получил\w*|пенси[яи])\s+(?:(?:около|примерно|всего|только)\s+)?(?P<num>[1-9]\d?)\s+с\s+половиной\b"
    rf"(?!{_NOT_THOUSANDS_AFTER})"
)

# the multiplier first, a rough sum: «мне должны тысяч 120», «выходит тысяч 14 в месяц», «ущерб тысяч на 20»,
# «должен тыщ по 45» (not «15 тысяч на 2/2», a shift pattern)
_THOUSANDS_FIRST_RE = LowerPattern(
    r"(?<![\w])(?:тысяч|тыщ|тыс\.?|косарей)\s+(?:(?:под|около|где-то|примерно|на|по)\s+)?(?P<num>\d{1,3})(?![\d\w/])"
    r"(?!\s*(?:час|ч\b|дн|день|дня|смен|лет|год|месяц|%|процент|человек|чел|км|раз|шт|кг|минут|числ))"
)


_YEAR_AFTER_RE = re.compile(r"\s*(?:г\b|г\.|год)")  # «зарплата 2024 года», not «штраф 2000»


def _parse_number(raw: str) -> float | None:
    try:
        return float(re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", "."))
    except ValueError:
        return None


def money_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, roubles) for money amounts: with a currency or a multiplier («85 000 рублей», «210 тыс.
    руб.», «3 миллиона», «40 тыс»), ranges («500-1000 руб.», «по 10-15 тысяч»), «230 тыс. из 540», and bare
    numbers in a money context («платят 1500 в день», «штраф 5000»)."""
    spans: list[tuple[int, int, float]] = []
    for match in _MONEY_RE.finditer(text):
        if spans and match.start() < spans[-1][1]:
            continue  # the «600 р.» of «23 тыс. 600 р.», already part of the sum
        mult = match.group("mult")
        currency = match.group("cur") or match.group("cur2")
        if mult and not currency and mult.lower() in ("к", "k", "тр"):
            # «85к», «40 тр» are money when written tight to the number; «по 70 к», «200 к.» only at a
            # clause's end or before a rate (not «5 к директору»)
            spaced = " " in match.group()[: match.end("num") - match.start() + 1]
            if spaced and not _SPACED_THOUSANDS_END_RE.match(text, match.end()):
                continue
        if not mult and not currency:
            continue
        if mult and not currency and _NOT_MONEY_AFTER.match(text, match.end()):
            continue  # «40 тысяч человек»
        number = _parse_number(match.group("num"))
        if not number:
            continue
        if match.group("extra") == "половиной":
            number += 0.5
        factor = _multiplier(mult)
        end = match.end()
        rest = _HUNDREDS_AFTER_THOUSANDS_RE.match(text, end) if factor == 1e3 else None
        if factor == 1e3 and not rest and not currency:
            # «17 тысяч 600», «сняли 7 тысяч 300 при зарплате …»: three digits after the thousands that count
            # nothing
            rest = _THREE_DIGITS_AFTER_THOUSANDS_RE.match(text, end)
            if rest and _counts_something(text, rest.end()):
                rest = None
        kopecks = _KOPECKS_RE.match(text, end) if factor == 1.0 else None
        if rest:
            number, end = number + int(rest.group("rest")) / 1e3, rest.end()
        elif kopecks:
            number, end = number + int(kopecks.group("kop")) / 100, kopecks.end()
        spans.append((match.start(), end, round(number * factor, 2)))
        out_of = _OUT_OF_RE.match(text, match.end())
        if out_of and factor > 1:
            second = _parse_number(out_of.group("b"))
            if second:
                spans.append((out_of.start("b"), out_of.end("b"), round(second * factor, 2)))
    taken = [(s, e) for s, e, _ in spans]
    folded = fold_case(text)
    for pattern in _BARE_MONEY_RES:
        for match in pattern.finditer(folded):
            start, end = match.start("num"), match.end("num")
            if _overlaps(start, end, taken):
                continue
            if re.match(r"\s*[-–]\s*\d", text[end : end + 4]) and pattern is _BARE_MONEY_RES[0]:
                continue
            number = _parse_number(match.group("num"))
            # a year («зарплата 2024 года») unless the context makes it a rate («по 2000 в день»)
            rate = pattern is _BARE_MONEY_RES[1] or (match.groupdict().get("fill") or "").startswith("по")
            year = 1900 <= (number or 0) <= 2100 and _YEAR_AFTER_RE.match(text, end) is not None
            if number and 300 <= number < 10_000_000 and (rate or not year):
                spans.append((start, end, number))
                taken.append((start, end))
    for match in _THOUSANDS_LEFT_OUT_RE.finditer(folded):
        group = "num" if match.group("num") else "monthly"
        start, end = match.start(group), match.end(group)
        if group == "monthly" and _UNITS_BEFORE_RE.search(folded, max(0, match.start() - 30), match.start()):
            continue  # «переработки часов по 20 в месяц», «смен у меня по 15 в месяц»
        if (
            _overlaps(start, end, taken)
            or _people_after_re().match(folded, end)
            or _RANGE_OF_UNITS_RE.match(folded, end)
        ):
            continue  # «зарплату 30 рабочим»
        spans.append((start, end, float(match.group(group)) * 1e3))
        taken.append((start, end))
        spans.extend(_upper_thousands(folded, end, float(match.group(group)), taken))
    spans.extend(_unclaimed(_LOW_RATE_RE, folded, 1.0, taken))
    spans.extend(_unclaimed(_PIECES_PAID_RE, folded, 1e3, taken))
    spans.extend(_unclaimed(_WITH_KOPECKS_RE, folded, 1e3, taken))
    spans.extend(
        (start, end, value + 500) for start, end, value in _unclaimed(_AND_A_HALF_RE, folded, 1e3, taken)
    )
    for match in _RANGE_RE.finditer(text):
        following = next((s for s in spans if s[0] == match.end()), None)
        number = _parse_number(match.group("a"))
        if following and number and not _overlaps(match.start("a"), match.end("a"), taken):
            full = _parse_number(_NUMBER_RE.match(text, match.end()).group())  # type: ignore[union-attr]
            factor = following[2] / full if full else 1.0
            spans.append((match.start("a"), match.end("a"), round(number * factor, 2)))
            taken.append((match.start("a"), match.end("a")))
    spans.extend(_unclaimed(_THOUSANDS_FIRST_RE, folded, 1e3, taken))
    spans.extend(_grouped_amounts(text, folded, taken))
    spans.extend(_kopeck_amounts(text, taken))
    spans.extend(_plain_amounts(text, folded, taken))
    spans.extend(_elliptic_amounts(text, folded, spans))
    spans.extend(_listed_amounts(text, folded, spans))
    return sorted(spans)


# an item of a dashed list of sums («опоздал — 1000, не улыбнулся — 500, телефон — 300»), not of hours, days,
# people or percents
_DASH_ITEM_RE = re.compile(
    r"[—–-]\s*(?:ещ[её]\s+)?(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{3,6})(?![\d\w%]|[.,]\d)"
    r"(?!\s*(?:час|ч\b|мин|сек|лет|год|дн|дня|день|раз|шт|км|м\b|кг|кв|человек|чел|смен|%|процент))"
)
# what may lie between two items of one list: no sentence's end («руб.» is none)
_ITEM_GAP_RE = re.compile(r"[^!?\n]{0,80}")
_SENTENCE_END_RE = re.compile(r"\.\s+[«\"(]?[А-ЯЁA-Z]")


def _listed_amounts(
    text: str, folded: str, spans: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """The other items of a dashed list one of whose items is an amount already: «штрафы: опоздал на 5 минут —
    1000 руб., не улыбнулся — 500, телефон на кассе — 300» → 500 and 300."""
    items = list(_DASH_ITEM_RE.finditer(folded))
    runs: list[list[re.Match[str]]] = []
    for item in items:
        gap = text[runs[-1][-1].end() : item.start()] if runs else ""
        if runs and _ITEM_GAP_RE.fullmatch(gap) and not _SENTENCE_END_RE.search(gap):
            runs[-1].append(item)
        else:
            runs.append([item])
    found: list[tuple[int, int, float]] = []
    taken = [(s, e) for s, e, _ in spans]
    for run in runs:
        known = [m for m in run if _overlaps(m.start("num"), m.end("num"), taken)]
        if not known or len(run) < 2:
            continue
        for m in run:
            number = _parse_number(m.group("num"))
            if number and number >= 100 and not _overlaps(m.start("num"), m.end("num"), taken):
                found.append((m.start("num"), m.end("num"), number))
    return found


# a number written with a thousands separator («26 000», «1 700 000») is money in a sentence about money
# («телефон за 89 990», «вместо 26 000 выдали 17 400», «оценка ущерба 186 000») unless a noun that is not
# money follows («план 1 500 звонков»); phone numbers and account numbers are not grouped this way
_GROUPED_RE = re.compile(
    r"(?<![\d\w.,+])(?<!\d[ \u00a0\u202f])(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+)"
    r"(?![\d\w]|[ \u00a0\u202f]?\d|[.,\-–]\d)"
)
_MONEY_SENTENCE_RE = re.compile(
    r"руб|₽|зарплат|зп\b|з/п|оклад|плат|премi|преми|аванс|штраф|долг|задолж|стоим|стоит|стоил|цен[аеуыо]|"
    r"списа|залог|займ|за[её]м|кредит|вклад|предоплат|пособи|пенси|ущерб|итого|вычл|вычит|вычет|удерж|"
    r"компенсац|денег|деньг|сумм|недостач|тысяч|тыс\b|получ|выдал|начисл|заработ|доход|налог|оплат|"
    r"перевел|перевести|внес|купил|продал|заказал|должн|должен|отпускн|перечисл|надбавк|на руки|отдал|отдать|"
    r"верн[уиё]|насчита|остаток|ремонт|оплач|перевод|ставк|аренд|в месяц|за смену|в день|вместо|"
    r"\bдал[аи]?\b|\bдают\b"
)
_PRICE_BEFORE_RE = re.compile(r"(?<!\w)за\s+$")
_MONEY_NOUNS = frozenset(
    "штраф долг задолженность недостача премия компенсация аванс зарплата оклад пособие налог вычет надбавка "
    "доплата переплата неустойка пеня пенсия рубль".split()
)
_SENTENCE_ENDS = ".!?\n"


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s <= start < e or start <= s < end for s, e in taken)


def _unclaimed(
    pattern: LowerPattern, folded: str, factor: float, taken: list[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """Each match's «num» times `factor`, unless an amount found before covers it; `taken` grows with them."""
    found = []
    for match in pattern.finditer(folded):
        start, end = match.start("num"), match.end("num")
        number = _parse_number(match.group("num")) or 0.0
        if not _overlaps(start, end, taken) and not (factor == 1e3 and _RANGE_OF_UNITS_RE.match(folded, end)):
            found.append((start, end, number * factor))
            taken.append((start, end))
            if factor == 1e3:
                found.extend(_upper_thousands(folded, end, number, taken))
    return found


def _upper_thousands(
    folded: str, end: int, lower: float, taken: list[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """The upper end of a range whose lower end, ending at `end`, is a sum in thousands left out; `taken`
    grows with it."""
    match = _UPPER_THOUSANDS_RE.match(folded, end)
    if (
        match is None
        or float(match.group("num")) <= lower
        or _overlaps(match.start("num"), match.end("num"), taken)
    ):
        return []
    taken.append((match.start("num"), match.end("num")))
    return [(match.start("num"), match.end("num"), float(match.group("num")) * 1e3)]


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the sentence around text[start:end] (cut at «.», «!», «?» and line breaks)."""
    head = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    tails = [i for i in (text.find(mark, end) for mark in _SENTENCE_ENDS) if i >= 0]
    return head, min(tails, default=len(text))


# roubles and kopecks as accountants write them, in pasted pay slips, bills and statements («Оклад —
# 38 000,00», «Итого к оплате: 12 705,44», «расход 80 кВт·ч — 464,00», «Зачисление заработной платы
# +18 450,00»): a comma and exactly two digits after 100 or more; a dot would be a date («с 12.03»), and
# «0,25 ставки», «2,143 Гкал» are not money
_KOPECK_FORMAT_RE = re.compile(
    r"(?<![\d\w.,\-/])(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d{2}|\d{3,7},\d{2})(?![\d\w]|[.,]\d|\s*%)"
)


def _kopeck_amounts(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, float]]:
    found: list[tuple[int, int, float]] = []
    for match in _KOPECK_FORMAT_RE.finditer(text):
        start, end = match.span("num")
        line_end = text.find("\n", end)
        if _overlaps(start, end, taken) or _counts_something(text[: None if line_end < 0 else line_end], end):
            continue  # the words after it on its line, not the next line of a pay slip («НДФЛ — 5 590,00»)
        number = _parse_number(match.group("num"))
        if number and number < 10_000_000:
            found.append((start, end, number))
            taken.append((start, end))
    return found


def _grouped_amounts(text: str, folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, float]]:
    found: list[tuple[int, int, float]] = []
    for match in _GROUPED_RE.finditer(text):
        start, end = match.span("num")
        if _overlaps(start, end, taken):
            continue
        head, tail = _sentence_bounds(folded, start, end)
        price = _PRICE_BEFORE_RE.search(folded, max(0, start - 4), start) is not None  # «телефон за 89 990»
        if not price and not _MONEY_SENTENCE_RE.search(folded, head, tail):
            continue
        if _counts_something(text, end):
            continue
        number = _parse_number(match.group("num"))
        if number and number < 10_000_000:
            found.append((start, end, number))
            taken.append((start, end))
    return found


# a number without a separator («пылесос за 8900», «не вернули 15600», «штраф 2000», «стало на 1200 меньше»,
# «недодаёт рублей 300») is money only right after «за», with a money word among the three words before it,
# or as a difference («на 1200 меньше»); a year, a house, an order or a route number is not
_PLAIN_RE = re.compile(r"(?<![\d\w.,+\-/№])(?P<num>\d{4,7})(?![\d\w]|[.,\-–/]\d|\s*(?:г\b|г\.|год|%))")
_WORDS_BEFORE_RE = re.compile(r"(?:[\w/-]+\W+){0,3}$")
_NUMBERED_THING_RE = re.compile(
    r"(?:№|номер\w*|дом\w*|д\.|кв\.?|квартир\w*|корп\w*|индекс\w*|код\w*|заказ\w*|сч[её]т\w*|договор\w*|"
    r"приказ\w*|табельн\w*|пин|артикул\w*|рейс\w*|маршрут\w*|автобус\w*|ул\.?|улиц\w*|школ\w*|сад\w*|"
    r"участ\w*|цех\w*|отделени\w*|офис\w*|модел\w*|серии|паспорт\w*)\s*$"
)
_DIFFERENCE_RE = re.compile(r"\s*(?:руб\w*\s+)?(?:меньше|больше|ниже|выше|недодал\w*|урезал\w*)")
_ROUBLES_FIRST_RE = re.compile(
    r"(?<![\w\d])(?:рубл\w*|руб\.?)\s+(?P<num>\d{3,6})(?![\d\w]|\s*(?:коп|числ|янв|фев|мар|апр|ма[яй]|июн|июл|авг|сен|окт|ноя|дек))"
)


def _plain_amounts(text: str, folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, float]]:
    found: list[tuple[int, int, float]] = []
    candidates = [(m, False) for m in _PLAIN_RE.finditer(text)]
    candidates += [(m, True) for m in _ROUBLES_FIRST_RE.finditer(folded)]  # «рублей 300»: the order of speech
    for match, roubles_first in candidates:
        start, end = match.span("num")
        number = _parse_number(match.group("num"))
        if not number or _overlaps(start, end, taken):
            continue
        if not roubles_first:
            if number < 1000 or 1900 <= number <= 2100:
                continue
            before = _WORDS_BEFORE_RE.search(folded, max(0, start - 60), start)
            words_before = before.group() if before else ""
            if _NUMBERED_THING_RE.search(folded, max(0, start - 20), start):
                continue
            price = _PRICE_BEFORE_RE.search(folded, max(0, start - 4), start) is not None
            difference = folded[max(0, start - 3) : start] == "на " and _DIFFERENCE_RE.match(folded, end)
            if not (price or difference or _MONEY_SENTENCE_RE.search(words_before)):
                # farther from its money word, a number still is a sum in a sentence about money («взяла займ,
                # сначала 15000 на лечение») unless it is part of a name («ООО «Автоколонна 1417»»)
                head, tail = _sentence_bounds(folded, start, end)
                if not _MONEY_SENTENCE_RE.search(folded, head, tail) or _inside_quotes(text, start):
                    continue
            if _counts_something(text, end):
                continue
        found.append((start, end, number))
        taken.append((start, end))
    return found


def _inside_quotes(text: str, at: int) -> bool:
    before = text[max(0, at - 40) : at]
    return before.rfind("«") > before.rfind("»") or before.count('"') % 2 == 1


_NEXT_WORDS_RE = re.compile(r"\s*([А-Яа-яЁё]+)(?:\s+([А-Яа-яЁё]+))?")


# after a number ending in 1 (not 11) a counted noun is in the nominative: «21 сотрудник»
_TAKES_NOMINATIVE_RE = re.compile(r"(?<!1)1\s*$")


def _counts_something(text: str, end: int) -> bool:
    """People or units right after the number («1 200 человек», «40 км»), or another noun that is not money
    (after an adjective too): «1 500 звонков», «1 200 новых карт»; not «26 000 выдали», «52 500 премии»."""
    if _NOT_MONEY_AFTER.match(text, end):
        return True
    match = _NEXT_WORDS_RE.match(text, end)
    if not match:
        return False
    for word in match.groups():
        if not word:
            return False
        grammemes = morph.tags(word)
        if "NOUN" in grammemes and "ADJF" not in grammemes:
            if "gent" not in grammemes and not _TAKES_NOMINATIVE_RE.search(text, max(0, end - 3), end):
                return False  # «остальные 35 000 директор отдаёт»: a counted noun would be «директоров»
            return morph.lemma(word) not in _MONEY_NOUNS
        if not {"ADJF", "PRTF"} & grammemes:
            return False
    return False


# a bare number that shares the thousands of an amount next to it: «8 тыс. вместо 16», «с 45 до 22 тыс.»,
# «обещали 45 тыс, заплатили 20», «то 20, то 15 тысяч», «25 тыс. на руки, из них 10 в конверте», «из 40 тысяч
# осталось 11», «то 3 тысячи то 7», «5 тысяч вместо положенных 28», «за 11 тысяч, остальные 25 в конверте»
_MONTH = r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_ELLIPTIC_NUMBER = (
    # not the thousands of a full number («22 500»)
    r"(?P<num>\d{1,3}(?:[.,]\d)?)(?![\d\w%]|[.,]\d|[ \u00a0\u202f]\d{3}(?!\d)|"
    r"\s*(?:[-–]\s*\d|час|ч\b|дн|лет|год|мес|чел|раз|смен|мин|"
    r"числ|янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек|%))"
)
_ELLIPTIC_AFTER_RE = re.compile(
    r"\s*[.,]?\s*(?:(?:на\s+руки|в\s+месяц|в\s+день|в\s+час|за\s+смену)\s*,?\s*)?(?:(?:а|но|и)\s+)?"
    r"(?:на\s+руки\s+)?(?:(?:я|мне|нам|мы)\s+)?"
    # «вместо положенных 28», «остальные 25 отдают в конверте»
    r"(?:вместо(?:\s+(?:положенн|обещанн|оговор[её]нн|заявленн|прежн|законн)\w*)?|остальн(?:ые|ое)|"
    r"заплатил\w*|выплатил\w*|дал\w*|дают|да[её]т|плат\w*|брал\w*|получ\w*|обещали|из\s+них|"
    r"потом|теперь|сейчас|стало|стала|осталось|остаётся|остается|осталась|вычли|удержали|срезали|то|"
    r"перевел\w*|перевёл|перечислил\w*|начислил\w*|отдал\w*|пришл\w*|выходит|по\s+факту|"
    rf"за\s+{_MONTH})"
    r"\s+(?:только\s+|всего\s+|лишь\s+|по\s+|около\s+|примерно\s+|почти\s+)?" + _ELLIPTIC_NUMBER
)
# another worker's share: «у меня 41 тысяча, у него около 36», «74 тыс., у двух других примерно по 60»,
# «кто 14 тысяч, кто 16» (not «50 тысяч, у него 3 ребенка»: see `_elliptic_amounts`)
_ELLIPTIC_SHARE_RE = re.compile(
    r"\s*[.,;]?\s*(?:а\s+)?(?:у\s+(?:него|не[её]|них|меня|(?:\w+\s+)?други\w*|остальн\w*|каждого|второго|напарни\w*|"
    r"коллег\w*)|кто)\s+(?:по\s+|(?:около|примерно|где-то|почти)\s+(?:по\s+)?)?" + _ELLIPTIC_NUMBER
)
# «с 45 до 22 тыс.», «то 20, то 15 тысяч», «две последние зарплаты (60 и 65 тысяч)», «за май 30, за июнь 28
# тысяч»
_ELLIPTIC_BEFORE_RE = re.compile(
    rf"(?:(?<![\w])(?:с|от|то)\s+|(?<![\w\d.,])(?=\d{{1,3}}(?:[.,]\d)?(?:\s+и|,\s*за\s+{_MONTH})\s*$))"
    + _ELLIPTIC_NUMBER
    + rf"\s*(?:,?\s*то|до|-|–|и|,\s*за\s+{_MONTH})\s*$"
)


def _elliptic_amounts(
    text: str, folded: str, spans: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    found: list[tuple[int, int, float]] = []
    for start, end, value in spans:
        head = _parse_number(re.sub(r"[^\d,. ]", "", text[start:end]).strip(" .,"))
        factor = value / head if head else 0.0
        if factor not in (1, 1e3, 1e6) or (factor > 1 and value < 1000):
            continue
        while folded[end - 1 : end].isalpha() and folded[end : end + 1].isalpha():
            end += 1  # «21 тысяч|у вместо 32»: read on from the word's end
        # plain roubles share their unit only across a range («с 310 до 220 рублей»)
        after = _ELLIPTIC_AFTER_RE.match(folded, end) if factor > 1 else None
        before = _ELLIPTIC_BEFORE_RE.search(folded, max(0, start - 20), start)
        share = _ELLIPTIC_SHARE_RE.match(folded, end) if factor > 1 else None
        if share is not None and _counts_something(folded, share.end("num")):
            share = None  # «мне должны 50 тысяч, у него 3 ребенка»
        for match in (after, before, share):
            if match is None:
                continue
            number = _parse_number(match.group("num"))
            if number and 0.05 <= number * factor / value <= 20:
                item = (match.start("num"), match.end("num"), round(number * factor, 2))
                if not any(s <= item[0] < e for s, e, _ in spans + found):
                    found.append(item)
    return found


# money in words: «сто двадцать тысяч», «полторы тысячи рублей», «пять тысяч рублей»; slang for thousands
# («полтинник», «полтос», «тридцатка») only after a word about pay («обещали полтинник», «зарплата полтос»)
_SLANG_MONEY = {
    "полтинник": 50_000,
    "полтос": 50_000,
    "двадцатк": 20_000,
    "тридцатк": 30_000,
    "сороковник": 40_000,
    "косар": 1_000,
    "пятихатк": 500,
    "пятнашк": 15_000,
    "сотк": 100_000,  # «зарплата сотка», «получал сотку»; a land plot's «сотка» follows no word about pay
    "десятк": 10_000,  # «снимают «десятку»»
    "штук": 1_000,  # «платят штука в день»: only before a rate (an item otherwise)
}
_SLANG_MONEY_RE = LowerPattern(
    r"(?:зарплат\w*|зп|з/п|оклад\w*|плат\w*|заплатил\w*|дали|дают|получа\w*|получил\w*|обещал\w*|должн\w*|должен|"
    r"задолжал\w*|"
    r"премия|премию|аванс|выдал\w*|выплатил\w*|минус|штраф\w*|снима\w*|сняли|вычита\w*|вычли|осталось|остался)\s+"
    r"(?:\w+\s+){0,2}?(?:только\s+|всего\s+|по\s+|с\s+|до\s+|около\s+|под\s+)?[«\"]?"
    r"(?P<w>полтинник[аеу]?|полтос[аеу]?|двадцатк[аиуе]|тридцатк[аиуе]|сороковник[аеу]?|косар[ьяю]|"
    r"пятихатк[аиуе]|пятнашк[аиуе]|сотк[аиуе]|десятк[ауе]|штук[аиу](?=\s+(?:в|за)\s+(?:день|смену|час|выход)\b))"
    # not «осталось десятка дней»
    r"(?![\w-])(?!\s+(?:дн|дней|лет|год|раз|человек|минут|час|км|метр|процент|соток))"
)
# half a million: money whatever the words before («пол-ляма в год премиями», «должны полмиллиона»)
_HALF_MILLION_RE = re.compile(r"(?<![\w-])(?:пол-?\s?лям(?:а|ов)?|полмиллиона)(?![\w-])")


# words without which no amount in words is read: a multiplier or the currency
_WORD_MULTIPLIER_HINTS = ("тыс", "тыщ", "миллион", "млн", "лям", "рубл", "косар")


def word_money_spans(text: str) -> list[tuple[int, int, float]]:
    """(start, end, roubles) for amounts written in words."""
    folded = fold_case(text)
    spans: list[tuple[int, int, float]] = []
    if any(word in folded for word in _WORD_MULTIPLIER_HINTS):
        for match in _word_money_re().finditer(folded):
            currency = match.group("cur") or match.group("cur2")
            if _NOT_MONEY_AFTER.match(folded, match.end()) and not currency:
                continue  # «сорок тысяч человек»
            raw = match.group("num")
            number = 1.5 if raw.startswith("полтор") else float(numerals_to_digits(raw).replace(" ", ""))
            if match.group("extra") == "половиной":
                number += 0.5
            mult = match.group("mult") or ""
            factor = 1.0
            if mult:
                factor = 1e3 if mult.startswith(("тыс", "тыщ", "косар")) else 1e6
            if factor == 1.0 and not currency:
                continue
            rest = match.group("rest")  # «сто двадцать три тысячи четыреста рублей»
            if rest and factor == 1e3:
                number += float(numerals_to_digits(rest).replace(" ", "")) / 1e3
            spans.append((match.start(), match.end(), round(number * factor, 2)))
    for match in _HALF_MILLION_RE.finditer(folded):
        spans.append((match.start(), match.end(), 500_000.0))
    if _SLANG_MONEY_RE.possible(folded):
        for match in _SLANG_MONEY_RE.finditer(folded):
            if _overlaps(match.start("w"), match.end("w"), [(s, e) for s, e, _ in spans]):
                continue  # «два косаря»: the numeral's multiplier, read above
            word = match.group("w")
            value = next(v for k, v in _SLANG_MONEY.items() if word.startswith(k))
            spans.append((match.start("w"), match.end("w"), float(value)))
    return spans


@cache
def _word_money_re() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-])(?P<num>полтора|полторы|(?:{_NUMERAL_WORD})(?:\s+(?:{_NUMERAL_WORD}))*)"
        r"(?:\s+с\s+(?P<extra>половиной|лишним))?\s+"
        r"(?:(?P<mult>тысяч[аи]?|тыщ[аи]?|тыс\.|тыс\b|косар(?:я|ей)|миллион(?:ов|а)?|млн\b\.?|лям(?:а|ов)?)"
        rf"(?:\s+(?P<rest>(?:{_NUMERAL_WORD})(?:\s+(?:{_NUMERAL_WORD}))*)(?=\s+руб))?"
        r"(?:\s+(?P<cur>руб\w*))?|(?P<cur2>руб\w*))(?![\w-])"
    )


_WORD_MONEY_HINTS = (
    *_WORD_MULTIPLIER_HINTS,
    "полтинник",
    "полтос",
    "двадцатк",
    "тридцатк",
    "сороковник",
    "косар",
    "пятихатк",
    "пятнашк",
    "сотк",
    "десятк",
    "штук",
)  # «полмиллиона», «пол-ляма»: «миллион», «лям» are multiplier hints already


def extract_amounts(text: str) -> list[float]:
    result: list[float] = []
    spans = money_spans(text)
    low = text.lower()
    if any(word in low for word in _WORD_MONEY_HINTS):
        taken = [(s, e) for s, e, _ in spans]
        spans = sorted(
            spans + [w for w in word_money_spans(text) if not any(s < w[1] and w[0] < e for s, e in taken)]
        )
    for _, _, value in spans:
        if value not in result:
            result.append(value)
    return result


# ---------------------------------------------------------------------------------------------- workers

_WORKER_NOUN = (
    r"(?:человек|чел\.?|сотрудник\w*|работник\w*|рабочих(?!\s+(?:дн|день|час|смен|недел|мест|времен))|работающих|водител\w*|продавц\w*|"
    r"кассир\w*|курьер\w*|монтажник\w*|охранник\w*|грузчик\w*|учител\w*|педагог\w*|врач\w*|"
    r"медсест\w*|строител\w*|оператор\w*|специалист\w*|менеджер\w*|швей|вахтовик\w*|женщин|мужчин|девуш\w*|"
    r"санитар\w*|сотрудниц\w*|работниц\w*|преподавател\w*|механизатор\w*|тракторист\w*|шахт[её]р\w*|"
    r"доярок|уборщиц\w*|повар\w*|рабоч(?:им|ими)|механик\w*|лаборант\w*|электромонт[её]р\w*|путейц\w*|"
    r"электромонтажник\w*|(?:электро|газо|электрогазо)сварщик\w*|"
    r"медработник\w*|мойщик\w*|кладовщ\w*|сварщик\w*|слесар\w*|маляр\w*|штукатур\w*|официант\w*|уборщик\w*|"
    r"воспитател\w*|фасовщ\w*|упаковщ\w*|доярк\w*|дворник\w*|сборщик\w*|комплектовщ\w*|фельдшер\w*|"
    r"горняк\w*|докер\w*|токар\w*|аппаратчик\w*|экспедитор\w*|диспетчер\w*|бухгалтер\w*|инженер\w*|"
    r"кочегар\w*|крановщ\w*|пекар(?:ей|ям|и)|горничн\w*|сторож\w*|плотник\w*|бетонщик\w*|арматурщик\w*|"
    r"каменщик\w*|электрик\w*|программист\w*|стаж[её]р\w*|машинист\w*|кондуктор\w*|контрол[её]р\w*|"
    r"продавщиц\w*|охранниц\w*|администратор\w*|консультант\w*|фармацевт\w*|провизор\w*|медик\w*|"
    r"логист\w*|обходчик\w*|монт[её]р\w*|моряк\w*|матрос\w*|рыбак\w*|проводник\w*|вальщик\w*|"
    r"животновод\w*|птичниц\w*|телятниц\w*|шве[йия]\w*|нян(?:ь|е|я)\w*|сиделк\w*|санитарок|ребят(?:ам)?|парн(?:ей|ям)|"
    r"мужик(?:ов|ам)|девчон(?:ок|кам)|девчат(?:ам)?|девоч(?:ек|кам)|пацанов|т[её]ток|коллег|мастеров|рабочие|работяг|мигрант\w*|пожарн(?:ых|ые)|спасател\w*|тренер\w*|"
    r"разработчик\w*|тестировщик\w*|дизайнер\w*|аналитик\w*|юрист\w*|экономист\w*|библиотекар\w*|"
    r"артист\w*|музыкант\w*|студент\w*|практикант\w*|журналист\w*|вожат\w*|инструктор\w*|чалавек\w*|"
    r"станочник\w*|наладчик\w*|ткач\w*|прядильщ\w*|мотальщ\w*|закройщ\w*|вязальщ\w*|портних\w*|"
    r"фрезеровщик\w*|шлифовщик\w*|прессовщик\w*|литейщик\w*|стропальщик\w*|обвальщик\w*|раскройщик\w*|"
    r"игрок\w*|спортсмен\w*|футболист\w*|хоккеист\w*|танцор\w*|человека|член(?:а|ов)\s+профсоюза|"
    r"фамили(?:я|и|й)\b|"  # «в ведомости 26 фамилий»
    r"куратор\w*|тьютор\w*|модератор\w*|бармен\w*|барист\w*|массажист\w*|косметолог\w*|парикмахер\w*|"
    r"таксист\w*|дальнобойщик\w*|мерчендайзер\w*|промоутер\w*|укладчик\w*|бортпроводни\w*|"
    # trades of building, transport, farms and plants; «водил», «разнорабочих» as people say them
    r"отделочник\w*|плиточник\w*|кровельщик\w*|монолитчик\w*|разнорабоч(?:их|им|ими)|бурильщик\w*|"
    r"помбур\w*|дорожник\w*|асфальтировщик\w*|землекоп\w*|формовщик\w*|штамповщик\w*|резчик\w*|"
    r"газорезчик\w*|столяр\w*|кузнец\w*|сантехник\w*|изолировщик\w*|экскаваторщик\w*|бульдозерист\w*|"
    r"грейдерист\w*|водил(?:ам)?\b|шофер\w*|проводниц\w*|укладчиц\w*|сортировщиц\w*|мойщиц\w*|"
    r"посудомойщиц\w*|обработчиц\w*|рыбообработчик\w*|кондитер\w*|технолог\w*|агроном\w*|зоотехник\w*|"
    r"ветеринар\w*|лесоруб\w*|раскряж[её]вщик\w*|рамщик\w*|пилорамщик\w*|скотник\w*|пастух\w*|конюх\w*|"
    r"свинар\w*|дояр(?:ов|ам)|комбайн[её]р\w*|полевод\w*|овощевод\w*|тепличниц\w*|сезонник\w*|сборщиц\w*|"
    r"лесник\w*|медбрат\w*|акушер\w*|дезинфектор\w*|лифт[её]р\w*|авиатехник\w*|техник(?:а|ов|ам)\b)"
)


@cache
def _people_after_re() -> re.Pattern[str]:
    return re.compile(rf"\s+{_WORKER_NOUN}")


_APPROX = r"(?:около|примерно|почти|более|больше|свыше|порядка|где-то|всего|уже|целых|человек|под)?\s*"
_WORKERS_RES = [  # matched on fold_case(text)
    LowerPattern(
        # «нас 25 мужиков», «нам 25 мужикам не платят»
        rf"\bна[см]\b,?(?:\s+\w+){{0,3}}?\s+{_APPROX}(?P<n>\d{{1,5}})\s*(?:[а-яё]+(?:ых|их)\s+)?{_WORKER_NOUN}"
    ),
    LowerPattern(
        rf"\b(?:коллектив|бригад|смен|отдел|цех|штат)\w*\s+(?:\w+\s+){{0,2}}?{_APPROX}(?P<n>\d{{1,5}})\s*"
        rf"{_WORKER_NOUN}"
    ),
    LowerPattern(
        rf"(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}(?:\s+\w+){{0,3}}\s+(?:не\s+получа|не\s+плат|не\s+выплач|"
        rf"задерж|без\s+зарплат|пострадал|уволил|уволен|сократ|работа\w*\s+без|отравил|трудоустро)"
    ),
    LowerPattern(
        rf"(?:не\s+получа\w*|не\s+плат\w*|не\s+выплач\w*|не\s+выплатил\w*|не\s+заплатил\w*|пострадал\w*|уволил\w*|уволен\w*|сократил\w*|"
        rf"отравил\w*)\s+(?:\w+\s+){{0,2}}?{_APPROX}(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}"
    ),
    LowerPattern(rf"(?:всем|всех|у)\s+{_APPROX}(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}"),
    # «Мы, 8 граждан Узбекистана, работали…», «мы 12 водителей»
    LowerPattern(
        rf"\bмы\s*,?\s+{_APPROX}(?P<n>\d{{1,5}})\s*(?:[а-яё]+(?:ых|их)\s+)?(?:{_WORKER_NOUN}|граждан\w*)"
    ),
    # «нас в корпусе около шестидесяти», «нас на точке 20.», «нас в бригаде отделочников одиннадцать»: the
    # group where the writer works, a bare number
    LowerPattern(
        rf"\bнас\s+(?:в|во|на|у)\s+[а-яё-]+(?:\s+{_WORKER_NOUN})?\s*[,—-]?\s*"
        r"(?:(?:около|примерно|почти|больше|более|свыше|где-то|под|всего)\s+)?"
        r"(?P<n>\d{1,5})(?=\s*[.,;!)]|\s*$|\s+(?:человек|чел\b))"
    ),
    LowerPattern(
        rf"(?:задолженност\w*|долг\w*|не\s+платят|не\s+выплачива\w*)\s+(?:\w+\s+){{0,3}}?(?:перед\s+)?"
        rf"{_APPROX}(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}"
    ),
]


_WORKERS_FALLBACK_RES = [  # matched on fold_case(text)
    LowerPattern(r"(?<!\bпо )(?<![\d\w])(?P<n>\d{1,5})\s*(?:человек|чел\b)"),
    LowerPattern(rf"(?<!\bпо )(?<![\d\w])(?P<n>\d{{1,5}})\s+(?:[а-яё]+(?:ых|их)\s+)?{_WORKER_NOUN}"),
    # «нас человек 200», «человек под сорок»
    LowerPattern(r"\bчеловек\s+(?:(?:под|около|где-то|примерно)\s+)?(?P<n>\d{1,5})(?![\d\w])"),
    LowerPattern(r"\(\s*их\s+(?P<n>\d{1,5})\s*\)"),  # «сезонным рабочим (их 40)»
    # «нас 12.», «нас 12 в трёх магазинах», «нас 15 на складе», «нас около сотни по всем отделениям» (tuning
    # batch 1048), «нас ровно 10 — официанты, повара» (not a pay:
    # «оклад у нас 45.»)
    LowerPattern(
        r"(?<!оклад у )(?<!оклады у )(?<!зарплата у )(?<!зарплаты у )(?<!зп у )(?<!ставка у )"
        r"\bнас\s*[,—-]?\s*(?:(?:около|примерно|под|почти|больше|более|свыше|где-то|ровно|всего|уже)\s+)?"
        r"(?P<n>\d{1,5})(?:\s*[.,;!)]|\s*$|\s+(?:в|во|на|у|по)\s+(?!\d)|\s+[—–-]\s*(?![\d\s]))"
    ),
    # «нас там под сотню работает» (not «а нас там восемь, всё посчитано нормально — только у меня ошибка»)
    LowerPattern(
        r"\bнас\s+(?:(?:здесь|тут|там)\s+)?(?:(?:около|примерно|под|почти|больше|более|свыше|где-то)\s+)?"
        r"(?P<n>\d{1,5})\s+(?:работа|труди|трудя)\w*"
    ),
    # «месяц как не платят всем сорока, вообще ни копейки» (tuning batch 1064): «всем» and a number alone
    LowerPattern(r"\bвсем\s+(?P<n>\d{1,3})(?=\s*[.,;!?)]|\s+[—–-]|\s*$)"),
    # «Шестнадцать нас — парикмахеры, мастера …»: the number first, at the start of a sentence
    LowerPattern(r"(?:^|[.!?]\s+)(?P<n>\d{1,4})\s+нас\b"),
    LowerPattern(rf"\bещ[её]\s+(?P<n>\d{{1,5}})\s+{_WORKER_NOUN}"),
    # «водителей больше 30», not a sum owed to one of them: «водителю около 70 000», «кассиру около 40 тыс.»,
    # «долг перед работниками около 9 миллионов»
    LowerPattern(
        rf"{_WORKER_NOUN}\s+(?:больше|более|свыше|около|примерно)\s+(?P<n>\d{{1,5}})(?![\d\w])"
        r"(?!\s?\d{3}(?!\d)|\s*(?:тыс|руб|р\b|р\.|т\.|к\b|₽|млн|миллион|млрд|миллиард|лям))"
    ),
    LowerPattern(rf"(?:от\s+(?:лица|имени)|коллектив\w*\s*[-—]?)\s+(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}"),
    # «нас, преподавателей, в школе 19», «нас официантов 9»
    LowerPattern(
        rf"\bнас\s*,?\s+{_WORKER_NOUN}\s*,?(?:\s+(?:в|во|на|у)\s+[а-яё-]+)?\s+(?P<n>\d{{1,5}})(?=\s*[.,;!)]|\s*$)"
    ),
    # «работников на предприятии 63»
    LowerPattern(
        rf"{_WORKER_NOUN}\s+(?:на|в)\s+(?:предприяти\w*|завод\w*|фирм\w*|организаци\w*|компани\w*|цех\w*|"
        rf"участк\w*|смен\w*|бригад\w*|отдел\w*)\s+(?P<n>\d{{1,5}})(?=\s*[.,;!)]|\s*$)"
    ),
    # the signatures under a collective letter: «14 подписей», «подписи (18 подписей)», «подписали 15»
    LowerPattern(r"(?<![\d\w])(?P<n>\d{1,5})\s+подпис\w*"),
    LowerPattern(
        r"\bподписал[аи]?\s+(?P<n>\d{1,5})(?![\d\w])(?![./]\d)(?!\s*(?:час|дн|день|дня|лет|год|месяц|недел|"
        r"числ|тыс|руб|январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр))"
    ),
]


# the writer plus the others: the others' number + 1 («кроме меня ещё 12 человек» → 13, «остальным уборщицам
# (их 9)» → 10, «мне и ещё семерым» → 8); a rough number («ещё около 40 человек») is taken as it is
_ROUGH = r"(?:около|примерно|почти|более|больше|свыше|порядка|где-то|человек|под)\s+"
_PLUS_ONE_RES = [  # matched on fold_case(text), numerals already in digits
    LowerPattern(
        # «он и ещё 12 его земляков»: the worker the letter is about and the others
        r"\b(?:мне|меня|я|мной|он|она|ему|ей)\s+и\s+ещ[её]\s+(?P<rough>" + _ROUGH + r")?"
        r"(?P<n>\d{1,5})(?![\d\w])"
        r"(?!\s*(?:час|ч\b|дн|день|дня|смен|лет|год|месяц|недел|раз|тыс|руб|%|мин|к\b|т\.|т\b|р\b|р\.))"
    ),
    # «ни я, ни мои 11 товарищей», «мне и моим 5 коллегам»
    LowerPattern(
        r"\b(?:я|мне|меня|мной)\s*,?\s+(?:и|ни)\s+(?:мо[иеё]\w*|наш\w*)\s+(?P<n>\d{1,5})\s*"
        rf"(?:[а-яё]+(?:ых|их|ым|им)\s+)?(?:{_WORKER_NOUN}|товарищ\w*|напарник\w*)"
    ),
    LowerPattern(
        r"\b(?:кроме|помимо)\s+меня\b[^.;!?\d]{0,40}?(?P<rough>" + _ROUGH + r")?(?P<n>\d{1,5})\s*"
        rf"(?:[а-яё]+(?:ых|их)\s+)?(?:{_WORKER_NOUN}|таких|так\s+же|тоже|[,.;!)]|$)"
    ),
    LowerPattern(
        r"\bещ[её]\s+(?P<rough>" + _ROUGH + r")?(?P<n>\d{1,5})\s*(?:[а-яё]+(?:ых|их)\s+)?"
        rf"(?:{_WORKER_NOUN})?\s*(?:таких\s+же|тоже|также)"
    ),
    LowerPattern(r"\bещ[её]\s+(?P<rough>" + _ROUGH + rf")?(?P<n>\d{{1,5}})\s*{_WORKER_NOUN}"),
    LowerPattern(r"(?:остальн|други)\w*\s+(?:\w+\s+){0,3}?\(\s*их\s+(?P<n>\d{1,5})\s*\)"),
    # «от себя и четверых бывших коллег» (numerals in words read as «4 человек»)
    LowerPattern(
        r"\bот\s+(?:себя|меня)\s+и\s+(?:ещ[её]\s+)?(?P<n>\d{1,5})\s+"
        rf"(?:человек\b|(?:[а-яё]+(?:ых|их)\s+)?(?:{_WORKER_NOUN}|товарищ\w*|напарник\w*))"
    ),
]
# the writer and one workmate, no number given: «нам с напарницей не выплатили», «мы со сменщиком», «я и моя
# коллега» (not «мы с мужем»: the labels count a spouse's letter as one worker's)
_PAIR_RE = LowerPattern(
    r"\b(?:мы|нам|нас)\s+со?\s+(?:напарни\w+|сменщи\w+|коллегой|подругой|товарищем|другом)\b|"
    r"\bкроме\s+нас\s+со?\s+[а-яё]+(?:ом|ем|ой|ей)\b|"  # «всем пришло, кроме нас с братом»
    r"\bя\s+и\s+мо[йя]\s+(?:коллег\w*|напарни\w*|сменщи\w*)\b|"
    # «уволили меня и напарника», «я и сменщица» (one person: «я и коллеги» are more), «нам обеим отказали»
    # (not «вдвоём с напарником», which mostly tells how a shift is manned, as «мы вдвоём» below)
    r"\b(?:я|меня|мне)\s+и\s+(?:мо(?:й|я|его|ю|ей|ему)\s+)?"
    r"(?:коллег(?:а|у|е|ой)|напарни(?:к|ка|ку|ца|цу|це)|сменщи(?:к|ка|ку|ца|цу|це))\b|"
    r"\b(?:нам|нас|мы)\s+(?:обоим|обеим|оба|обе)\b|\b(?:обоим|обеим)\s+(?:не\s+)?[а-яё]+ли\b"
)
# the writers as a group counted by a collective numeral: «работаем втроём», «нас оставили вчетвером», «мы
# вшестером уволились», «пишем впятером»; not a family at home («живём вчетвером») or a rule («положено
# вдвоём»), and not «мы вдвоём», which mostly tells how a shift is manned («на ночной смене мы вдвоём вместо
# шести»)
_TOGETHER_NUMERALS = {
    "втроем": 3,
    "вчетвером": 4,
    "впятером": 5,
    "вшестером": 6,
    "всемером": 7,
    "ввосьмером": 8,
    "вдевятером": 9,
    "вдесятером": 10,
}
_WRITERS_TOGETHER_RE = LowerPattern(
    r"\b(?:мы|нас|работа(?:ем|ли)|труди(?:мся|лись)|дежури(?:м|ли)|уволил(?:ись|и)|остались|пиш(?:ем|ут)|"
    r"обраща(?:емся|ются)|обратились)\s+(?:\w+\s+)?"
    rf"(?P<n>{'|'.join(_TOGETHER_NUMERALS).replace('ое', 'о[её]')})\b"
)
# a part of the firm: «нашему участку из 12», «бригаде из 8 человек»
_GROUP = r"(?:участ|бригад|смен|отдел|цех|коллектив|групп|звен|отделени)\w*"
_GROUP_OF_RE = LowerPattern(
    rf"\b{_GROUP}\s+из\s+(?P<n>\d{{1,5}})(?![\d\w])"
    r"(?!\s*(?:час|ч\b|дн|день|дня|смен|лет|год|месяц|%|тыс|руб))"
)
# teams of equal size: «три бригады по 8 человек» → 24
_TEAMS_OF_RE = LowerPattern(
    r"\b(?P<a>\d{1,2}|две|два|три|четыре|пять|шесть|семь)\s+(?:бригад|смен|звень|групп|отряд|команд|экипаж)\w*"
    r"\s+по\s+(?P<b>\d{1,3})(?![\d\w])(?!\s*(?:час|ч\b|дн|день|дня|смен|лет|год|месяц|%|тыс|руб|к\b))"
)
# a list of trades with their numbers: «3 крановщика, 5 стропальщиков, 4 сварщика и 2 мастера» → 14
_TRADE_LIST_RE = re.compile(r"(?<![\d\w])\d{1,3}\s+[а-яё-]+(?:\s*(?:,|\bи\b)\s*\d{1,3}\s+[а-яё-]+)+")
_TRADE_ITEM_RE = re.compile(r"(\d{1,3})\s+([а-яё-]+)")


def _trade_list_total(folded: str) -> list[int]:
    """The sum of each list of two or more «number + people noun» items (every noun animate for pymorphy:
    «швеи», «закройщицы»; not «3 месяца и 5 дней»)."""
    totals = []
    for match in _TRADE_LIST_RE.finditer(folded):
        items = _TRADE_ITEM_RE.findall(match.group())
        if all(_is_people_noun(word) for _, word in items):
            totals.append(sum(int(n) for n, _ in items))
    return totals


def _is_people_noun(word: str, singular: bool = False) -> bool:
    parse = morph.analyzer().parse(word)[0]
    return "NOUN" in parse.tag and "anim" in parse.tag and (not singular or "sing" in parse.tag)


# the whole firm's headcount («на предприятии работает 500 человек»): the number affected only when the text
# gives no other
_HEADCOUNT_RE = LowerPattern(
    r"(?:на\s+(?:предприяти|завод|фабрик|комбинат|фирм|производств|шахт|руднике)\w*|в\s+(?:компани|организаци|"
    r"фирм|холдинг|сети|учреждени)\w*|всего|штат\w*|численност\w*)\s+(?:\w+\s+){0,2}?"
    r"(?:работа\w+\s+|трудится\s+|трудятся\s+)?"
    + _APPROX
    + r"(?P<n>\d{1,5})\s*(?:человек|чел\b|сотрудник|работник)"
)
# ranges of people: the lower bound («15-20 человек» → 15, «от 30 до 40 человек» → 30)
_RANGE_PEOPLE_RE = re.compile(
    rf"(?P<a>\d{{1,5}})\s*(?:[-–—]|до)\s*(?P<b>\d{{1,5}})(?=\s*(?:[а-яё]+(?:ых|их)\s+)?{_WORKER_NOUN})"
)
# collective numerals always count people («трое с отравлением», «двое горняков»), except children and days
_COLLECTIVE_RE = re.compile(
    r"(?<![\w-])(?<!\bза )(?<!\bна )(?<!\bпо )(?<!\bиз )(?<!\bвместо )"
    r"(?P<w>двое|двоих|двоим|трое|троих|троим|четверо|четверых|четверым|пятеро|пятерых|пятерым|шестеро|"
    r"шестерых|шестерым|семеро|семерых|семерым|восьмеро|восьмерых|девятеро|девятерых|десятеро|десятерых)"
    r"(?![\w-])(?!\s+(?:\w+\s+)?(?:дет|ребят(?:ишек|ок)|сыновей|дочер|внук|суток|сутки|малыш|несовершеннолет))"
)
_TENS = r"(?P<u>десят(?:ок|ка|ков|ку)|сот(?:ни|ен|ню)|дюжин\w*)"
# tens and hundreds of money or things are no people («должны больше двух сотен тысяч»)
_MONEY_OR_MEASURE_AFTER = r"(?!\s*(?:тыс|тыщ|руб|р\b|₽|млн|миллион|км|километр|метр|лет|раз|штук|кг|тонн))"
_TIMES_RE = re.compile(
    rf"(?<![\w-])(?P<a>\d{{1,3}}|пар[ау]|полтора|полторы)\s+{_TENS}(?![\w-]){_MONEY_OR_MEASURE_AFTER}"
)  # «два десятка»
# «десятка два», «десятка полтора»
_TIMES_BACK_RE = re.compile(rf"(?<![\w-]){_TENS}\s+(?P<a>\d{{1,2}}|полтора|полторы)(?![\d\w])")
_TEN_RE = re.compile(r"(?<![\w-])(?:десяток|десятка|дюжина|дюжину)(?![\w-])")


def _unit(word: str) -> int:
    return 10 if word.startswith("десят") else 12 if word.startswith("дюжин") else 100


def _times(match: re.Match[str]) -> str:
    a = match.group("a")
    factor = 2.0 if a.startswith("пар") else 1.5 if a.startswith("полтор") else float(a)
    return f"{int(factor * _unit(match.group('u')))} человек"


def _normalise_counts(folded: str) -> str:
    """Numerals in digits, ranges to their lower bound, «два десятка» → «20 человек»."""
    if " с " in folded:
        folded = _ROUGHLY_RE.sub(r"\1", folded)
    if "-" in folded or "–" in folded or "—" in folded or " до " in folded:
        folded = _RANGE_PEOPLE_RE.sub(
            lambda m: m.group("a") if int(m.group("a")) < int(m.group("b")) else m.group(), folded
        )
    return folded


def _short_prechecks(patterns: Iterable[LowerPattern]) -> None:
    """A pattern whose only required literals are the ~130 worker nouns spends more time on that pre-check
    than on the match itself (the text is known to hold a digit): pre-check «ещё» or nothing instead."""
    for pattern in patterns:
        if pattern.literals is not None and len(pattern.literals) > 12:
            pattern.literals = ("ещ",) if pattern.pattern.startswith(r"\bещ[её]") else None


_short_prechecks([*_WORKERS_RES, *_WORKERS_FALLBACK_RES, *_PLUS_ONE_RES])

_ANY_DIGIT_RE = re.compile(r"\d")

# cardinal numerals in words (any case form, «ё» or «е»), for «сорок водителей», «человек семьдесят»,
# «двадцати работникам», «трое рабочих»; «сотня» and «полсотни» count as 100 and 50
_NUMERAL_FORMS: dict[int, str] = {
    2: r"два|две|двух|двум|двумя|двое|двоих|двоим|двоими",
    3: r"три|тр[её]х|тр[её]м|тремя|трое|троих|троим|троими",
    4: r"четыре|четыр[её]х|четыр[её]м|четырьмя|четверо|четверых|четверым",
    5: r"пять|пяти|пятью|пятеро|пятерых|пятерым",
    6: r"шесть|шести|шестью|шестеро|шестерых|шестерым",
    7: r"семь|семи|семеро|семерых|семерым",
    8: r"восемь|восьми|восемью|восьмью|восьмеро|восьмерых|восьмерым",
    9: r"девять|девяти|девятью|девятеро|девятерых|девятерым",
    10: r"десять|десяти|десятью|десятеро|десятерых|десятерым",
    11: r"одинн?адцат(?:ь|и|ью)",  # «одинадцать»: a common typo
    12: r"двенадцат(?:ь|и|ью)",
    13: r"тринадцат(?:ь|и|ью)",
    14: r"четырнадцат(?:ь|и|ью)",
    15: r"пятнадцат(?:ь|и|ью)",
    16: r"шестнадцат(?:ь|и|ью)",
    17: r"семнадцат(?:ь|и|ью)",
    18: r"восемнадцат(?:ь|и|ью)",
    19: r"девятнадцат(?:ь|и|ью)",
    20: r"двадцат(?:ь|и|ью)",
    30: r"тридцат(?:ь|и|ью)",
    40: r"сорок|сорока",
    50: r"пятьдесят|пятидесяти|пятьюдесятью|полсотни|полусотни|полсотню",
    60: r"шестьдесят|шестидесяти|шестьюдесятью",
    70: r"семьдесят|семидесяти|семьюдесятью",
    80: r"восемьдесят|восьмидесяти|восемьюдесятью",
    90: r"девяносто|девяноста",
    100: r"сто|ста|сотня|сотни|сотню|сотней|сотен",
    200: r"двести|двухсот|двумстам|двумястами",
    300: r"триста|тр[её]хсот|тр[её]мстам|тремястами",
    400: r"четыреста|четыр[её]хсот|четыр[её]мстам|четырьмястами",
    500: r"пятьсот|пятисот|пятистам|пятьюстами",
    600: r"шестьсот|шестисот|шестистам",
    700: r"семьсот|семисот|семистам",
    800: r"восемьсот|восьмисот|восьмистам",
    900: r"девятьсот|девятисот|девятистам",
}
_NUMERAL_VALUE = {
    form: value for value, forms in _NUMERAL_FORMS.items() for form in forms.split("|") if "(" not in form
}
_NUMERAL_WORD = "|".join(f"(?:{forms})" for _, forms in sorted(_NUMERAL_FORMS.items(), reverse=True))
_NUMERAL_RUN_RE = re.compile(rf"(?<![\w-])(?:{_NUMERAL_WORD})(?:\s+(?:{_NUMERAL_WORD}))*(?![\w-])")
_NUMERAL_ONE_RE = re.compile(rf"(?:{_NUMERAL_WORD})")


def _numeral_value(word: str) -> int:
    word = word.replace("ё", "е")
    if word in _NUMERAL_VALUE:
        return _NUMERAL_VALUE[word]
    return next(v for v, forms in _NUMERAL_FORMS.items() if re.fullmatch(forms, word))


def numerals_to_digits(text: str) -> str:
    """Lower-case text with cardinal numerals in words written as digits («сто двадцать пять» → «125»); a run
    of numeral words is summed when its parts fall in size (hundreds, tens, units), else each is written."""

    def replace(match: re.Match[str]) -> str:
        words = match.group().split()
        values = [_numeral_value(w) for w in words]
        hundreds = [v for w, v in zip(words, values, strict=True) if not w.startswith(("сотн", "сотен"))]
        if len(words) == 2 and len(hundreds) == 1 and 1 < hundreds[0] < 10:
            return str(hundreds[0] * 100)  # «две сотни», «сотни две» → 200 (not «2 100», «102»)
        if all(a > b and len(str(a)) > len(str(b)) for a, b in zip(values, values[1:], strict=False)):
            return str(sum(values))
        return " ".join(str(v) for v in values)

    return _NUMERAL_RUN_RE.sub(replace, text)


_ROUGHLY_RE = re.compile(r"(\d)\s+с\s+(?:лишним|небольшим|хвостиком|копейками)\b")  # «30 с лишним человек»


_COUNTED_OUT_OF_RE = re.compile(r"\bиз\s+(?:(?:около|примерно|почти|более|свыше|всего)\s+)?$")


def _largest_workers(folded: str) -> int | None:
    folded = _normalise_counts(folded)
    headcounts = [(m.start("n"), m.end("n"), int(m.group("n"))) for m in _HEADCOUNT_RE.finditer(folded)]

    def outside(match: re.Match[str]) -> bool:
        return not headcounts or not any(s <= match.start("n") < e for s, e, _ in headcounts)

    specific = [int(m.group("n")) for p in _WORKERS_RES for m in p.finditer(folded) if outside(m)]
    specific += [int(m.group("n")) for m in _GROUP_OF_RE.finditer(folded)]
    for m in _TEAMS_OF_RE.finditer(folded):
        teams = int(m.group("a")) if m.group("a").isdigit() else _numeral_value(m.group("a"))
        specific.append(teams * int(m.group("b")))
    if "," in folded or " и " in folded:
        specific += _trade_list_total(folded)
    for pattern in _PLUS_ONE_RES:
        for m in pattern.finditer(folded):
            specific.append(int(m.group("n")) + (0 if m.groupdict().get("rough") else 1))
    fallback = [m for p in _WORKERS_FALLBACK_RES for m in p.finditer(folded) if outside(m)]
    if len(fallback) > 1:
        # «из 450 работников … перед 312 работниками»: the whole the affected are counted out of
        parts = [
            m for m in fallback if not _COUNTED_OUT_OF_RE.search(folded, max(0, m.start() - 12), m.start("n"))
        ]
        fallback = parts or fallback
    for found in (specific, [int(m.group("n")) for m in fallback]):
        found = [n for n in found if 1 < n < 100_000]
        if found:
            return max(found)
    found = [n for _, _, n in headcounts if 1 < n < 100_000]
    return max(found) if found else None


def _words_to_counts(folded: str) -> str:
    """Numbers of people in words → digits: «трое» → «3 человек», «два десятка» / «десятка два» → «20
    человек», «десяток» → «10 человек», then every other numeral («сорок» → «40»)."""
    if any(stem in folded for stem in _COLLECTIVE_STEMS):
        folded = _COLLECTIVE_RE.sub(lambda m: f"{_numeral_value(m.group('w'))} человек", folded)
    folded = numerals_to_digits(folded)
    if "десят" in folded or "сот" in folded or "дюжин" in folded:
        folded = _TIMES_RE.sub(_times, folded)
        folded = _TIMES_BACK_RE.sub(_times, folded)
        folded = _TEN_RE.sub(lambda m: f"{_unit(m.group())} человек", folded)
    return folded


_COLLECTIVE_STEMS = (
    "двое",
    "двои",
    "трое",
    "трои",
    "четвер",
    "пятер",
    "шестер",
    "семер",
    "восьмер",
    "девятер",
    "десятер",
)


# a shift pattern is not a number of people: «сутки через двое», «два через два», «2/2»,
# «неделя через неделю», «смена через две» (blanked before counting, same length)
_SHIFT_UNIT = (
    r"(?:сутк[иа]|сутками|день|дня|ночь|неделя|неделю|недели|месяц|смен[аыу]|вахт[аыу]|\d{1,2}|"
    r"один|одна|одну|одни|два|две|двое|три|трое|четыре|четверо|пять|шесть|семь)"
)
_SHIFT_RE = re.compile(
    rf"(?<![\w-]){_SHIFT_UNIT}\s+через\s+{_SHIFT_UNIT}(?![\w-])|(?<![\d/])\d{{1,2}}/\d{{1,2}}(?![\d/])"
)
# a subset named after the total: «нас 45, из них 12 не платят» → 12, «бригада 20 человек, из которых 8 …»
_SUBSET_RE = re.compile(
    rf"(?P<total>\d{{1,5}})\s*(?:[а-яё]+(?:ых|их)\s+)?(?:{_WORKER_NOUN})?\s*[,;:(—-]?\s*из\s+(?:них|которых|нас)\s+"
    rf"(?:(?:около|примерно|почти|более|больше|свыше|только|лишь|всего|человек)\s+)?(?P<n>\d{{1,5}})(?![\d\w])"
    rf"(?!\s*(?:тыс|руб|%|час|ч\b|дн|день|дня|смен|лет|год|месяц|недел|раз|мин|к\b|т\.|т\b|р\b|р\.))"
    r"(?!\s*[—-]?\s*(?:член|являют))"  # «127 человек, из них 118 — члены профсоюза»: all 127 are affected
)


def _blank_shifts(folded: str) -> str:
    if "через" not in folded and "/" not in folded:
        return folded
    return _SHIFT_RE.sub(lambda m: " " * len(m.group()), folded)


# the others, of whom the clause says what they lack: «остальным 23 не заплатили», «оставшимся семерым
# зарплату не платят», «остальные 24 работают без договора» (not «остальные 13 отпуск получают нормально»)
_REST_RE = re.compile(
    r"\b(?:остальн|оставш)\w*\s+(?:\w+\s+)?(?P<n>\d{1,5})(?![\d\w])(?!\s*(?:тыс|руб|%|час|дн|день|дня|лет|год|месяц))"
    r"[^.;!?,—]{0,60}?\b(?:не|без|ни)\b"
)
# a part of the writers: «пятеро из нас» (→ «5 человек из нас»), «12 человек из нас»
_PART_OF_US_RE = re.compile(r"(?<![\d\w])(?P<n>\d{1,5})\s+(?:человек\s+)?из\s+нас\b")
# the rest counted as paid: «Нас в смене 28 человек. Не выплачена зарплата за май: … Остальным 25 выплачено» —
# the unpaid are the staff less the rest
_REST_PAID_RE = re.compile(
    r"\b(?:остальн|оставш)\w*\s+(?P<n>\d{1,5})(?![\d\w])\s+(?:\w+\s+)?(?<!не )"
    r"(?:выплачен\w*|выплатил\w*|заплатил\w*|получил\w*|перечислил\w*|пришл\w*|рассчитал\w*)"
)
# a part of the total named before it, at the head of its clause and not paid or given something: «числится
# 34 сотрудника. 22 из них … до сих пор не получили» (not «подписали 17 из них», «двум из них предложено
# уволиться»)
_PART_OF_THEM_RE = re.compile(
    r"(?:^|[.!?;,:—-]\s*)(?P<n>\d{1,5})\s+(?:человек\s+)?из\s+(?:них|которых)\b[^.!?]{0,80}?"
    r"\bне\s+(?:получ|плат|выплач|выда|оформ|заплат|перечисл|начисл|оплач)"
)
_WE_RE = re.compile(r"\b(?:мы|нас|нам)\b")
# a part named before the total the text counts, in a clause that says they were not paid («нас около ста, …
# не получили человек двадцать из ста»; not «оформлены только 3 из 11», «привязи выданы на 3 из 9»)
_PART_OF_TOTAL_RE = re.compile(
    r"(?<![\d\w])(?P<n>\d{1,5})\s+(?:человек\s+)?из\s+(?P<total>\d{1,5})(?![\d\w])"
)
_UNPAID_VERB = r"не\s+(?:получ|плат|выплат|выплач|выда|заплат|перечисл|начисл|оплач|пришл)"
_UNPAID_RE = re.compile(rf"\b{_UNPAID_VERB}")


def _clause_of(text: str, match: re.Match[str]) -> tuple[int, int]:
    """The start and end of the clause of the match (between «.», «!», «?», «;»)."""
    start = max(text.rfind(ch, 0, match.start()) for ch in ".!?;") + 1
    ends = [i for i in (text.find(ch, match.end()) for ch in ".!?;") if i >= 0]
    return start, min(ends, default=len(text))


def _unpaid_in_clause(text: str, match: re.Match[str]) -> bool:
    """The clause of the match says someone was not paid."""
    return _UNPAID_RE.search(text, *_clause_of(text, match)) is not None


def _subset(folded: str, converted: str, total: int | None) -> int | None:
    """The part of the total the text names as affected — the subset right after the total («нас 45, из них 12
    …», «17 медсестёр, из них четверым»), the others who lack something («из 35 швей получили 12, остальным 23
    не заплатили»), «пятеро из нас» — else the total. `converted` is `folded` with its numerals in digits."""
    if total is None or not (" из " in folded or "остальн" in folded or "оставш" in folded):
        return total
    texts = [_normalise_counts(folded)]
    if converted != folded:
        texts.append(_normalise_counts(converted))
    for text in texts:
        for m in _SUBSET_RE.finditer(text):
            if int(m.group("total")) == total and 1 < int(m.group("n")) < total:
                return int(m.group("n"))
        for m in _REST_RE.finditer(text):
            if 1 < int(m.group("n")) < total:
                return int(m.group("n"))
        for m in _REST_PAID_RE.finditer(text):
            if 1 <= total - int(m.group("n")) < total:
                return total - int(m.group("n"))
        for m in _PART_OF_THEM_RE.finditer(text):
            if 1 < int(m.group("n")) < total:
                return int(m.group("n"))
        for m in _PART_OF_TOTAL_RE.finditer(text):
            if (
                int(m.group("total")) == total
                and 1 < int(m.group("n")) < total
                and _unpaid_in_clause(text, m)
            ):
                return int(m.group("n"))
        for m in _PART_OF_US_RE.finditer(text):
            # not when the writers counted themselves first: «нас девять … у двоих из нас были больничные»
            if 1 < int(m.group("n")) < total and not _WE_RE.search(text, 0, m.start()):
                return int(m.group("n"))
    return total


# the writer among a few unpaid in a bigger staff: «из 50 человек не выплатили только мне и ещё одной», «нам
# троим (из 55 сотрудников)», «всем выплатили, а мне одному нет»; not «не только мне — всему коллективу»,
# «долг только мне 186 тысяч»; «пришла всем, кроме меня одного» (not «всем, кроме меня ещё, …»)
_ALL_BUT_ME = (
    r"\b(?:все(?:м|х)?|никто|никого|никому)\b[^.!?]{0,100}?(?:[.!]\s+)?\bкроме меня\b(?!,? (?:ещё|еще|не)\b)"
    r"(?! и ещ[её] (?!одн))"
)
# «Мне одному задержали расчёт», «мне одной из всех не платят», «всем заплатили, мне одной нет» (not «мне
# одной должны 96 тысяч»: the writer's share of a debt)
_ME_ALONE_WRONGED = (
    r"\bмне (?:одному|одной)\b"
    r"(?=\s+(?:из [^.!?]{0,40}?)?(?:\w+\s+)?(?:не\b|нет\b|задерж|недоплат|урезал|снял))"
)
_FEW_NUMERAL = r"двоим|двум|троим|тр[её]м|четверым|четыр[её]м"
# «а меня одного оставили на вторую вахту» (not «у меня одного долг 180 тысяч»: the writer's share)
_ME_ALONE_SET_APART = r"(?<!у )\bменя (?:одного|одну)\b"
# a few counted with the writer among them: «половине отдела — троим, включая меня», «пятерым, в том числе
# мне», «штрафы сняли только у нас троих»
_FEW_WITH_ME = (
    r"\b(?P<with_me>двоим|троим|четверым|пятерым|шестерым|двое|трое|четверо|пятеро|шестеро),?\s+"
    r"(?:включая|в том числе(?: и)?)\s+(?:меня|мне)\b|"
    r"\bтолько у нас (?P<us_few>двоих|троих|четверых|пятерых)\b"
)
# the few set apart from the paid rest: «получили все, кроме нас, четверых работающих пенсионеров», «кроме
# семерых из кухни, включая меня», «кроме меня и ещё двоих ребят» (the writer and two)
_BUT_FEW = r"двоих|троих|четверых|пятерых|шестерых|семерых|восьмерых|девятерых"
_BUT_FEW_RE = (
    rf"\bкроме\s+(?:нас,?\s+)?(?P<but_few>{_BUT_FEW})\b|"
    r"\bкроме\s+меня\s+и\s+ещ[её]\s+(?P<but_plus>двоих|троих)\b"
)
# «только» / «лишь» not denied and not a share of a debt («не только мне», «долг только мне 186 тысяч»)
_ONLY = r"(?<!не )(?<!долг )(?<!должны )\b(?:только|лишь) "


# the others paid and the writer not: «всем зп пришла, а мне нет», «им платят, а мне — нет», «а вот мне
# самому не выплачивают», a sentence later after «а / но» («у всех трудовые договоры. А меня …», «все уходят в
# отпуск по графику, а мой отпуск переносят»); not «остальным выплатили» alone (it does not say how many were
# not paid), not «мне одной должны 96 тысяч», «у всех одно и то же. Мне лично должны …» (the writer's share)
def _others_paid(unpaid: str) -> str:
    """The pattern with `unpaid` (an alternation) for who was not paid."""
    return (
        r"\b(?:всем|все|у всех|им|остальным)\b(?:(?!\bне\b)[^.!?]){0,100}?(?:,?|[.!])\s+(?:а|но)\s+"
        rf"(?:вот\s+)?(?:{unpaid})\b(?!\s+лично)|"
        # «всем зп пришла, мне нет», «зарплата пришла всем пятнадцатого, мне — нет»
        r"\b(?:всем|все|у всех|им|остальным)\b(?:(?!\bне\b)[^.!?]){0,100}?,\s*"
        rf"(?:{unpaid})\s*[—–-]?\s*нет\b|"
        r"\bа (?:вот )?мне (?:самому|самой)\b|"
        # the other way round: «мне не выплачена, хотя у всех остальных водителей (их у нас около двадцати)
        # пришла» (tuning batch 1048)
        rf"\b(?:{unpaid})\b(?!,?\s+(?:и|с|со|да|вместе)\b)[^.!?]{{0,60}}?"
        r"\bне\s+(?:выплач|плат|заплат|перечисл|перев[её]л|пришл|получ|дал)\w*"
        r"[^.!?]{0,60}?,?\s+(?:хотя|тогда как|в то время как)\s+(?:у\s+)?(?:всем|всех|остальным)\b"
        r"(?:(?!\bне\b)[^.!?]){0,80}?\b(?:пришл|получил|выплатил|выплачен|заплатил|перев[её]л|перечислил|"
        r"дали|выдали)\w*"
    )


_OTHERS_PAID = _others_paid("мне|нам|меня|у меня|мо[йяюё]")
# the writer alone: the count is one
_OTHERS_PAID_ME_RE = re.compile(_others_paid("мне|меня|у меня|мо[йяюё]"))
# … and no one with the writer («а мне и ещё двоим — нет», «а мне с напарником»)
_OTHERS_PAID_ME_ALONE_RE = re.compile(rf"(?:{_OTHERS_PAID_ME_RE.pattern})(?!,?\s+(?:и|с|со|да|вместе)\b)")
_FEW_OF_STAFF_RE = re.compile(
    _ONLY + r"(?:мне|нам|(?:с )?меня|ему|ей)\b|" + _ONLY + r"я (?:одна|один)\b|"
    rf"\bнам (?:{_FEW_NUMERAL})\b|\bа мне (?:одному|одной)\b|\b(?:одна|один) я\b|"
    r"\bне\s+\w+\s+мне\s+(?:одному|одной)\b|" + _ME_ALONE_SET_APART + r"|" + _FEW_WITH_ME + r"|"
    r"\bвсе\b,?\s+кроме\s+(?:меня|нас)\b|" + _BUT_FEW_RE + r"|"
    r"\bне\s+(?:получил|получила|получили|пришл\w*|заплатил\w*|выплатил\w*|перечислил\w*|дали|выдали)\s+"
    r"(?:\w+\s+){0,3}?(?<!не )только\s+(?:я\b|мы\s+(?:двое|трое|четверо)\b)|"
    rf"\bне\s+(?:платят|заплатили|выплатили|выплачивают|перечислили)\s+(?:только\s+)?(?:{_FEW_NUMERAL})\b|"
    r"\bне\s+(?:получил|получила|получили)\s+(?:я|мы) и ещ[её]\b|"
    + _ALL_BUT_ME
    + r"|"
    + _OTHERS_PAID
    + r"|"
    + _ME_ALONE_WRONGED
)
_FEW_COUNT_RE = re.compile(
    rf"\b(?:нам|только|платят|заплатили|выплатили|выплачивают|перечислили) (?P<few>{_FEW_NUMERAL})\b|"
    r"\b(?:мы|нас) (?P<group>двое|трое|четверо)\b|"
    r"\b(?:я|мне|ей|ему) и (?:ещ[её] )?(?P<plus>двум|две|два|двое|двоим|трем|трое|троим|три)\b|"
    r"\b(?:(?:мне|меня) (?:и|с)|(?:нам|нас) с) (?:ещ[её] |мо\w+ |одн\w+ )?"
    r"(?P<pair>одн\w*|коллег\w*|сменщи\w*|напарни\w*|повар\w*|помощни\w*|механик\w*|водител\w*)\b|"
    r"(?<!не )\b(?:мне|я|меня) (?P<alone>одному|одной|один|одна|самому|самой)\b|\b(?:одна|один) я\b|"
    + _ME_ALONE_SET_APART
    + r"|"
    + _FEW_WITH_ME
    + r"|"
    + _BUT_FEW_RE
    + r"|"
    # «всем, кроме меня и ещё одной учительницы»
    + _ALL_BUT_ME
    + r"(?: и (?:ещ[её] )?(?P<but_one>одн\w*))?"
)


def _few_of_staff(folded: str) -> int | None:
    """How many of a bigger staff are affected when the writer says only they and one or two others are:
    «нам троим» → 3, «мне и ещё одной» → 2, «мне одному», «всем, кроме меня» → 1; None when the text does not
    say."""
    match = _FEW_COUNT_RE.search(folded)
    if match is None:
        # «всем пришла, а мне нет»: the writer alone; «только мне» with no number: not said
        return 1 if _OTHERS_PAID_ME_RE.search(folded) else None
    counted = match.group("few") or match.group("group") or match.group("but_few")
    counted = counted or match.group("with_me") or match.group("us_few")
    if counted:
        return _numeral_value(counted)
    if match.group("plus") or match.group("but_plus"):
        return 1 + _numeral_value(match.group("plus") or match.group("but_plus"))
    return 2 if match.group("pair") or match.group("but_one") else 1


# the people a grievance verb is said of, when the text also gives a bigger staff: «в ноябре квартальную
# премию сняли у 25 сварщиков» (of 80 in the shop), «двенадцати курьерам удержали штрафы» (of 30) — matched on
# the text with its numerals in digits
_GRIEVANCE_VERB = (
    r"(?:не\s+(?:получа|получил|плат|выплач|выплатил|заплатил|начисл|оплач|оплатил|перечисл|дал|дают|выдал|выдают)\w*|"
    r"оштрафовал\w*|удержал\w*|удерживают|сняли|снимают|лишили|сократил\w*|сокращ\w*)"
)
_OTHERS_BEFORE_RE = re.compile(r"\bещ[её]\s+$")
_LIST_AFTER_RE = re.compile(r"\s*[а-яё-]+\s+и\s+\d")
# the writers counting themselves («нас 13 человек», «мы, 17 монтажников») or the writer and the others
# («кроме меня не получили 12 человек», «мне и моим 5 коллегам»): the count that is meant
_WRITERS_COUNT_RE = re.compile(
    r"\b(?:нас|мы|нам)\b[^.!?\d]{0,80}?\d|\b(?:кроме|помимо)\s+меня\b|\b(?:мне|меня|я)\s*,?\s+(?:и|ни)\s+(?:мо|наш|ещ)"
)
_GRIEVANCE_COUNT_RES = [
    re.compile(
        rf"(?<![\d\w])(?P<n>\d{{1,5}})\s*(?:[а-яё]+(?:ых|их|ым|им)\s+)?{_WORKER_NOUN}(?:\s+[\w«»\"]+){{0,4}}?\s+"
        rf"{_GRIEVANCE_VERB}"
    ),
    re.compile(
        rf"{_GRIEVANCE_VERB}(?:\s+[\w«»\"]+){{0,4}}?\s+(?:у\s+)?(?P<n>\d{{1,5}})\s*(?:[а-яё]+(?:ых|их|ым|им)\s+)?"
        rf"{_WORKER_NOUN}"
    ),
]


def _grievance_count(converted: str, staff: int) -> int | None:
    """The largest number of people a grievance verb is said of that is smaller than the staff found, or
    None; `converted` is the folded text with its numerals in digits."""
    converted = _normalise_counts(converted)
    if _WRITERS_COUNT_RE.search(converted):
        return None
    counts = [
        int(m.group("n"))
        for p in _GRIEVANCE_COUNT_RES
        for m in p.finditer(converted)
        # not the others beside the writer («мне и ещё двум сотрудникам») nor one item of a list («23 водителя
        # и 4 кондуктора»)
        if not _OTHERS_BEFORE_RE.search(converted, max(0, m.start("n") - 8), m.start("n"))
        and not _LIST_AFTER_RE.match(converted, m.end("n"))
    ]
    counts = [n for n in counts if 1 < n < staff]
    return max(counts) if counts else None


# a majority paid while a part was not: «зарплату получили все, кроме …», «всем членам бригады перечислили …,
# а мне нет», «остальные цеха получают вовремя», «двенадцать получили расчёт, а мы трое нет»; not «не
# получили все», «все деньги», «остальное» (money) — matched on the folded text (ё kept or not)
_PAY_VERB = r"(?:выплатил\w*|выплачивают|перечислил\w*|заплатил\w*|платят|начислил\w*)"
_PAY_VERB_RE = re.compile(_PAY_VERB)
# verbs of receiving or giving that speak of pay only beside a pay word in the clause («премию дали», not
# «другим такие справки дают»)
_PAID_VERB = (
    rf"(?:{_PAY_VERB}|получил\w*|получают|выдал\w*|выдают|пришл\w*|перевели|дали|дают|предоставил\w*|"
    r"предоставляют|подняли|повысили)"
    # not the way all are paid («всем платят в конверте», «всем так начислили»)
    # nor what all are paid («всем платят 14 000 на руки»)
    r"(?!\s+(?:в\s+конверт|наличн|налом|так\b|тоже\b|одинаково|с\s+задержк|с\s+опоздани|поздно|не\s+вовремя|"
    r"(?:по\s+)?\d))"
)
# people, not money or days, and not the writers themselves («нам всем выплачивают поздно»); other units («все
# цеха», «другим отделам») only beside the whole firm's headcount: else the writers' unit may be all that is
# counted («цех упаковки, 11 человек. … Остальные цеха зарплату получают»)
_MANY_PAID = (
    r"(?<!\bнам )(?<!\bнас )(?<!\bмы )"
    r"(?:все(?!\s+(?:деньги|долги|суммы|ок\b))(?<!\bи все)|всем(?!\s+нам\b)|остальн(?:ым|ые|ых)|други(?:м|е)|"
    r"весь\s+остальн\w+)"
    r"(?!\s+(?:\d|дн|сутк|час))"
)
_UNITS = r"(?!\s+(?:цех|отдел|подразделен|бригад|участк|смен|филиал|площадк))"
# within a clause part: no denial, no comma, dash or bracket between the many and the verb
_NO_DENIAL = r"(?:(?!\b(?:не|так|тоже|также)\b)[^.!?;,—:()])"


def _majority_paid_pattern(many: str) -> re.Pattern[str]:
    return re.compile(
        # «все остальные, кто вышел, премию получили»
        rf"(?<![\w-]){many}\b(?:,\s*(?:кто|которы\w+)\b[^,.!?;]{{0,40}},)?"
        rf"{_NO_DENIAL}{{0,40}}?(?<!\bне )\b{_PAID_VERB}\b|"
        rf"(?<!\bне )\b{_PAID_VERB}\b{_NO_DENIAL}{{0,25}}?(?<![\w-]){many}\b|"
        rf"(?:^|[.!?;]\s*)\d{{1,4}}\s+(?:человек\s+)?{_PAID_VERB}\b"
    )


_MAJORITY_PAID_RE = _majority_paid_pattern(_MANY_PAID + _UNITS)
_UNITS_PAID_RE = _majority_paid_pattern(_MANY_PAID)
_PAY_WORD_RE = re.compile(
    r"зарплат|\bзп\b|аванс|расч[её]т|преми|отпуск|деньг|заработн|оклад|доплат|надбавк|"
    # «за сентябрь получили все»
    rf"\bза\s+(?:{_MONTH}|прошл|месяц|квартал|вахт)"
)
# a clause about the part not paid: «…, а 35 человек из литейного участка не получили ничего», «кроме тех, кто
# убирает корпус, — нас там 7 человек», «кроме него и ещё 2 человек»
_UNPAID_PART_RE = re.compile(
    rf"\b{_UNPAID_VERB}|\bне\s+(?:отпуска|дают|дали)|\bкроме\b|"
    r"\bа\s+(?:мне|нам|мы|наш\w*)\b|\b(?:лишил|оштрафова|удержал|вычел|вычли|снял|срезал|урезал|задерж|никому)|"
    r"\bбез\s+(?:зарплат|зп|денег)"
)
_PART_COUNT_RE = re.compile(
    # said right with the unpaid verb: «остальным 60 не заплатили», «12 человек — не получила», «не получили
    # примерно 150 — весь прокатный цех», «задержали бригаде, человек 12»
    rf"(?<![\d\w])(?P<bare>\d{{1,4}})\s+(?:человек\w*\s+)?(?:[—-]\s+)?{_UNPAID_VERB}|"
    r"\bчеловек\s+(?P<inverted>\d{1,4})\b(?!\s*(?:тыс|руб|р\b|%|[.,]\d))|"
    r"\bне\s+(?:получ|выплат|заплат|перечисл|выда)\w*\s+(?:примерно\s+|около\s+|где-то\s+)?"
    r"(?P<after>\d{1,4})\b(?!\s*(?:тыс|руб|р\b|%|[.,]\d))|"
    # the clause's subject: «Десятерым, кого перевели на новый блок, не выплатили зарплату»
    r"^\s*(?P<lead>\d{1,4})(?=\s*,|\s+(?:не|кто|кого|которы\w*)\b)|"
    # people counted in the clause: «кроме нашей бригады — 6 человек», «нас там 7», «кроме него и ещё 2»
    rf"(?P<more>\bещ[её]\s+)?(?<![\d\w])(?P<n>\d{{1,4}})\s*(?:[а-яё]+(?:ых|их|ым|им)\s+)?{_WORKER_NOUN}|"
    r"\b(?:нас|мы)(?:\s+(?:здесь|тут|там|всего))?\s+(?P<we>\d{1,4})\b"
)
_FROM_RE = re.compile(r"\bиз\b")
_WRITER_UNPAID_RE = re.compile(
    r"\bа\s+(?:вот\s+)?мне\b|\bкроме\s+меня\b|\bмне\s+не\b|\bя\s+(?:единственн|одн)(?:ая|ый|а|ой)\b"
)


# the others paid are money, not people, or not pay at all: «все получили по 3 тысячи аванса, а остального
# нет», «всем выдали только аванс», «всем заплатили частично», «всем вместо зарплаты дают талоны»
_PART_OF_PAY_RE = re.compile(
    r"\bостальн(?:ое|ого)\b|\b(?:только|лишь)\s+аванс|\bчастичн|\bчасть\b|\bчастями\b|\bвместо\b"
)
# a number said as the size of a workplace or a staff («на заводе около 300 человек», «в бригаде из 40
# человек», «всего нас в компании 45», «в штате 27 человек», «на объекте человек сорок»), not of a group
# («всем её членам (11 человек)», «в сентябре 8 человек из бригады»)
_STAFF_PLACE = (
    r"(?:цех|бригад|смен|отдел|школ|завод|предприяти|фирм|компани|организаци|склад|объект|штат|коллектив|"
    r"магазин|больниц|поликлиник|сад|учреждени|фабрик|комбинат|филиал|участк|звен|подразделени|контор|офис|"
    r"салон|ресторан|кафе|гостиниц|центр|клиник|отделени|хозяйств|депо|парк|автоколонн|шахт|рудник|порт|"
    r"терминал|стройк|площадк|сет|холдинг|служб|ферм|производств|баз)\w*"
)
_STAFF_COUNT_RE = re.compile(
    rf"(?:\b(?:в|на)\s+(?:[а-яё-]+\s+){{0,2}}?{_STAFF_PLACE}|\bвсего|\bштат\w*|\bиз|\bу\s+нас|"
    # «в ООО «ЮграБурСервис» около 300 человек»
    rf"\bв\s+{alternation(LOWER_CASE_FORMS)}\s+«[^«»]{{1,40}}»+)"
    r"(?:\s+(?:нас|у\s+нас|работа\w+|трудится|трудятся|числится|числятся|из))*"
    r"\s+(?:около\s+|почти\s+|примерно\s+|порядка\s+|более\s+|больше\s+|человек\s+)?(?P<n>\d{1,5})\b"
)


def _staff_size(converted: str, found: int) -> bool:
    """Whether the text gives `found` as the size of a workplace or a staff (`_STAFF_COUNT_RE`)."""
    return any(int(m.group("n")) == found for m in _STAFF_COUNT_RE.finditer(_normalise_counts(converted)))


def majority_paid(folded: str) -> bool:
    """Whether the text says most of the staff were paid (so the staff's number is not the unpaid one)."""
    for match in _majority_pattern(folded).finditer(folded):
        start, end = _clause_of(folded, match)
        if _PART_OF_PAY_RE.search(folded, start, end):
            continue
        if _PAY_VERB_RE.search(match.group(0)) or _PAY_WORD_RE.search(folded, start, end):
            return True
    return False


def _majority_pattern(folded: str) -> re.Pattern[str]:
    return _UNITS_PAID_RE if _HEADCOUNT_RE.search(folded) else _MAJORITY_PAID_RE


def _unpaid_part(converted: str, staff: int) -> int | None:
    """The number of the part not paid when a majority was (`majority_paid`): a count of people smaller than
    the staff in a clause that says who was not paid («…, а 35 человек … не получили»), the writer alone («а
    мне нет»), else None (the text does not say how many); `converted` has its numerals in digits."""
    converted = _normalise_counts(converted)
    majority = _majority_pattern(converted)
    for clause in re.split(r"[.!?;]", converted):
        if not _UNPAID_PART_RE.search(clause):
            continue
        for m in _PART_COUNT_RE.finditer(clause):
            told_before = _UNPAID_PART_RE.search(clause, 0, m.start()) is not None
            if m.group("inverted") and not told_before:
                continue  # «на объекте человек сорок, получили все, кроме …»: the staff
            if (
                said_of_unpaid := m.group("bare")
                or m.group("after")
                or m.group("inverted")
                or m.group("lead")
            ):
                # said right with the unpaid verb: it may be the number found itself
                if 1 < int(said_of_unpaid) <= staff:
                    return int(said_of_unpaid)
                continue
            n = int(m.group("n") or m.group("we"))
            n += 1 if m.group("more") else 0  # «кроме него и ещё двоих»: the one and two more
            # the number found itself only in a clause that does not tell of the paid majority nor of a part
            # «из» it («всему нашему отделу, 12 чел, зп не платят», not «на заводе 300 человек, получили все,
            # кроме нашего участка», «я единственная из всего коллектива (31 человек), кому не выплатили»)
            whole = n == staff and (
                told_before or not (majority.search(clause) or _FROM_RE.search(clause, 0, m.start()))
            )
            if 1 < n < staff or whole:
                return n
    if (own := _writers_own_count(converted)) is not None and 1 < own < staff:
        return own  # «почему нас двоих «забыли»»
    return 1 if _WRITER_UNPAID_RE.search(converted) else None


# the writer's own money unpaid while the rest of a staff is paid, told in any order: «мне не платят с
# сентября. … у него человек 50 работает и остальным он платит», «Коллеги получили, а у меня …», «Мне
# единственной уже два месяца не выплачивают», «задержка только у меня», «одной из всего офиса»
_OTHERS_PAID_RE = re.compile(
    r"\b(?:остальным|остальные|другим|другие|коллеги|коллегам|у\s+коллег|у\s+остальных|у\s+других)\b"
    r"(?:\s+\w+){0,2}?\s+(?<!\bне\s)(?:платят|платит|заплатил\w*|выплатил\w*|выплачивают|перечислил\w*|"
    r"получил\w*|получают|пришл\w*|приходит|рассчитал\w*|вс[её]\s+(?:пришло|в\s+порядке|нормально))\b|"
    r"\bвсем\s+(?:\w+\s+){0,2}?(?:заплатил\w*|выплатил\w*|перечислил\w*|закрыли|рассчитал\w*|пришл\w*)\b"
    r"[^.!?]{0,60}?\bмне\b"
)
_ME_ONLY_RE = re.compile(
    r"\b(?:мне|я)\s+(?:одн\w+\s+)?единственн\w*|\bединственн\w+\s+(?:мне|я)\b|"
    r"\bтолько\s+у\s+меня\b|\bодн(?:ой|ому)\s+из\s+(?:всего|всех|всей)\b|"
    # «мне одному из всей смены удержали», «мне одному из станочников снизили ставку»
    r"\b(?:мне|меня)\s+одн(?:ой|ому|ого|у)\s+из\s+(?:вс(?:ей|его|ех)\s+)?[а-яё]+"
)
# a clause about unpaid money, and the people it is said of
_UNPAID_MONEY_RE = re.compile(
    r"\bне\s+(?:выплат|выплач|заплат|плат|перечисл|начисл|отда|дал|дают|выдал|выдают|пришл|оплат|оплач|"
    r"рассчит|получ|доплат|додал|перевел|перевод)\w*|\bзадолжал\w*|\bзадерж\w*|\bнедоплат\w*|\bнедода\w*|"
    r"\bбез\s+(?:денег|зарплат\w*|зп)\b|\bс\s+опоздани\w*|\bкусками\b|\bни\s+копейки\b|\bдолж(?:ны|на|ен)\b|"
    r"\bзаморозил\w*"
)
_UNPAID_OR_CUT_RE = re.compile(_UNPAID_MONEY_RE.pattern + r"|\bудерж\w*|\bснизил\w*|\bурезал\w*|\bсрезал\w*")
# (not at an abbreviation's dot: «67 тыс., зарплату заморозили»)
_CLAUSE_SPLIT_RE = re.compile(r"[.!?]+(?=\s|$)|[;\n]+|,?\s+(?:а|но)\s+")
# the writers counting themselves («нас 40 человек», «мы, 12 слесарей»), not a staff («у нас 80 человек»)
_WE_BEFORE_COUNT = r"(?<!\bу )\b(?:нас|мы|нам)\b[^.!?\d]{0,80}?"
_FEW_COLLECTIVE = r"\b(?:дво|тро|четвер|пятер|шестер|семер)(?:е|их|им)\b"
_WRITERS_COUNTED_RE = re.compile(rf"{_WE_BEFORE_COUNT}(?:\d|{_FEW_COLLECTIVE})")
# … in words only («нас трое»): the writers even where the others are said paid
_WRITERS_FEW_RE = re.compile(_WE_BEFORE_COUNT + _FEW_COLLECTIVE)
_WRITER_ALONE_WORD_RE = re.compile(r"\b(?:мне|меня|мой|моя|мою|мои|моей|моих|мое|моё)\b")
_MANY_WORD_RE = re.compile(
    # («тоже», «никому» and the like anywhere in the text: `_SAME_PLIGHT_RE`)
    r"\b(?:мы|нам|нас|наш\w*|они|им|их|ним|ними|все|всем|всех|всей|всему|весь|люд\w*|рабоч\w*|работник\w*|"
    r"сотрудник\w*|коллег\w*|ребят\w*|девоч\w*|девчат\w*|мужик\w*|бригад\w*|смен[аеуы]|коллектив\w*|"
    r"цех\w*|многи\w*|остальн\w*|други\w*|кажд\w*|(?:дво|тро|четвер|пятер|шестер)\w*)\b|"
    # a few people counted, not months or money («мне и трём кассирам», not «два месяца»)
    r"\b(?:дв(?:а|е|ум)|тр(?:и|[её]м)|четыр\w*)\s+(?!(?:\w+\s+)?(?:месяц|недел|дн|год|лет|раз|час|смен|тыс|руб))|"
    r"\bне\s+только\b|\bи\s+ещ[её]\b|\d\s+человек\b"
)
# the writer says others are in the same plight: «таких как я человек 300», «вся команда в такой же ситуации»
_SAME_PLIGHT_RE = re.compile(
    r"\bтаких\b|\bтак(?:ой|ая|ие|ом)\s+же\b|\bтоже\b|\bтакже\b|\bкак\s+и\s+(?:все|у\s+всех|мне|я|нам)\b|"
    r"\bвсе\s+мы\b|\bне\s+(?:только|одн\w+)\s+(?:мне|я|меня|такая|такой)\b|\bне\s+одн(?:а|ин)\b|\bникому\b|\bникто\b|"
    r"\bтак\s+у\s+всех\b|\bу\s+всех\s+(?:так|то\s+же)\b|\bлюди\b|"
    r"\bвс(?:ей|ему|я|ю|е|ех|ем)\s+(?:\w+\s+)?(?:бригад|смен|команд|коллектив|цех|отдел|рабоч|работник|сотрудник|"
    r"люд|ребят|водител)"
)


def writer_alone_unpaid(folded: str, staff_named: bool = False) -> bool:
    """Whether the writer's own money alone is unpaid: the text says the others are paid (`_OTHERS_PAID_RE`,
    `_ME_ONLY_RE`, `_OTHERS_PAID_ME_RE`: «всем зп пришла, мне нет») or the caller knows a staff is named only
    by its size (`staff_named`); every clause that tells of unpaid money says it of the writer («мне», «мою
    зарплату»; with the others said paid, of no one too) and none of more people («нам», «всем», «рабочим»,
    «тоже»); no one is said to share the plight (`_SAME_PLIGHT_RE`: «таких как я», «как и всем») and, unless
    the others are said paid, the writers do not count themselves («нас 40 человек»; «у нас 80 человек» is
    the staff). `folded` is the folded text."""
    # the writer set apart from the paid in so many words: «всем зп пришла, а мне нет», «мне одному из всей
    # смены»
    all_but_me = _OTHERS_PAID_ME_ALONE_RE.search(folded) is not None
    set_apart = all_but_me or _ME_ONLY_RE.search(folded) is not None
    explicit = set_apart or _OTHERS_PAID_RE.search(folded) is not None
    if not (explicit or staff_named):
        return False
    # those words read as a clause «мне …» of its own: no plight shared, no one else unpaid
    rest = _ME_ONLY_RE.sub(". мне ", _OTHERS_PAID_ME_ALONE_RE.sub(". мне ", folded))
    # with the others said paid, «нас в цеху 45 человек» is the staff, «нас трое» still the writers; without,
    # any count of «нас» is the writers'
    counted = _WRITERS_FEW_RE if explicit else _WRITERS_COUNTED_RE
    if counted.search(folded) or _SAME_PLIGHT_RE.search(rest):
        return False
    told = all_but_me  # «всем пришла, а мне нет»
    # with the others said paid, the writer's pay cut or a deduction is the writer's alone too
    unpaid = _UNPAID_OR_CUT_RE if explicit else _UNPAID_MONEY_RE
    for clause in _CLAUSE_SPLIT_RE.split(rest):
        if not unpaid.search(clause):
            continue
        if _MANY_WORD_RE.search(clause):
            return False
        if _WRITER_ALONE_WORD_RE.search(clause):
            told = True
        elif not set_apart:
            return False  # (the writer set apart, «но это же месяц без денег!» is the writer's)
    return told


def extract_workers(text: str) -> int | None:
    """The number of workers affected («нас 40 человек», «коллектив 120 человек»): the largest number the
    specific patterns find (the writer plus the others counts the writer: «кроме меня ещё 12» → 13; a range
    counts its lower bound: «15-20 человек» → 15), else the largest «N человек» / «водителей больше 30» in the
    text, else the whole firm's headcount («на заводе работает 500 человек»); numbers in words («сорок
    водителей», «нас человек двадцать», «трое с отравлением», «десятка два») count only when no number in
    digits does; with no number at all, the writer and one workmate («нам с напарницей») are two. The part of
    a bigger number the grievance is about wins over it: a subset («17 медсестёр, из них четверым», «остальным
    23 не заплатили», see `_subset`), the people a grievance verb is said of («в цехе 80 человек … премию
    сняли у 25 сварщиков», see `_grievance_count`), the writer with one or two others («из 50 человек не
    заплатили только мне и ещё одной», «в цехе 60 человек, а не получили я и ещё две»), the writer alone when
    the others were paid («в смене 20 человек, всем зп пришла, а мне нет»), the unpaid part of a staff most of
    whom were paid («на заводе 300 человек, … получили все, кроме нас — нас семеро», see `_unpaid_part`), and
    the writers' own count («на заводе около 300 человек, … нас одиннадцать», see `_writers_own_count`)."""
    folded = _blank_shifts(fold_case(text))
    # numerals in words as digits, once («просто», «сорт»: no numeral words, nothing new to read)
    has_words = _NUMERAL_ONE_RE.search(folded) or "десят" in folded or "дюжин" in folded
    converted = _words_to_counts(folded) if has_words else folded
    largest = _largest_workers(folded) if _ANY_DIGIT_RE.search(folded) else None
    found = _subset(folded, converted, largest) if largest is not None else None
    if found is None and converted != folded:
        largest = _largest_workers(converted)
        found = _subset(converted, converted, largest)
    if found is None and _PAIR_RE.search(folded):
        found = 2
    if found is None and (together := _WRITERS_TOGETHER_RE.search(folded)):
        found = _TOGETHER_NUMERALS[together.group("n").replace("ё", "е")]
    if found is not None and found > 2 and (grieved := _grievance_count(converted, found)) is not None:
        found = grieved
    staff = found
    if found is not None and found > 4 and _FEW_OF_STAFF_RE.search(folded):
        # the number found is the staff's, not the affected few's; «только нам» with no number: the writers'
        # own count in words, if they gave one («нас двадцать семь … всё предприятие — человек 300»)
        few = _few_of_staff(folded)
        if few is None and converted != folded:
            own = _largest_workers(converted)
            few = own if own is not None and own < found else None
        found = few if few is not None else _writer_alone(folded)
    elif (
        found is not None
        and found == largest
        and found > 4
        and majority_paid(folded)
        and _staff_size(converted, found)
    ):
        # the largest number is the staff's when most of it were paid, unless it is the writers' only count
        # of themselves («… кроме нашей смены. Нас восемь человек»)
        if not _only_own_count(converted, found):
            found = _unpaid_part(converted, found)
    if found is not None and (own := _writers_own_count(converted)) is not None and 1 < own < found:
        found = own  # «на заводе около 300 человек, … только мы — наш участок, нас одиннадцать»
    # «задержали только мне и Оксане», «всем, кроме меня и повара Дениса» → 2; «на подстанции около 50
    # человек, а зарплату не получил только я» → 1 (with no staff counted, a writer alone is no count: null)
    listed = _named_list(folded) if "," in folded or " с" in folded else None
    if listed is not None and (found is None or found <= listed or _REST_OF_STAFF_RE.search(folded)):
        return listed  # «я, Гусейнов Эльчин и Ткач Валерий — водители маршрутки №27»
    if (
        staff is not None
        and staff > 2
        and (few := _few_set_apart(folded)) is not None
        and few < staff
        and (found is None or found > few)
    ):
        found = few  # «меня и Дашу уволили, остальные 14 девочек в смене работают дальше»
    elif found != 2 and (pair := _writer_and_one(folded)) is not None:
        found = pair
    elif found is not None and found > 2 and (alone := _writer_alone(folded)) is not None:
        found = alone
    if found is not None and found > 2 and writer_alone_unpaid(folded, _staff_size(converted, found)):
        found = 1  # the number is the staff's, the others paid: the money unpaid is the writer's alone
    return found


# the writer and one more person, named or by trade, set apart from the rest: «только мне и Оксане», «кроме
# меня и моего напарника», «не получили только я и помощник воспитателя» (not «мне и детям», «меня и ещё
# двоих»: the word after «и» must be one person, a singular animate noun)
_WRITER_AND_ONE_RE = re.compile(
    r"\b(?:только|лишь|кроме)\s+(?:мне|меня|я)\s+и\s+(?:(?:мо|наш|сво)\w+\s+)?(?P<w>[а-яё-]+)"
)
# the writer alone set apart: «задержали только мне», «не получил только я» (not «не только мне», «долг только
# мне 186 тысяч», «только мне и …», «только мне одной» — `_FEW_OF_STAFF_RE` counts that)
_WRITER_ALONE_RE = re.compile(_ONLY + r"(?:мне|я|с меня)\b(?!\s+и\b)(?!,?\s+(?:одн|ещ|как|с\b))")


def _writer_and_one(folded: str) -> int | None:
    for match in _WRITER_AND_ONE_RE.finditer(folded):
        if _is_people_noun(match.group("w"), singular=True):
            return 2
    return None


def _writer_alone(folded: str) -> int | None:
    return 1 if _WRITER_ALONE_RE.search(folded) else None


# the writer and one named workmate: «мы с Игорем Беловым», «меня и Дашу», «мне и Саше Ким», «я и мой напарник
# Рустам» (not «мы с Игорем и ещё пятью», «меня и других»; not a spouse: the labels count «мы с мужем» as one)
_NAMED_PAIR_RE = re.compile(
    r"\b(?:мы|нам|нас|меня|мне|я)\s+(?:со?|и)\s+(?:мо\w+\s+|наш\w+\s+)?(?P<w>[а-яё]+)"
    r"(?!(?:\s+[а-яё]+)?\s+и\s+(?:ещ|друг|остальн|\d))"
)
_WORKMATE_NOUNS = ("напарни", "сменщи", "коллег", "товарищ")
# the rest of a staff set apart from the pair: «остальные 14 девочек работают дальше», «на фабрике 400
# человек, никого больше не тронули» (not the rest as witnesses: «это могут подтвердить остальные»)
_REST_OF_STAFF_RE = re.compile(
    r"(?<!подтвердить )(?<!подтвердят )(?<!подтверждают )\bостальн\w*|\bникого\s+(?:\w+\s+)?больше\b|"
    r"\bбольше\s+никого\b|\bкроме\s+нас\b|\bнам\s+двоим\b|\bмы\s+двое\b|\bнас\s+двоих\b|\bдругим\b|\bдругих\s+из\b|"
    r"\bтолько\s+(?:мы|нас|нам)\b"
)


# the writer and a few more: «мне и ещё трём кассирам», «меня и ещё двоих»
_WRITER_AND_FEW_RE = re.compile(
    r"\b(?:мне|меня|я)\s+и\s+ещ[её]\s+(?P<n>двум|двоим|двоих|двое|две|два|тр[её]м|троим|троих|трое|три|"
    r"четыр[её]м|четверым|четверых|четверо)\b"
)


def _few_set_apart(folded: str) -> int | None:
    """How many are wronged when the writer and one named workmate, or the writer and a few more, are set
    apart from the rest of a bigger staff: «Всем остальным зарплату перечислили, а нам с Игорем — нет» → 2,
    «мне и ещё трём кассирам задержали, остальным 14 пришло» → 4; not «мы с коллегами», «я и мои коллеги»."""
    if not _REST_OF_STAFF_RE.search(folded):
        return None
    if few := _WRITER_AND_FEW_RE.search(folded):
        return 1 + _numeral_value(few.group("n"))
    if any(_is_one_workmate(match.group("w")) for match in _NAMED_PAIR_RE.finditer(folded)):
        return 2
    return None


def _is_one_workmate(word: str) -> bool:
    """One person by first name («Игорем», «Дашу») or by a workmate noun in the singular («напарник»)."""
    if word.startswith(_WORKMATE_NOUNS):
        return _is_people_noun(word, singular=True)
    tag = morph.analyzer().parse(word)[0].tag
    return "Name" in tag and "sing" in tag


# the writer and the workmates they name, a list of three or more ending in «и»: «я, Гусейнов Эльчин и Ткач
# Валерий», «меня, Лебедеву, Яшина и Рахимова», «мы с Викой и Настей»; not the writer's own name in apposition
# («Я, Фомин Виктор Петрович, 31 год отработал»)
_NAMED_LIST_START_RE = re.compile(r"\b(?:(?:я|меня|мне)\s*,|(?:мы|нас|нам)\s+со?\b)\s*")
_NAMED_LIST_END_RE = re.compile(r"[.!?;:—–()«»\"\n]")
_NAMED_LIST_SPLIT_RE = re.compile(r"\s*,\s*|\s+(и)\s+")
_PERSON_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})


def _is_person_word(word: str) -> bool:
    return bool(morph.tags(word) & _PERSON_GRAMMEMES)


def _named_list(folded: str) -> int | None:
    """The writer plus the people named in a list after «я, …» or «мы с …» (three or more), or None."""
    for match in _NAMED_LIST_START_RE.finditer(folded):
        end = _NAMED_LIST_END_RE.search(folded, match.end())
        segment = folded[match.end() : end.start() if end else len(folded)]
        parts = _NAMED_LIST_SPLIT_RE.split(segment)
        items, separators = parts[0::2], parts[1::2]
        named = 0
        closed = False  # the item after «и» is the list's last
        for k, item in enumerate(items):
            words = item.split()
            last = k > 0 and separators[k - 1] == "и"
            # a person in its first two words («ткач валерий»); an item before the last is the name alone
            if not any(_is_person_word(w) for w in words[:2]) or (not last and len(words) > 3):
                break
            named += 1
            if last:
                closed = True
                break
        if closed and named >= 2:
            return 1 + named
    return None


# the writers counting themselves, matched on the text with its numerals in digits: «нас 11», «водители — нас
# 8 —», «нас здесь 8», «нашей бригаде из 5 человек»; not the firm's «у нас 40 человек», «среди нас 5
# пенсионеров», children, money («у нас 12 000 рублей»), brigades, routes or a list («нас 14 учителей и 3
# воспитателя»). Train 30 202 and the count batches 515, 523 (before training on them): 14 worker counts right
# instead of the staff's, none lost
_NOT_PEOPLE_AFTER = (
    r"(?!\s*\d)(?!\s+(?:[а-яё]+\s+)?и\s+\d)(?!\s*(?:на\s+\d|детей|ребен|бригад|тыс|руб|р\b|%|час|ч\b|дн|дня|день|лет|"
    r"год|месяц|мес|недел|раз|км|м\b|кг|смен|суток|сутки|квартир|домов|машин|единиц|штук|шт|этаж|лифт|вагон|класс|"
    r"групп|участк|объект|точк|магазин|филиал|рейс|маршрут))"
)
_WRITERS_OWN_COUNT_RE = re.compile(
    r"(?<!\bу )(?<!\bсреди )\bнас(?:\s+(?:здесь|тут|там|всего|было|же|в\s+\w+|на\s+\w+)){0,2}"
    r"\s+(?P<n>\d{1,4})\b"
    + _NOT_PEOPLE_AFTER
    + rf"|\bнаш\w*\s+{_GROUP}\s+из\s+(?P<m>\d{{1,4}})\b"
    + _NOT_PEOPLE_AFTER
)


# «мы, 12 диспетчеров», «мы, шесть человек»
_WE_COUNTED_RE = re.compile(r"\bмы,?\s+(?P<n>\d{1,4})\b")


def _own_counts(converted: str) -> list[int]:
    """The numbers the writers give of themselves («нас 11», «нашей бригаде из 5 человек»)."""
    return [int(m.group("n") or m.group("m")) for m in _WRITERS_OWN_COUNT_RE.finditer(converted)]


def _only_own_count(converted: str, found: int) -> bool:
    """Whether `found` is the only count the writers give of themselves («… кроме нашей смены. Нас восемь
    человек», «мы, 12 диспетчеров»): then it is the unpaid part's, not the staff's."""
    own = set(_own_counts(converted)) | {int(m.group("n")) for m in _WE_COUNTED_RE.finditer(converted)}
    return own == {found}


def _writers_own_count(converted: str) -> int | None:
    """The largest number the writers give of themselves («нас 11»), or None."""
    return max(_own_counts(converted), default=None)


# ---------------------------------------------------------------------------------------------- organisations

_BARE_QUOTED_RE = re.compile(
    r"«(?P<name>[А-ЯЁA-Z0-9][^«»\n]{1,40})»|\"(?P<name2>[А-ЯЁA-Z0-9][^\"\n]{1,40})\""
)
_FORMS_RE = alternation(LEGAL_FORMS)
_FULL_FORMS = (
    r"(?:[Оо]бществ\w*\s+с\s+ограниченной\s+ответственностью|[Аа]кционерн\w*\s+обществ\w*|"
    r"[Пп]убличн\w*\s+акционерн\w*\s+обществ\w*|[Ии]ндивидуальн\w*\s+предпринимател\w*)"
)
_QUOTED = r"(?:«[^«»\n]{1,60}»|\"[^\"\n]{1,60}\"|“[^“”\n]{1,60}”|„[^„“\n]{1,60}“)"
_CAP_NAME = r"[А-ЯЁA-Z][\w\-]*(?:\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?|\s+[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)?)?"
_NUMBER_SUFFIX = r"(?:\s*№\s*\d+)?"
_ORG_RE = re.compile(
    rf"(?<![\w])(?P<form>{_FORMS_RE}|{_FULL_FORMS})\s*(?P<name>{_QUOTED}|{_CAP_NAME})(?P<num>{_NUMBER_SUFFIX})"
)
# lower-case forms as people type them: «ооо "агроинвест"», «чоп "Барс"»; bare names: see _lower_case_orgs
_ORG_LOWER_RE = re.compile(rf"(?<![\w])(?P<form>{alternation(LOWER_CASE_FORMS)})\s+(?P<name>{_QUOTED})")
_LOWER_FORM_RE = re.compile(rf"(?<![\w])(?P<form>{alternation(LOWER_CASE_FORMS)}) (?=[а-яё])")
_LOWER_WORD_RE = re.compile(r"[а-яё][\w-]*")
_LOWER_INITIALS_RE = re.compile(r" [а-яё]\. ?[а-яё]\.?")
_MAX_LOWER_NAME_WORDS = 3
# what ends a name typed in lower case: «ооо сибирь логистик уже третий год», «ип исаев не подтвердил»
_NOT_NAME_POS = frozenset(
    {
        "PREP",
        "CONJ",
        "PRCL",
        "NPRO",
        "VERB",
        "INFN",
        "ADVB",
        "PRED",
        "INTJ",
        "GRND",
        "PRTS",
        "ADJS",
        "NUMR",
        "COMP",
    }
)
_OBLIQUE = frozenset({"ablt", "accs", "datv", "loct"})
# words that end a name typed in lower case whatever pymorphy makes of them: «ооо стройресурс г тверь»
_AFTER_NAME = frozenset(
    {"г", "гор", "город", "пос", "пгт", "инн", "огрн", "тел", "обл", "область", "край", "р-н"}
)
_REGION_NOUNS = frozenset(
    {"обл", "область", "области", "край", "края", "р-н", "район", "района", "республика"}
)
_IP_RE = re.compile(
    r"(?<![\w])(?:ИП|ип)\s+(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
    r"(?:\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?|\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|оглы|кызы)\b)?)"
)
# a business noun and a quoted name: «кафе "Уют"», «ресторана "Сакура"», «сеть "Красное&Белое"», «управляющей
# компании "Городской дом"»; the noun is given in the nominative («в магазине "Продукты 24"» → «магазин
# "Продукты 24"»), so that two complaints name the same employer the same way
_BUSINESS_ADJECTIVE = (
    r"(?:[Уу]правляющ|[Сс]трахов|[Аа]птечн|[Кк]адров|[Мм]едицинск|[Тт]оргов|[Сс]троительн|[Тт]ранспортн|[Оо]хранн|"
    r"[Кк]линингов|[Мм]икрофинансов|[Кк]оллекторск|[Лл]огистическ|[Тт]уристическ|[Дд]етск|[Пп]родуктов)\w*"
)
_BUSINESS_NOUN = (
    r"(?:[Кк]афе|[Рр]естора\w*|[Мм]агазин\w*|[Гг]ипермаркет\w*|[Сс]упермаркет\w*|ТЦ|ТРЦ|ТК|[Зз]авод\w*|"
    r"[Хх]лебозавод\w*|[Фф]абрик\w*|[Кк]омпани\w*|[Сс]ет[ьи]|[Кк]линик\w*|[Сс]алон\w*|[Аа]втосалон\w*|"
    r"[Гг]остиниц\w*|[Оо]тел[ьяе]\w*|[Пп]екарн\w*|[Сс]толов\w*|[Аа]втосервис\w*|[Кк]омбинат\w*|[Аа]гентств\w*|"
    r"[Хх]олдинг\w*|[Фф]ирм\w*|[Пп]редприяти\w*|[Тт]акси|[Тт]аксопарк\w*|[Сс]клад\w*|[Бб]анк\w*|[Пп]иццери\w*|"
    r"[Шш]кол\w*|[Бб]ольниц\w*|[Пп]оликлиник\w*|[Аа]птек\w*|[Фф]итнес-клуб\w*|"
    r"(?:[Мм]едицинск|[Сс]ервисн|[Уу]чебн|[Рр]еабилитационн)\w*\s+центр\w*|[Шш]ахт\w*|[Кк]олхоз\w*|[Сс]овхоз\w*|[Сс]ад(?:а|у|е|ом)?|[Сс]анатори\w*|"
    r"[Пп]ансионат\w*|[Сс]лужб\w*)"
)
BUSINESS_WORD = rf"{_BUSINESS_ADJECTIVE}|{_BUSINESS_NOUN}"
_NOUN_QUOTED_RE = re.compile(
    rf"(?<![\w-])(?P<form>(?:{_BUSINESS_ADJECTIVE}\s+)?{_BUSINESS_NOUN})\s+(?P<name>" + _QUOTED + r")"
)


def _nominative(words: str) -> str:
    """«управляющей компании» → «управляющая компания», «магазине» → «магазин»; a word pymorphy cannot put
    in the nominative singular, or an abbreviation, stays as written."""
    result = []
    for word in words.split():
        if word.isupper():
            result.append(word)
            continue
        parses = morph.analyzer().parse(word)
        wanted = next((p for p in parses if {"NOUN", "ADJF", "PRTF"} & set(p.tag.grammemes)), None)
        form = wanted.inflect({"nomn", "sing"}) if wanted else None
        if form is None and wanted is not None and "ADJF" not in wanted.tag.grammemes:
            form = wanted.inflect({"nomn"})  # a noun used only in the plural
        nominative = form.word if form else word.lower()
        result.append(nominative.capitalize() if word[:1].isupper() else nominative)
    return " ".join(result)


def _norm_quotes(name: str) -> str:
    name = name.strip()
    if name[:1] in '"“„«' and name[-1:] in '"”“»':
        return f"«{name[1:-1].strip()}»"
    return name


def _clip(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def org_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of organisations named with a legal form or a business noun («ООО "Ромашка"»,
    «ИП Петров А.А.», «кафе "Уют"»); the name is written as in the text, full legal forms are abbreviated."""
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e, _ in spans)

    for match in _ORG_RE.finditer(text):
        form, name = match.group("form"), match.group("name")
        if form == "ИП":
            continue  # handled by the person-shaped pattern below
        if name[:1] not in '«"“„' and (
            len(name) < 3 or name.upper() == name and len(name) <= 3 and not match.group("num")
        ):
            continue
        value = _clip(match.group())
        if re.fullmatch(_FULL_FORMS, form):
            short = {"о": "ООО", "а": "АО", "п": "ПАО", "и": "ИП"}[form[0].lower()]
            value = f"{short} {_norm_quotes(name)}{match.group('num')}"
        spans.append((match.start(), match.end(), value))
    for pattern in (_IP_RE, _ORG_LOWER_RE):
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                spans.append((match.start(), match.end(), _clip(match.group())))
    for start, end in _lower_case_orgs(text):
        if free(start, end):
            spans.append((start, end, _clip(text[start:end])))
    for match in _NOUN_QUOTED_RE.finditer(text):
        if free(match.start(), match.end()):
            name = f"{_nominative(_clip(match.group('form')))} {_clip(match.group('name'))}"
            spans.append((match.start(), match.end(), name))
    return sorted(spans)


def _lower_case_orgs(text: str) -> list[tuple[int, int]]:
    """Spans of organisations typed in lower case without quotes: «в ооо сибирь логистик уже третий год»,
    «ип исаев не подтвердил», «ооо солнышко иркутск» (the town is not part of the name). The name is up to
    three words and ends at a word that cannot be part of it (a verb, a preposition, a particle, a noun in an
    oblique case such as «монтажником», a town)."""
    forms = list(_LOWER_FORM_RE.finditer(text))
    if not forms:
        return []
    from nlp.regions import gazetteer

    towns = gazetteer().forms
    spans = []
    for match in forms:
        form, position, words = match.group("form"), match.end(), 0
        end = None
        while words < _MAX_LOWER_NAME_WORDS:
            word = _LOWER_WORD_RE.match(text, position)
            if word is None or not _may_be_name_word(word.group(), form, first=words == 0, towns=towns):
                break
            following = _LOWER_WORD_RE.match(text, word.end() + 1)
            if words and following is not None and following.group() in _REGION_NOUNS:
                break  # «ооо агрохолдинг заря белгородская обл»: the region's adjective
            words += 1
            end = word.end()
            if form == "ип":  # a surname and initials at most
                initials = _LOWER_INITIALS_RE.match(text, end)
                end = initials.end() if initials else end
                break
            if text[end : end + 1] != " ":
                break
            position = end + 1
        if end is not None:
            spans.append((match.start(), end))
    return spans


def _may_be_name_word(word: str, form: str, *, first: bool, towns: Mapping[str, list[Any]]) -> bool:
    if word in _AFTER_NAME:
        return False
    if word == "плюс":
        return not first  # «ооо вектор плюс»
    known = morph.analyzer().word_is_known(word)
    parses = morph.analyzer().parse(word)
    top = parses[0].tag
    if known and top.POS in _NOT_NAME_POS:
        return False  # an unknown word («уралпромлит») is a name, whatever pymorphy guesses
    if form == "ип":
        return not known or any({"Surn", "Name"} & p.tag.grammemes for p in parses)
    if first:
        return True
    if any(not entry.adjective for entry in towns.get(word.replace("ё", "е"), ())):
        return False  # «иркутск», but not «заречный» (an adjective, as names are)
    return not (top.case in _OBLIQUE and not any("nomn" in p.tag for p in parses))


BRANDS_PATH = Path(__file__).with_name("rules") / "brands.yaml"
_TOKEN_RE = re.compile(r"[\w&.'-]+")
_MAX_BRAND_WORDS = 3


@cache
def _brand_forms() -> dict[str, tuple[str, bool]]:
    """Folded form of every alias in every case («пятерочке») → (name, ambiguous)."""
    import yaml

    from nlp.regions import phrase_forms

    forms: dict[str, tuple[str, bool]] = {}
    for entry in yaml.safe_load(BRANDS_PATH.read_text(encoding="utf-8")):
        for alias in entry["aliases"]:
            cyrillic = re.search("[а-яё]", alias.lower()) is not None and not alias.isupper()
            for form in phrase_forms(alias) if cyrillic else {alias.lower().replace("ё", "е")}:
                forms.setdefault(form, (entry["name"], bool(entry.get("ambiguous"))))
    return forms


def brand_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of well-known employers named without quotes or a legal form («в пятёрочке», «на
    Озоне»); an alias that is also an ordinary word counts only capitalised or in quotes."""
    forms = _brand_forms()
    tokens = [(m.group().strip(".'-"), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_BRAND_WORDS, len(tokens) - i), 0, -1):
            words = tokens[i : i + n]
            found = forms.get(" ".join(w for w, _, _ in words).lower().replace("ё", "е"))
            if not found:
                continue
            name, ambiguous = found
            first = words[0][0]
            quoted = text[max(0, words[0][1] - 1) : words[0][1]] in '«"“„' and words[0][1] > 0
            if ambiguous and not (first[:1].isupper() or quoted):
                continue
            if ambiguous and first[:1].isupper() and _sentence_start(text, words[0][1]) and not quoted:
                continue  # «Лента конвейера…» at the start of a sentence
            spans.append((words[0][1], words[-1][2], name))
            i += n - 1
            break
        i += 1
    return spans


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_ENDS


def quoted_names(text: str) -> list[tuple[int, int, str]]:
    """Capitalised names in quotes without a legal form («работаю в "Пятёрочке"»): organisation candidates."""
    result = []
    for match in _BARE_QUOTED_RE.finditer(text):
        name = match.group("name") or match.group("name2")
        words = name.split()
        if len(words) > 4 or name.endswith((".", "!", "?", ",")):
            continue
        if len(words) > 1 and not all(w[:1].isupper() or not w[:1].isalpha() for w in words[:2]):
            continue  # a quoted phrase, not a name («по собственному желанию»)
        before = text[max(0, match.start() - 30) : match.start()]
        if re.search(rf"(?:{_FORMS_RE})\s*$", before) or re.search(
            r"(?:ЖК|ул\.|улиц\w*|проект\w*|программ\w*)\s*$", before
        ):
            continue
        result.append((match.start(), match.end(), match.group()))
    return result


# ---------------------------------------------------------------------------------------------- persons

_INITIALS = r"[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
_PERSON_INITIALS_RE = re.compile(
    rf"(?<![\w])(?:(?P<a>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+(?P<ai>{_INITIALS})|(?P<bi>{_INITIALS})\s?"
    r"(?P<b>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?))"
)
_SURNAME_RE = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ский|цкий|ова|ева|ёва|ина|ына|ская|цкая|енко|ук|юк|дзе|швили|ян)$"
)
_CAP_WORD_RE = re.compile(r"(?<![\w])[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?![\w])")


def _flush_person(run: list[tuple[int, int, str]], spans: list[tuple[int, int, str]], text: str) -> None:
    if not 2 <= len(run) <= 3:
        return
    if any(s <= run[0][0] < e or run[0][0] <= s < run[-1][1] for s, e, _ in spans):
        return
    tag_sets = [morph.tags(w) for _, _, w in run]
    if any("Name" in t for t in tag_sets) and (
        any({"Patr", "Surn"} & t for t in tag_sets) or _SURNAME_RE.search(run[-1][2])
    ):
        spans.append((run[0][0], run[-1][1], " ".join(w for _, _, w in run)))


def person_spans(text: str) -> list[tuple[int, int, str]]:
    """People: «Иванов И.И.», «И.И. Иванов», and 2–3 capitalised words that the morph analyser tags as
    first name / surname / patronymic («Петров Сергей Иванович», «Анна Петровна»)."""
    spans: list[tuple[int, int, str]] = []
    for match in _PERSON_INITIALS_RE.finditer(text):
        surname = match.group("a") or match.group("b")
        if surname in LEGAL_FORMS or not (
            {"Surn", "Name"} & morph.tags(surname) or "UNKN" in morph.tags(surname)
        ):
            if not re.search(r"(ов|ев|ин|ын|ова|ева|ина|ко|ук|юк|ий|ая)$", surname):
                continue
        spans.append((match.start(), match.end(), re.sub(r"\s+", " ", match.group()).strip()))
    run: list[tuple[int, int, str]] = []
    words: list[re.Match[str] | None] = [*_CAP_WORD_RE.finditer(text), None]
    for cap in words:
        word_ok = False
        if cap is not None:
            contiguous = not run or re.fullmatch(r"[ \t]+", text[run[-1][1] : cap.start()]) is not None
            if not contiguous:
                _flush_person(run, spans, text)
                run = []
            word = cap.group()
            word_ok = bool({"Name", "Surn", "Patr"} & morph.tags(word)) or (
                bool(run) and _SURNAME_RE.search(word) is not None and "Name" in morph.tags(run[-1][2])
            )
            if word_ok:
                run.append((cap.start(), cap.end(), word))
        if not word_ok:
            _flush_person(run, spans, text)
            run = []
    return sorted(spans)


def ner_persons_orgs(sentences: list[str]) -> tuple[list[str], list[str]]:
    """natasha NER over a batch of sentences → (persons, organisations)."""
    from nlp.natasha_models import ner

    persons: list[str] = []
    orgs: list[str] = []
    for sentence, markup in zip(sentences, ner().map(sentences), strict=False):
        for span in markup.spans:
            value = re.sub(r"\s+", " ", sentence[span.start : span.stop]).strip()
            if span.type == "PER" and len(value) > 2:
                persons.append(value)
            elif span.type == "ORG" and len(value) > 2:
                orgs.append(value)
    return persons, orgs


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = r"(?:январ|феврал|март|апрел|ма[яйе]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_DATE_HINT_RE = re.compile(
    rf"\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b|\b\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?|\b{_MONTHS}\s+\d{{4}}",
    re.IGNORECASE,
)


def date_windows(text: str) -> list[tuple[int, int]]:
    """Short windows around date-like strings — the only places the (slow) yargy parser is run on."""
    return [(max(0, m.start() - 3), min(len(text), m.end() + 8)) for m in _DATE_HINT_RE.finditer(text)]


def extract_dates(text: str) -> list[str]:
    """ISO dates («2025-09-15»; «2025-09» when only month and year are known)."""
    from nlp.natasha_models import dates

    extractor = dates()
    result: list[str] = []
    for start, end in date_windows(text):
        for match in extractor(text[start:end]):
            fact = match.fact
            if fact.year and fact.month and fact.day:
                iso = f"{fact.year:04d}-{fact.month:02d}-{fact.day:02d}"
            elif fact.year and fact.month:
                iso = f"{fact.year:04d}-{fact.month:02d}"
            else:
                continue
            if 1990 <= fact.year <= 2100 and iso not in result:
                result.append(iso)
    return result

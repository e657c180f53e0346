"""Legal forms of Russian organisations: as written in capitals, as typed in lower case, and those whose
unquoted name is a brand (the facts read organisations with them; the regions must not read such a name as a
place)."""

from __future__ import annotations

import re
from collections.abc import Iterable

LEGAL_FORMS = (
    "ООО",
    "ОАО",
    "ЗАО",
    "ПАО",
    "НАО",
    "АО",
    "ИП",
    "МУП",
    "ГУП",
    "ФГУП",
    "ФГБУ",
    "ФГБОУ",
    "ГБУ",
    "ГБУЗ",
    "ГАУ",
    "ГКУ",
    "МБУ",
    "МБОУ",
    "МАОУ",
    "МБДОУ",
    "МБУК",
    "МАУК",
    "МКУК",
    "ГБУК",
    "МБУДО",
    "МАУДО",
    "ГБУСО",
    "МАДОУ",
    "МКОУ",
    "МАУ",
    "МКУ",
    "ГБОУ",
    "ГАПОУ",
    "ГБПОУ",
    "ОГБУ",
    "КГБУ",
    "ГАУЗ",
    "МАУЗ",
    "МБУЗ",
    "ФКУ",
    "ГОБУ",
    "АНО",
    "НКО",
    "ТСЖ",
    "ЧОП",
    "ЧОО",
    "ТОО",
    "СПК",
    "ПК",
    "ООО ЧОП",
    "ООО ЧОО",
)
# typed in lower case before a name: «ооо "агроинвест"», «ип исаев», «мбу школа №3»
LOWER_CASE_FORMS = (
    "ооо",
    "оао",
    "зао",
    "пао",
    "ао",
    "ип",
    "чоп",
    "муп",
    "мп",
    "гуп",
    "гбуз",
    "гбу",
    "мбу",
    "мбоу",
    "мбдоу",
    "фгуп",
    "ано",
)
# commercial and unitary enterprises: an unquoted name after them is the organisation's («АО Ижмаш», «ооо
# курганхиммаш»), not a place; a state institution's name often is its place («ГБУЗ Рязанская ЦРБ»)
BRAND_NAME_FORMS = ("ООО", "ОАО", "ЗАО", "ПАО", "АО", "НАО", "ГУП", "МУП", "ФГУП")


def alternation(forms: Iterable[str]) -> str:
    """A regular-expression alternation of the forms, longest first («ООО ЧОП» before «ООО»)."""
    return "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))

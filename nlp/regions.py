"""Region resolution: official RF subject names from region names, aliases and cities in any case form.

Forms are prebuilt once by inflecting every name with pymorphy (all six cases, plus «в Крыму»-style loc2),
so matching a text is a dictionary lookup over token n-grams; a lemma lookup catches forms the
inflection missed. Cities come from ``kb_content/gazetteer/cities.yaml``; a name listed for several
regions is ambiguous and resolves to nothing by itself. Villages, urban-type settlements and stanitsas come
from ``kb_content/gazetteer/settlements.yaml`` (built by ``scripts/build_settlements.py``) and
``settlements_added.yaml`` (kept by hand: places GeoNames lacks); their forms are
made by ending rules and they count only after a marker («пгт», «с.», «в посёлке»; «г.» / «город» for the
small towns among them; «в районе» for a big city's district), «в / из» (or «на» with a locative: «на
Ржевке»), or standing alone between punctuation like a heading («Хандыга. …»; see find). Metro stations
(``kb_content/gazetteer/metro.yaml``) name their city after «метро», «м.» («у м. ВДНХ»), and most of them,
with the neighbourhoods of ``kb_content/gazetteer/city_parts.yaml``, alone after a preposition of place when
no other region is named («кафе у Павелецкой», «на Каширке»; see _city_part_places); the fields of
``kb_content/gazetteer/fields.yaml`` («Ванкорское месторождение») are read as region aliases.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from nlp import morph
from nlp.legal_forms import BRAND_NAME_FORMS, alternation

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
MAX_NGRAM = 5
_GAP_RE = re.compile(r"[ \t.]*")
TOKEN_RE = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*")
CITY_MARKERS = frozenset(
    {
        "г",
        "город",
        "города",
        "городе",
        "городу",
        "гор",
        "пгт",
        "рп",
        "пос",
        "поселок",
        "посёлок",
        "поселке",
        "посёлке",
        "поселка",
        "посёлка",
        "станица",
        "станице",
        "станицы",
        "ст",
        "ст-ца",
        "ст-це",
        "село",
        "селе",
        "села",
        "деревня",
        "деревне",
        "деревни",
        "хутор",
        "хуторе",
        "аул",
        "ауле",
        # the other case forms of the settlement words («из посёлка», «к селу», «за хутором»)
        "поселку",
        "посёлку",
        "поселком",
        "посёлком",
        "селу",
        "селом",
        "деревню",
        "деревней",
        "дер",
        "станицу",
        "станицей",
        "ст-цы",
        "хутора",
        "хутору",
        "хутором",
        "аула",
        "аулу",
        "аулом",
        # a resort named by its village («на курорте Архыз», «в курорте Домбай»: tuning batch 1164)
        "курорт",
        "курорте",
        "курорта",
        "курорту",
        "курортом",
    }
)
PREPOSITIONS = frozenset({"в", "во", "из", "по", "под", "на", "около", "возле"}) | CITY_MARKERS
# after one of these a settlement of settlements.yaml counts («пгт Ягодное», «в селе Ахты», «с. Майма»);
# the one-letter abbreviations need their dot, since «с», «в», «а» are words too
_DOTTED_MARKERS = frozenset({"с", "п", "д", "х", "а"})
_TOWN_MARKERS = frozenset({"г", "город", "города", "городе", "городу", "гор"})
# a district of a big city named after its old village («в районе Автово», «район Новогиреево», «мкр Шушары»)
_DISTRICT_MARKERS = frozenset(
    {"район", "района", "районе", "микрорайон", "микрорайона", "микрорайоне", "мкр", "мкрн"}
)
SETTLEMENT_MARKERS = (CITY_MARKERS - _TOWN_MARKERS) | _DOTTED_MARKERS | _DISTRICT_MARKERS
# endings of an adjective's case forms: after a district marker or «на» a settlement is named by a noun («в
# районе Автово»), an adjective there is a subject's or a works' («Марксовского района Саратовской области»)
_ADJECTIVE_CASE_ENDINGS = tuple("ой ого ому ом ий ый ая ое ую ей ым им ых их".split())
_ABBREVIATED_MARKERS = _DOTTED_MARKERS | {"пгт", "рп", "пос", "ст", "ст-ца", "ст-це", "ст-цы", "дер", "гор"}
# after these a name in lower case may be an ordinary word («пгт ягодное»): nothing else follows them
_PLAIN_MARKERS = frozenset({"пгт", "рп"})
# stanitsas are named by adjectives («ст. Вёшенская»): an adjective after these is a name
_STANITSA_MARKERS = frozenset(
    {"ст", "ст-ца", "ст-це", "ст-цы", "станица", "станице", "станицы", "станицу", "станицей"}
)
# «ст.» is also «старший» and «статья»: capitalised names only, none named like a town elsewhere
_STATION_MARKER = "ст"
_STATION_WORDS = frozenset({"станция", "станции", "станцию", "станцией"})
# a settlement is also read without a marker right after these, when it is not an ordinary word
_SETTLEMENT_PREPOSITIONS = frozenset({"в", "во", "из", "под", "на"})  # «под Галичем», «на Ржевке»
# after «на» only a place's locative or an undeclined «-о» («на Ржевке», «на Коломягах», «на Новокосино»): not
# a street («на Радищева»), a river («на Волгу») or an adjective («на Златоустовском заводе»)
_ON_PLACE_ENDINGS = ("е", "ах", "ях", "о")
STREET_MARKERS = frozenset(
    {
        "ул",
        "улица",
        "улице",
        "улицы",
        "улицу",
        "пр",
        "проспект",
        "проспекте",
        "просп",
        "пер",
        "переулок",
        "переулке",
        "бульвар",
        "бульваре",
        "б-р",
        "шоссе",
        "пл",
        "площадь",
        "площади",
        "наб",
        "набережная",
        "набережной",
        "мкр",
        "микрорайон",
        "проезд",
        "метро",
        "имени",
        "им",
    }
)
_WORK_CONTEXT_RE = re.compile(
    r"работа\w*|работ[уе]\b|тружусь|устроил\w*|филиал\w*|подразделени\w*|завод\w*|склад\w*|цех\w*|вахт\w*|"
    r"объект\w*|магазин\w*|предприяти\w*|трудоустро\w*|мест\w* работы|месторождени\w*|шахт\w*|рудник\w*|"
    r"стройк\w*|баз[аеуы]\b(?!\s+отдыха)|ваканси\w*|езжу\s+(?:на\s+\w+\s+)?во?\s*$",
    re.IGNORECASE,
)
# a head office, a registration, a birthplace or a trip: not where the work is, when another place is named
_AWAY_CONTEXT_RE = re.compile(
    r"главн\w* офис\w*|головн\w*|центральн\w* офис\w*|зарегистрир\w*|регистраци\w*|юридическ\w* адрес\w*|"
    r"юр\.? ?адрес\w*|родом|родил\w*|прописк\w*|прописан\w*|в командировк\w*|"
    r"командирова\w*|учредител\w*|владел\w* (?:из|в)|сидит|из офиса|"
    # the employer's town: «работодатель ООО «ТеплоМонтаж» из Волгограда»
    r"работодател\w*(?:\s+\S+){0,4}\s+из\s*$|"
    # a transfer ahead: «с 1 января я перевожусь в филиал в Мурманске»; a place set aside: «(Ярославская
    # область, не Ростов-на-Дону)» (not «а не Сургутский район»: that one is meant)
    r"перевож\w*|переводят|[,(]\s*не\s+(?:в\s+|во\s+)?$|"
    # others' trips: «начальство уехало в Москву», «директор улетел в Сочи», «отправили на обучение в Казань»
    r"уехал\w*|уезжа\w*|улетел\w*|улета\w*|укатил\w*|смотал\w*|съездил\w*|на обучени\w*|на учеб\w*|"
    r"на курсы|на повышени\w* квалификации|в отпуск\w*|"
    # a trip for treatment: «сопровождать ребёнка на лечение в Москву», «на обследование в Томск»
    r"\bна (?:лечени|обследовани|операци|реабилитаци)\w*|"
    # the writer's own trips and holidays: «купила билеты к маме в Анапу», «путёвку в Карелию»
    r"билет\w*|путевк\w*|путёвк\w*|на отдых\w*|на море|"
    r"к (?:мам|пап|родител|родн|сестр|брат|дочер|сын|бабушк|дедушк)\w*",
    re.IGNORECASE,
)
# moving: the place one came from is away, the place one moved to is not
_MOVED_RE = re.compile(r"(?:пере|при)(?:ехал|ехала|ехали|брал\w*)|переселил\w*", re.IGNORECASE)
_FROM_RE = re.compile(r"(?:^|\s)изо?\s*$", re.IGNORECASE)
# a place one went to for work: «уехал в Сургут на вахту», «подался в Москву на заработки»
_WORK_AFTER_RE = re.compile(
    r"\s*(?:на (?:вахт\w*|заработк\w*|работу|объект|стройк\w*)|работать)", re.IGNORECASE
)
# a trip told after the place: «отправили в Казань на обучение», «в Москву в командировку»
_AWAY_AFTER_RE = re.compile(
    r"\s*(?:на (?:обучени\w*|учеб\w*|курсы|повышени\w* квалификации|семинар\w*|конференци\w*)|"
    r"в командировк\w*|в отпуск\w*)",
    re.IGNORECASE,
)
# the writer's home: counts when nothing else is named («живу в Подольске, а работаю в Москве» → Москва)
_HOME_CONTEXT_RE = re.compile(
    r"живу|живём|живем|проживаю|проживаем|проживание|дом\w* в|езжу из|ездить из|"
    r"(?:^|\W)(?:я|мы|сам|сама|сами)\s+(?:\w+\s+)?из\s*$",
    re.IGNORECASE,
)
# where the writer lives, said right before the place: «живу в Ельце», «проживаю в г. Рузаевка»
_RESIDENCE_RE = re.compile(
    r"(?:живу|живём|живем|проживаю|проживаем)\s+(?:[а-яё]+\s+){0,2}?во?\s+"
    r"(?:(?:г|гор|пос|пгт|с|ст)\.\s*|(?:городе|посёлке|поселке|селе|деревне|станице)\s+)?$",
    re.IGNORECASE,
)
# between a town and its subject: «Орске Оренбургской области», «Белорецке (Башкирия)», «Ишиме, Тюменской»
_APPOSITION_RE = re.compile(r"[\s,(]{1,3}")
_OPENS_BRACKET_RE = re.compile(r"\(\s*$")
_REMOTE_RE = re.compile(
    r"удал[её]нн|на удал[её]нк|дистанционн|работа\w*(?:\s+[\w-]+){0,3}\s+из дома\b", re.IGNORECASE
)
_ABBREVIATION_END_RE = re.compile(
    r"(?:^|[\s(«])(?:г|гор|пос|пгт|с|ст|д|п|х|обл|ул|юр|им|пр|просп|наб|мкр|р-н|р|руб|тыс|т)$", re.IGNORECASE
)
_CLAUSE_END_RE = re.compile(r"[.;!?\n(]|,\s*(?:а|но|хотя|однако|сам[аи]?)\s|\s(?:а|но)\s")
_QUOTED_RE = re.compile(r"«[^«»\n]{1,60}»|\"[^\"\n]{1,60}\"")
_DISTRICT_WORDS = frozenset(
    {
        "район",
        "района",
        "районе",
        "району",
        "районом",
        "р-н",
        "р-на",
        "р-не",
        "р-ну",
        "улус",
        "улуса",
        "улусе",
        "улусу",
        "округ",
        "округа",
        "округе",
        "округу",
        "округом",
    }
)
_REGION_WORDS = frozenset({"обл", "область", "области", "областью", "край", "края", "краю", "крае", "краем"})
# an organisation named without quotes: «АО Ижмаш», «ооо курганхиммаш»
_LEGAL_FORM_NAME_RE = re.compile(
    rf"(?<![\w])(?:{alternation((*BRAND_NAME_FORMS, *(f.lower() for f in BRAND_NAME_FORMS)))})\s+"
    r"(?P<name>[\w-]+(?:\s+[\w-]+)?)"
)
# «Х-ского муниципального / городского округа»
_MUNICIPAL_WORDS = frozenset(
    {"муниципального", "муниципальный", "муниципальном", "городского", "городской", "городском"}
)
_NEXT_WORDS = _DISTRICT_WORDS | _REGION_WORDS | _MUNICIPAL_WORDS
# a city's district or a rural district named by an adjective, up to three words on: «на Советском районе», «в
# Советском и Октябрьском районах», «Октябрьского округа», «в Советском районном суде»
_CITY_PART_STARTS = ("район", "р-н", "улус", "округ", "микрорайон")
# a firm's branch named by its town after «в / на»: «в мурманском филиале», «на Искитимском участке»
_BRANCH_RE = re.compile(
    r"(?:филиал|подразделени|представительств|офис|склад|магазин|цех|участк|отделени)(?:е|а|у|ом|и|ю|ем|ии)?"
)
# an institution named after its town or region: «Омский государственный университет», «Рязанская ЦРБ»
_INSTITUTION_RE = re.compile(
    r"университет|институт|колледж|техникум|академи|больниц|црб|цгб|поликлиник|госпитал|роддом|перинатальн|"
    r"диспансер|завод|комбинат|аэропорт|метрополитен|водоканал|гортранс|электротранс|театр|филармони|цирк|"
    r"организаци|отделени|профсоюз|объединени|федераци|ассоциаци|фонд|"
    r"совет|администраци|издани|газет|редакци|консультаци|центр(?:а|у|е|ом)?\b|"
    # «Вологодский драмтеатр», «Ивановский политех», «Екатеринбургская компания» (tuning batches 1106, 1116)
    r"драмтеатр|музе[йяюе]|политех|компани|предприяти|порт(?:а|у|е|ом)?\b"
)
_INSTITUTION_ADJECTIVE_RE = re.compile(
    r"(?:государствен|национальн|федеральн|областн|краев|республиканск|городск|районн|муниципальн|"
    r"техническ|медицинск|педагогическ|аграрн|политехническ|клиническ|центральн|детск|"
    r"региональн|межрегиональн|общественн|некоммерческ|бюджетн|казенн|спортивн|правов|юридическ)\w*"
)
# in lower case a town's adjective counts only before these: «кировская црб», not «советская организация»
_HOSPITAL_ABBREVIATIONS = frozenset({"црб", "цгб"})
# a subject's own institutions name it right after their form: «ГБУЗ МО», «ГБОУ ЛО»
_STATE_INSTITUTION_FORMS = frozenset(
    {"гбуз", "гауз", "гкуз", "гбу", "гау", "гку", "гбоу", "гаоу", "гкоу", "гбпоу", "гапоу", "гуп", "гбусо"}
)
_ROAD_WORDS = frozenset({"тракт", "тракта", "тракте", "трактом", "шоссе"})
_QUOTE_AFTER_RE = re.compile(r"\s*[«\"“„]")
_GAP_SPACES_RE = re.compile(r" +")
# a word standing on its own between sentence or list punctuation, in brackets or at the text's ends: how a
# chat message names its town («...не платят. курган», «ооо трубопроводстрой, уфа», «на Литейном (питер)»)
_ALONE_BEFORE_RE = re.compile(r"(?:^|[.!?,;:\n—–(-])\s*$")
_ALONE_AFTER_RE = re.compile(r"\s*(?:$|[.!?,;\n)])")
_YEAR_BEFORE_RE = re.compile(r"\d\s*$")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…\n])[\"»”)]*\s*$")
_DOT_GAP_RE = re.compile(r"\. *")
_ABBREVIATION_GAP_RE = re.compile(r"\.? *")
# person nouns that take a town in the genitive: «жителей Иванова», «мэр Королёва»
_NOT_JOB_RE = re.compile(r"(?:жител|уроженц|уроженец|мэр|губернатор|глав|гост|выходц)\w*")
_CAMEL_RE = re.compile(r"[А-ЯЁA-Z][а-яёa-z]+|[а-яёa-z]+")
RULES_DIR = Path(__file__).with_name("rules")


def _kb_dir() -> Path:
    import kb_content

    return Path(kb_content.__file__).parent


@dataclass(frozen=True)
class Place:
    """One place mention: surface text, offsets, official region (None if ambiguous), kind."""

    text: str
    start: int
    end: int
    region: str | None
    kind: str  # "region" | "city" | "settlement"
    part_of_city: bool = False  # a metro station or a neighbourhood named alone («у Павелецкой»)


@dataclass(frozen=True)
class _Entry:
    regions: tuple[str, ...]
    kind: str
    exact: bool  # abbreviation: case-sensitive, no inflection
    adjective: bool  # a one-word name that is also an adjective («Мирный», «Октябрьский»)
    capital_of: str | None = None  # for an ambiguous name: the region whose centre it is («Киров»)
    centre: bool = False  # a subject's centre (named in lower case however short: «кафе уфа»)


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _inflect_word(word: str, attribute: bool = False) -> dict[str, str]:
    """Case → form for one word; hyphenated «Ростов-на-Дону» inflects its first part. An `attribute` (a word
    before the head noun of a name) is inflected as an adjective when it can be one: «Сергиев Посад» → «в
    Сергиевом Посаде», not the surname's «Сергиеве»."""
    if "-на-" in word:
        head, _, tail = word.partition("-на-")
        return {case: f"{form}-на-{tail}" for case, form in _inflect_word(head).items()}
    analyzer = morph.analyzer()
    parses = [p for p in analyzer.parse(word) if "nomn" in p.tag]
    if attribute:
        parses = [p for p in parses if p.tag.POS == "ADJF"] or parses
    geo = [p for p in parses if "Geox" in p.tag] or parses
    forms = {case: word for case in CASES}
    if not geo:
        return _fallback_forms(word)
    parse = geo[0]
    for case in CASES:
        inflected = parse.inflect({case})
        if inflected is not None:
            forms[case] = inflected.word
    return forms


def _fallback_forms(word: str) -> dict[str, str]:
    forms = {case: word for case in CASES}
    lower = word.lower()
    if (
        not re.fullmatch(r"[а-яё]{3,}", lower)
        or lower[-1] in "оеиыуюэь"
        or lower.endswith(("ий", "ый", "ой"))
    ):
        return forms
    # the first reading of the settlements' ending table («Русса» → «Руссе»); «и» after a velar or a hushing
    # consonant («Двинка» → «Двинки»)
    ending = lower[-1] if lower[-1] in "ая" else ""
    stem = word[: len(word) - len(ending)]
    for case, suffixes in zip(_SETTLEMENT_CASES[1:], _SETTLEMENT_ENDINGS[ending], strict=True):
        velar = ending == "а" and case == "gent" and stem[-1:].lower() in "гкхжшщч"
        suffix = suffixes[-1] if velar else suffixes[0]
        forms[case] = word if suffix == "=" else stem + suffix
    forms["loc2"] = forms["loct"]
    return forms


_SETTLEMENT_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_VOWELS = "аеёиоуыэюя"
_ADJECTIVE_ENDINGS = ("ый", "ой", "ий", "ая", "яя", "ое", "ее", "ые", "ие")
# ending of the nominative → the other endings (gent, datv, accs, ablt, loct; "=" is the nominative, "" the
# bare stem, "a|b" both; the key "" is a consonant); several readings where the gender or the hardness is
# unknown: matching needs a marker or a preposition anyway, so a form too many costs nothing
_SETTLEMENT_ENDING_TEXT = {
    "ый": ("ого", "ому", "=", "ым", "ом"),
    "ой": ("ого", "ому", "=", "ым", "ом"),
    "ий": ("ого|его", "ому|ему", "=", "им|ым", "ом|ем"),
    "ая": ("ой", "ой", "ую", "ой", "ой"),
    "яя": ("ей", "ей", "юю", "ей", "ей"),
    "ое": ("ого", "ому", "=", "ым", "ом"),
    "ее": ("его", "ему", "=", "им", "ем"),
    "ые": ("ых", "ым", "=", "ыми", "ых"),
    "ие": ("их", "им", "=", "ими", "их"),
    "ия": ("ии", "ии", "ию", "ией", "ии"),
    "а": ("ы|и", "е", "у", "ой|ей", "е"),
    "я": ("и", "е", "ю", "ей", "е"),
    "ь": ("и|я", "и|ю", "=", "ью|ем", "и|е"),
    "й": ("я", "ю", "=", "ем", "е"),
    "о": ("а", "у", "=", "ом", "е"),
    "е": ("я", "ю", "=", "ем", "е"),
    # plural nouns: «Пангоды» → «в Пангодах», «Арти» → «в Артях», «Хвастовичи» → «Хвастовичей»
    "ы": ("|ов|ей", "ам", "=", "ами", "ах"),
    "и": ("|ов|ей|ев", "ам|ям", "=", "ами|ями", "ах|ях"),
    "": ("а", "у", "=", "ом|ем", "е"),
}
_SETTLEMENT_ENDINGS = {
    ending: tuple(tuple(case.split("|")) for case in cases)
    for ending, cases in _SETTLEMENT_ENDING_TEXT.items()
}


def _settlement_word_forms(word: str) -> list[set[str]]:
    """Forms of one word of a settlement's name by case (in _SETTLEMENT_CASES order), by its ending: pymorphy
    does not know most of these names, and inflecting four thousand of them with it takes seconds."""
    ending = _settlement_ending(word)
    if ending is None:  # «Тикси», «Шали»: indeclinable
        return [{word} for _ in _SETTLEMENT_CASES]
    stems = [word[: len(word) - len(ending)]]
    if not ending and len(word) >= 5 and word[-1] in "кц" and word[-2] in "оеё" and word[-3] not in _VOWELS:
        stems.append(word[:-2] + word[-1])  # a fleeting vowel: «Каргасок» → «в Каргаске»
    forms = [{word}]
    for endings in _SETTLEMENT_ENDINGS[ending]:
        forms.append({word if suffix == "=" else stem + suffix for stem in stems for suffix in endings})
    return forms


def _settlement_ending(word: str) -> str | None:
    """The key of _SETTLEMENT_ENDINGS for a word, or None when it does not decline."""
    if len(word) < 3:
        return None
    if word.endswith(_ADJECTIVE_ENDINGS + ("ия",)):
        return word[-2:]
    last = word[-1]
    if last in "йь":
        return last
    if last in "аяоеыи":
        return last if word[-2] not in _VOWELS else None
    if last in _VOWELS or last == "ъ":
        return None
    return ""


def settlement_forms(name: str) -> set[str]:
    """All case forms of a settlement's name, folded: «Малая Пурга» → «малой пурге», «Ильинское-Хованское» →
    «ильинском-хованском» (and «ильинское-хованском»); the nominative stands for every case too, as people
    often leave «Брейтово», «Пителино» undeclined."""
    folded = _fold(name)
    if " " not in folded and "-" not in folded:
        return set().union(*_settlement_word_forms(folded))
    per_word = []
    for word in folded.split():
        parts = word.split("-")
        per_part = [_settlement_word_forms(part) for part in parts]
        by_case = []
        for case in range(len(_SETTLEMENT_CASES)):
            variants = {"-".join(combination) for combination in product(*(f[case] for f in per_part))}
            variants |= {"-".join([*parts[:-1], last]) for last in per_part[-1][case]}  # «в Усть-Куте»
            by_case.append(variants)
        if folded.endswith(word) and word.endswith("о"):
            # the last word left undeclined as a single-word name is («в Южном Бутово», «в Северном Тушино»)
            by_case = [variants | {word} for variants in by_case]
        per_word.append(by_case)
    result: set[str] = set()
    for case in range(len(_SETTLEMENT_CASES)):  # the words agree in case: «в Малой Пурге»
        result.update(" ".join(words) for words in product(*(by_case[case] for by_case in per_word)))
    return result


def _compound_forms(word: str) -> set[str]:
    """Forms of a hyphenated name whose parts both change («Каменск-Уральский» → «Каменске-Уральском»,
    «Юрьев-Польский» → «Юрьеве-Польском»), besides the forms with only the last part changing."""
    head, _, tail = word.partition("-")
    if not head or not tail or "-" in tail or head.lower() in ("усть", "соль", "спас", "гусь", "пыть"):
        return set()
    head_forms, tail_forms = _inflect_word(head), _inflect_word(tail)
    tail_parse = next((p for p in morph.analyzer().parse(tail) if "ADJF" in p.tag and "nomn" in p.tag), None)
    result = set()
    for case in CASES:
        tail_form = tail_forms[case]
        if tail_parse is not None:
            inflected = tail_parse.inflect({case})
            tail_form = inflected.word if inflected is not None else tail_form
        result.add(f"{head_forms[case]}-{tail_form}")
        result.add(f"{head}-{tail_form}")
    return {_fold(form) for form in result}


def phrase_forms(phrase: str, agree_all: bool = True) -> set[str]:
    """All case forms of a multi-word name, folded to lower case."""
    words = phrase.split()
    per_word = [_inflect_word(w, attribute=k < len(words) - 1) for k, w in enumerate(words)]
    result = {_fold(phrase)}
    if len(words) == 1 and "-" in phrase and "-на-" not in phrase:
        result |= _compound_forms(phrase)
    if len(words) == 1 and set(per_word[0].values()) == {_fold(phrase)} and _fold(phrase)[-1:] in ("ы", "и"):
        result |= settlement_forms(phrase)  # pymorphy takes «Лиски» for indeclinable: «в Лисках»
    for case in CASES:
        result.add(_fold(" ".join(forms[case] for forms in per_word)))
        if not agree_all and len(words) > 1:  # «в Республике Татарстан»: only the head noun changes
            result.add(_fold(" ".join([per_word[0][case], *words[1:]])))
    extra = set()
    for form in result:
        if " област" in form:
            extra.add(re.sub(r" област\w*$", " обл", form))
        if form.endswith((" край", " края", " краю", " крае", " краем")):  # «Краснодарский кр.»
            extra.add(re.sub(r" кра\w*$", " кр", form))
    return result | extra


def _core_name(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name)
    return name.split(" — ")[0].strip()


class Gazetteer:
    """Prebuilt surface-form index of regions, aliases, cities and settlements."""

    def __init__(
        self,
        regions: list[dict[str, Any]],
        cities: list[dict[str, Any]],
        aliases: list[dict[str, Any]],
        words: dict[str, Any] | None = None,
        settlements: list[dict[str, Any]] | None = None,
    ):
        self.official = [str(r["name"]) for r in regions]
        official = set(self.official)
        self.federal_cities = {str(r["name"]) for r in regions if r.get("kind") == "city"}
        self.by_code = {str(r["code"]): str(r["name"]) for r in regions}
        self.forms: dict[str, list[_Entry]] = {}
        self.exact: dict[str, str] = {}
        self.lemma_index: dict[str, list[_Entry]] = {}
        self.first_words: set[str] = set()
        self.exact_after_preposition: set[str] = set()
        self.adjectives: dict[str, str] = {}  # «одинцовский» → Московская область
        self.prefixes: dict[str, str] = {}  # «курган» → Курганская область (for «Курганхиммаш»)
        self.region_adjectives: dict[str, str] = {}  # «курганский» → Курганская область (for typos)
        self.fuzzy: dict[str, set[str]] = {}  # a form with one letter deleted → forms («красноярсе»)
        self._misspelt_cache: dict[str, tuple[_Entry, str] | None] = {}
        # settlements (villages, urban-type settlements, stanitsas) apart from towns: they count only after a
        # marker («пгт», «с.») or «в / из» and never feed organisation names or typo guesses
        self.settlements: dict[str, str | None] = {}  # form → region (None: forms of two settlements meet)
        self.settlement_first_words: set[str] = set()
        self.settlements_named_like_towns: set[str] = set()  # forms of «Ревда» (Мурманская область)
        self.settlement_adjectives: dict[str, str | None] = {}  # «актанышский» → Республика Татарстан
        words = words or {}
        not_places = {_fold(str(w)) for w in words.get("not_places") or []}
        self.village_names = {_fold(str(w)) for w in words.get("village_names_of_towns") or []}

        for name in self.official:
            core = _core_name(name)
            entry = _Entry((name,), self._kind(name), False, False)
            agree = not core.startswith("Республика ")
            self._add(phrase_forms(core, agree_all=agree), entry)
            if not agree:  # «Республика Татарстан» → also «Татарстан»
                self._add(phrase_forms(core.split(" ", 1)[1]), entry)
        for item in aliases:
            region = str(item["region"])
            if region not in official:
                raise ValueError(f"region alias {item['alias']!r}: unknown region {region!r}")
            if item.get("exact"):
                self.exact[str(item["alias"])] = region
                if item.get("after_preposition"):
                    self.exact_after_preposition.add(str(item["alias"]))
            else:
                self._add(
                    phrase_forms(str(item["alias"])), _Entry((region,), self._kind(region), False, False)
                )

        by_name: dict[str, set[str]] = {}
        names: dict[str, list[str]] = {}
        # region → the names of its first listed city (the gazetteer lists the centre first), with its aliases
        centre: dict[str, set[str]] = {}
        for city in cities:
            region = str(city["region"])
            if region not in official:
                continue
            city_names = [str(city["name"]), *[str(a) for a in city.get("aliases") or []]]
            centre.setdefault(region, {_fold(n) for n in city_names})
            for name in city_names:
                by_name.setdefault(_fold(name), set()).add(region)
                names.setdefault(_fold(name), []).append(name)
        city_region: dict[str, str] = {}  # unambiguous (or capital) city name → region
        for key, regions_of in by_name.items():
            name = names[key][0]
            adjective = (
                " " not in name
                and "-" not in name
                and any("ADJF" in p.tag for p in morph.analyzer().parse(name)[:1])
            )
            capitals = [r for r in regions_of if key in centre.get(r, set())]
            capital_of = capitals[0] if len(regions_of) > 1 and len(capitals) == 1 else None
            entry = _Entry(tuple(sorted(regions_of)), "city", False, adjective, capital_of, bool(capitals))
            if capital_of is not None:
                city_region[key] = capital_of
            elif len(regions_of) == 1:
                city_region[key] = next(iter(regions_of))
            if "." in name:  # «Н. Новгород»: the initial stays, the rest inflects
                head, _, rest = name.partition(" ")
                self._add({f"{_fold(head).rstrip('.')} {form}" for form in phrase_forms(rest)}, entry)
                continue
            self._add(phrase_forms(name), entry)
            if " " not in name and "-" not in name and morph.lemma(name) == key:
                # not for a plural name: the lemma of «Шахты», «Химки» is the common noun «шахта», «химка»
                self.lemma_index.setdefault(key, []).append(entry)
        self._build_derived(city_region, words, not_places)
        self._build_settlements(settlements or [], official, not_places)
        for adjective, place in (words.get("irregular_adjectives") or {}).items():
            # «Тотемский округ» (Тотьма): a settlement's district whose adjective the rule gets wrong
            if _fold(str(place)) not in city_region and self.settlements.get(_fold(str(place))):
                self.settlement_adjectives[_fold(str(adjective))] = self.settlements[_fold(str(place))]

    def _build_settlements(
        self, settlements: list[dict[str, Any]], official: set[str], not_places: set[str]
    ) -> None:
        """Forms of settlements (a form two settlements share is ambiguous), and district adjectives of those
        whose adjective no town, subject or other settlement has («Актанышский район»)."""
        for item in settlements:
            name, region = str(item["name"]), str(item["region"])
            if region not in official:
                continue
            named_like_town = bool(item.get("city_elsewhere"))
            nominative = _fold(name)
            for form in settlement_forms(name):
                if form in self.forms and not named_like_town:
                    continue  # a form of a town or a subject («Кирово» → «Кирова»): theirs
                if len(form) < 4 and form != nominative:
                    continue  # «Ахт» (of «Ахты»): too short to tell from other words
                known = self.settlements.get(form, region)
                self.settlements[form] = region if known == region else None
                self.settlement_first_words.add(form.split(" ")[0])
                if named_like_town:
                    self.settlements_named_like_towns.add(form)
            if named_like_town or " " in nominative or len(nominative) < 4:
                continue
            if nominative.endswith(("ское", "цкое")):
                adjective = nominative[:-2] + "ий"  # «Таврическое» → «Таврический район»
            elif nominative.endswith(_ADJECTIVE_ENDINGS):
                continue  # «Янтарный»: its district is «Янтарный район», a town's name, not an adjective
            else:
                adjective = _city_adjective(nominative)
            if adjective in self.adjectives or adjective in not_places:
                continue  # a town's or a subject's («кировский»), or never a place
            known = self.settlement_adjectives.get(adjective, region)
            self.settlement_adjectives[adjective] = region if known == region else None

    def _build_derived(
        self, city_region: dict[str, str], words: dict[str, Any], not_places: set[str]
    ) -> None:
        """Adjectives of towns and subjects, and beginnings of compound organisation names."""
        for key, region in city_region.items():
            if " " in key:
                for adjective in _city_adjectives(key):  # «вятскополянский»
                    if adjective not in not_places:
                        self.adjectives.setdefault(adjective, region)
            if " " in key or len(key) < 4 or key in not_places:
                continue
            if "-" in key:
                if "-на-" not in key:
                    self.adjectives.setdefault(_city_adjective(key), region)  # «кирово-чепецкий»
                continue
            for variant in _city_adjectives(key)[1:]:
                if variant not in not_places:
                    self.adjectives.setdefault(variant, region)
            if "Geox" not in morph.tags(key) and "Geox" not in morph.tags(key.capitalize()):
                continue  # «тара», «бор»: ordinary words, not stems of names
            self.adjectives.setdefault(_city_adjective(key), region)
            self.prefixes.setdefault(key, region)
            if len(key.rstrip("аяоыиь")) >= 5:  # «тюмен(ь)», «воркут(а)», not «озер(ы)»
                self.prefixes.setdefault(key.rstrip("аяоыиь"), region)
        for form, entries in self.forms.items():  # «Сахалинморнефтегаз», «Камчатскэнерго»: one-word aliases
            regions_of = {r for e in entries for r in e.regions}
            if " " not in form and "-" not in form and len(form) >= 5 and len(regions_of) == 1:
                if entries[0].kind == "region":
                    self.prefixes.setdefault(form.rstrip("аяоыиь"), next(iter(regions_of)))
        for adjective, city in (words.get("irregular_adjectives") or {}).items():
            of_city = city_region.get(_fold(str(city)))
            if of_city:
                self.adjectives[_fold(str(adjective))] = of_city
        for name in self.official:
            first = _core_name(name).split()[0]
            if re.search(r"(?:ск|цк)(?:ая|ий|ой)$", first) and " " in _core_name(name):
                lemma = morph.lemma(first)
                self.region_adjectives[lemma] = name
                self.adjectives[lemma] = name
        for adjective in not_places:
            self.adjectives.pop(adjective, None)
        for form, entries in self.forms.items():  # one letter wrong, missing, extra or swapped
            if len(form) >= 6 and " " not in form and len({r for e in entries for r in e.regions}) == 1:
                for key in _deletions(form):
                    self.fuzzy.setdefault(key, set()).add(form)
        for prefix, region in (words.get("org_prefixes") or {}).items():
            self.prefixes[_fold(str(prefix))] = str(region)

    def _kind(self, region: str) -> str:
        return "city" if region in self.federal_cities else "region"

    def _add(self, forms: set[str], entry: _Entry) -> None:
        # a hyphenated name is also written with a space: «в йошкар оле», «Нарьян Мар», «улан удэ»
        forms = forms | {form.replace("-", " ") for form in forms if "-" in form}
        for form in forms:
            self.first_words.add(form.split(" ")[0])
            bucket = self.forms.setdefault(form, [])
            if entry not in bucket:
                bucket.append(entry)

    def find(self, text: str) -> list[Place]:
        """Every place mention in the text, left to right, longest match first."""
        toks = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
        folded = [_fold(t[0]) for t in toks]
        first_words = self.first_words

        def joined(k: int) -> bool:
            """Tokens k and k + 1 are separated only by spaces and dots («Н. Новгород», «Самарская обл.»)."""
            return _GAP_RE.fullmatch(text, toks[k][2], toks[k + 1][1]) is not None

        quoted = (
            [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)] if '"' in text or "«" in text else []
        )
        # an unquoted name after a legal form is an organisation's too («ООО АгроСнаб Алтай (Барнаул)»)
        unquoted = [m.span("name") for m in _LEGAL_FORM_NAME_RE.finditer(text)]
        in_quotes: set[int] = set()
        after_legal_form: set[int] = set()
        if quoted or unquoted:
            starts = [t[1] for t in toks]

            def covered(spans: list[tuple[int, int]]) -> set[int]:
                return {k for s, e in spans for k in range(bisect_right(starts, s), bisect_left(starts, e))}

            in_quotes = covered(quoted + unquoted)
            after_legal_form = covered(unquoted) - covered(quoted)
        places: list[Place] = []
        i = 0
        while i < len(toks):
            word, start, end = toks[i]
            if in_quotes and i in in_quotes and not (word in self.exact and i in after_legal_form):
                # a name in quotes is an organisation's («ООО "Строитель"»), see org_region(); an unquoted one
                # runs on to a city's abbreviation at the end of a chat message («ооо вектор нск»)
                i += 1
                continue
            if word in self.exact:
                # «работаю в МО»; a state institution's subject: «ГБУЗ ЛО «Лужская межрайонная больница»»
                # (tuning batch 1086)
                before = folded[i - 1] if i > 0 else ""
                if (
                    word not in self.exact_after_preposition
                    or before in PREPOSITIONS
                    or before in _STATE_INSTITUTION_FORMS
                ):
                    places.append(Place(word, start, end, self.exact[word], "region"))
                i += 1
                continue
            if (
                i > 1
                and text[toks[i - 1][2] : toks[i][1]].strip() == "."
                and all(len(toks[k][0]) == 1 and toks[k][0].isupper() for k in (i - 2, i - 1))
                and text[toks[i - 2][2] : toks[i - 1][1]].strip() == "."
                and not (i > 2 and toks[i - 3][0][:1].isupper())  # «ИП Соколов В.В. Смоленск»: the town
            ):
                i += 1  # «С уважением, Н. Г. Беляева»: a surname right after initials («Г.» is no «г.» here)
                continue
            matched = 0
            longest = 0
            marker = self._settlement_marker(toks, folded, i, text) if i > 0 else None
            if marker is not None and marker != _STATION_MARKER and folded[i] in self.settlement_first_words:
                # «пгт Ревда» is the settlement in Мурманская область, not the town Ревда elsewhere
                place = self._settlement(toks, folded, i, text, marker)
                if place is not None:
                    places.append(place)
                    i += len(TOKEN_RE.findall(place.text))
                    continue
            if folded[i] in first_words:  # an n-gram must be contiguous apart from spaces and dots
                longest = 1
                while longest < MAX_NGRAM and i + longest < len(toks) and joined(i + longest - 1):
                    longest += 1
            for n in range(longest, 0, -1):
                key = " ".join(folded[i : i + n])
                entries = self.forms.get(key)
                if not entries:
                    continue
                place = self._accept(entries, toks, i, n, text)
                if place is not None:
                    places.append(place)
                    matched = n
                    break
            if (
                not matched
                and len(word) > 3
                and (word[:1].isupper() or (i > 0 and folded[i - 1] in PREPOSITIONS))
            ):
                entries = []
                for lemma in sorted(morph.lemmas(word)):  # a set: sorted, so every run reads them alike
                    entries.extend(self.lemma_index.get(lemma, []))
                if entries:
                    place = self._accept(entries, toks, i, 1, text)
                    if place is not None:
                        places.append(place)
                        matched = 1
            if not matched and folded[i] in self.settlement_first_words:
                place = self._settlement(toks, folded, i, text, marker)
                if place is not None:
                    places.append(place)
                    matched = len(TOKEN_RE.findall(place.text))
            if (
                not matched
                and len(word) >= 6
                and (word[:1].isupper() or (i > 0 and folded[i - 1] in PREPOSITIONS))
                and not (word[1:] != word[1:].lower() and word != word.upper())  # «ИрНИТУ»: an abbreviation
            ):
                place = self._misspelt(toks, folded, i, text)
                if place is not None:
                    places.append(place)
                    matched = 1
            if not matched and (
                (
                    (word[:1].isupper() or (i + 1 < len(folded) and folded[i + 1] in _HOSPITAL_ABBREVIATIONS))
                    and self._institution_of_place(folded, i)
                )
                or _branch_of_place(toks, folded, i)
            ):
                region = self.adjectives.get(morph.lemma(folded[i]))
                # «Омского государственного технического университета», «Рязанская ЦРБ», «котласская црб»
                if region:
                    places.append(Place(word, start, end, region, "city"))
                    matched = 1
            if not matched and i + 1 < len(toks) and folded[i + 1] in _NEXT_WORDS:
                place = self._derived(toks, folded, i, text)
                if place is not None:
                    places.append(place)
                    matched = 1
            if (
                not matched
                and "-" in word
                and word[:1].isupper()
                and (i == 0 or folded[i - 1] not in STREET_MARKERS)
            ):  # «дорога Чита-Хабаровск»
                offset = start
                for part in word.split("-"):
                    entries = self.forms.get(_fold(part)) if part[:1].isupper() and len(part) > 2 else None
                    if entries and _surname_in_genitive(part):
                        entries = None  # «на Римского-Корсакова»: a street, not Корсаков
                    if entries:
                        regions_of = {r for e in entries for r in e.regions}
                        region = next(iter(regions_of)) if len(regions_of) == 1 else entries[0].capital_of
                        if region and not entries[0].adjective:
                            places.append(Place(part, offset, offset + len(part), region, entries[0].kind))
                    offset += len(part) + 1
            i += matched or 1
        return places

    def _settlement_marker(
        self, toks: list[tuple[str, int, int]], folded: list[str], i: int, text: str
    ) -> str | None:
        """The settlement word right before token i («пгт», «с.», «в селе», «р.п.»), or None."""
        marker = folded[i - 1]
        gap = text[toks[i - 1][2] : toks[i][1]]
        if marker in _STATION_WORDS:
            # «станция Таксимо», «на станции Лорино»: read as «ст.» is
            return _STATION_MARKER if _GAP_SPACES_RE.fullmatch(gap) else None
        if marker not in SETTLEMENT_MARKERS and marker not in _TOWN_MARKERS:
            return None
        if marker == "г":
            # a small town that cities.yaml does not list («г. Абаза»); «2023 г.» is a year
            if not _DOT_GAP_RE.fullmatch(gap) or _YEAR_BEFORE_RE.search(
                text, max(0, toks[i - 1][1] - 8), toks[i - 1][1]
            ):
                return None
        elif marker in _DOTTED_MARKERS:
            if not _DOT_GAP_RE.fullmatch(gap):
                return None  # «с», «в», «а» without a dot are words
            if (
                toks[i - 1][0].isupper()
                and i > 1
                and toks[i - 2][0][:1].isupper()
                and _GAP_SPACES_RE.fullmatch(text, toks[i - 2][2], toks[i - 1][1])
            ):
                return None  # «Иванова С. Брейтова»: an initial after a surname
        elif not (_ABBREVIATION_GAP_RE if marker in _ABBREVIATED_MARKERS else _GAP_SPACES_RE).fullmatch(gap):
            return None  # «в селе. Заря …»: a full word ends its sentence
        if marker == "п" and i > 1 and folded[i - 2] == "р":
            return "рп"  # «р.п. Каргаполье»
        return marker

    def _settlement(
        self, toks: list[tuple[str, int, int]], folded: list[str], i: int, text: str, marker: str | None
    ) -> Place | None:
        """A settlement from token i: after a marker (in lower case only when it is no ordinary word, or
        after «пгт» / «рп»), or right after «в / во / из / под / на» when it is no ordinary word («в
        Каргаске», not «в поле»; after «на» a locative only), or standing alone between punctuation when it is
        no ordinary word and no first name (a letter's heading «Хандыга.», not a signature «Анна») — the
        letter's first word before a full stop even when it is a word («Ягодное. Работаю …»)."""
        after_preposition = (
            i > 0
            and folded[i - 1] in _SETTLEMENT_PREPOSITIONS
            and _GAP_SPACES_RE.fullmatch(text, toks[i - 1][2], toks[i][1]) is not None
        )
        # or standing alone, as a letter's heading names its place («Хандыга. Уволилась из магазина …»,
        # «Ноглики, рыбоконсервный цех»)
        if (
            marker is None
            and not after_preposition
            and not _ALONE_BEFORE_RE.search(text, max(0, toks[i][1] - 3), toks[i][1])
        ):
            return None
        longest = 1
        while (
            longest < MAX_NGRAM
            and i + longest < len(toks)
            and _GAP_SPACES_RE.fullmatch(text, toks[i + longest - 1][2], toks[i + longest][1])
        ):
            longest += 1
        for n in range(longest, 0, -1):
            key = " ".join(folded[i : i + n])
            if key not in self.settlements:
                continue
            region = self.settlements[key]
            if region is None:
                return None  # forms of two settlements in different regions
            if key in self.settlements_named_like_towns and (
                marker in (None, _STATION_MARKER) or marker in _TOWN_MARKERS or marker in _DISTRICT_MARKERS
            ):
                continue  # «в Ревде», «ст. Ревда», «г. Ревда», «в районе Сургута»: the town
            if marker in _DISTRICT_MARKERS and folded[i].endswith(_ADJECTIVE_CASE_ENDINGS):
                continue  # «Марксовского района Саратовской области»: the subject, not a stanitsa
            if (
                after_preposition
                and folded[i - 1] == "на"
                and (key.endswith(_ADJECTIVE_CASE_ENDINGS) or not key.endswith(_ON_PLACE_ENDINGS))
            ):
                continue  # after «на» a place's locative only («на Ржевке», not «на Радищева»)
            words = [t[0] for t in toks[i : i + n]]
            # after «в / из» a first name to pymorphy is a place (no one is «в Айхале»), and so is a word it
            # reads as a place as readily as anything else («в Ясенево»: a short adjective or the district)
            ordinary = all(
                _is_ordinary_word(w)
                and not (after_preposition and (_is_first_name(w) or _place_reading_ties(w)))
                for w in words
            )
            if n == 1 and i > 0 and folded[i - 1] == "под" and folded[i].endswith(("ском", "цком")):
                ordinary = False  # «под Медвежьегорском»: after «под» an adjective would end in «-ским»
            if n > 1 and all(w[:1].isupper() for w in words):
                ordinary = False  # «в Тёплом Стане», «в Марьиной Роще»: words, but capitalised, a name
            # the letter's very first word as its heading, a sentence of its own («Ягодное. Работаю на
            # автобазе …»): a place even when it is also a word (not «Мама, 79 лет, лежала …»: a town too)
            heading = i == 0 and text.startswith(".", toks[i + n - 1][2])
            if marker is None:
                if (ordinary and not heading) or self._looks_like_person(toks, i, text):
                    continue
                if not after_preposition and not _stands_alone(text, toks[i][1], toks[i + n - 1][2]):
                    continue
            elif marker == _STATION_MARKER:
                if not words[0][:1].isupper():
                    continue  # «ст. мастер»: «старший»
            elif marker not in _PLAIN_MARKERS:
                if not words[0][:1].isupper() and ordinary:
                    continue  # «в селе работы нет»
                if (
                    n == 1
                    and marker not in _STANITSA_MARKERS
                    and _is_ordinary_adjective(words[0])
                    and (not words[0][:1].isupper() or (longest > 1 and toks[i + 1][0][:1].isupper()))
                ):
                    # «в посёлке заречном» is no name; a capitalised one is («п. Тазовский», «Посёлок
                    # Ягодное.»), unless it begins a longer name, a capitalised word across spaces («с. Белый
                    # Яр», «х. Красный Усть-Донецкого р-на»: not the towns Белый, Красный)
                    continue
            start, end = toks[i][1], toks[i + n - 1][2]
            return Place(text[start:end], start, end, region, "settlement")
        return None

    @staticmethod
    def _institution_of_place(folded: list[str], i: int) -> bool:
        """An adjective of a place before an institution's noun, with up to two more adjectives between."""
        for k in range(i + 1, min(i + 4, len(folded))):
            if _INSTITUTION_RE.match(folded[k]):
                return True
            # «Барнаульском станкостроительном заводе» (blind batch 1061)
            if not _INSTITUTION_ADJECTIVE_RE.fullmatch(folded[k]) and "ADJF" not in morph.tags(folded[k]):
                return False
        return False

    def _derived(
        self, toks: list[tuple[str, int, int]], folded: list[str], i: int, text: str
    ) -> Place | None:
        """«Одинцовский район» (a district named after its town) and a misspelt subject before «обл.» / «край»
        («кургаская обл»)."""
        following = folded[i + 1]
        if following in _MUNICIPAL_WORDS and i + 2 < len(folded) and folded[i + 2] in _DISTRICT_WORDS:
            following = folded[i + 2]  # «Кунгурского муниципального округа»
        if following in _DISTRICT_WORDS:
            lemma = _adjective_lemma(folded[i])
            region = self.adjectives.get(lemma)
            if region:
                # a subject's district («Белгородский район»; Москва has a «Рязанский район») and an okrug
                # (the Артёмовский округ of Приморье is Артём's, the Свердловская область has one of its own)
                # count as a settlement does, after any town or subject the text names
                if lemma in self.region_adjectives and not self.region_adjectives[lemma].endswith("область"):
                    return None  # «Алтайский район» is in Хакасия too, a «Приморский район» in Петербург
                weak = lemma in self.region_adjectives or following.startswith("округ")
                kind = "settlement" if weak else "city"
                return Place(text[toks[i][1] : toks[i + 1][2]], toks[i][1], toks[i + 1][2], region, kind)
            region = self.settlement_adjectives.get(lemma)
            if region and toks[i][0][:1].isupper() and "Surn" not in morph.tags(toks[i][0]):
                # «Актанышский район»: a district named after its centre, a settlement
                return Place(
                    text[toks[i][1] : toks[i + 1][2]], toks[i][1], toks[i + 1][2], region, "settlement"
                )
        elif following in _REGION_WORDS and len(folded[i]) >= 6:
            lemma = morph.lemma(folded[i])
            for adjective, region in self.region_adjectives.items():
                if _close(lemma[:-2], adjective[:-2]):
                    return Place(
                        text[toks[i][1] : toks[i + 1][2]], toks[i][1], toks[i + 1][2], region, "region"
                    )
        return None

    def _misspelt(
        self, toks: list[tuple[str, int, int]], folded: list[str], i: int, text: str
    ) -> Place | None:
        """A town or subject with one letter wrong, missing, extra or two swapped («в Красноярксе», «в
        Новосибирсе»), for a word the dictionary does not know; the first letter must be right."""
        word = folded[i]
        if word in self._misspelt_cache:
            found = self._misspelt_cache[word]
        else:
            found = self._misspelt_lookup(word)
            if len(self._misspelt_cache) > 50_000:
                self._misspelt_cache.clear()
            self._misspelt_cache[word] = found
        if found is None:
            return None
        entry, region = found
        if entry.adjective and (i == 0 or folded[i - 1] not in PREPOSITIONS):
            return None
        if self._looks_like_person(toks, i, text):
            return None  # «Кирова И.»: a surname
        return Place(toks[i][0], toks[i][1], toks[i][2], region, entry.kind)

    def _misspelt_lookup(self, word: str) -> tuple[_Entry, str] | None:
        candidates = set(self.fuzzy.get(word, ()))
        for key in _deletions(word):
            candidates |= self.fuzzy.get(key, set())
            if key in self.forms and len(key) >= 6:
                candidates.add(key)
        candidates = {c for c in candidates if c[0] == word[0] and abs(len(c) - len(word)) <= 1}
        regions_of = {r for c in candidates for e in self.forms[c] for r in e.regions}
        if len(regions_of) != 1 or morph.analyzer().word_is_known(word):
            return None  # a real word one letter away from a town («Казане»: a cauldron) is that word
        return self.forms[min(candidates)][0], next(iter(regions_of))  # min: the same entry in every run

    def org_region(self, text: str) -> str | None:
        """The region named inside organisation names, for a text that names no place: «АО "Уфимский
        моторостроительный завод"», «ООО "Мираторг-Брянск"», «ООО "КазаньТехСервис"», «ГУП "Мосгортранс"»,
        «АО "Курганхиммаш"», and a settlement's adjective before an institution («МУП "Змеиногорский
        водоканал"»)."""
        segments = [text[m.start() + 1 : m.end() - 1] for m in _QUOTED_RE.finditer(text)]
        unquoted = [m.group("name") for m in _LEGAL_FORM_NAME_RE.finditer(text)]
        segments += unquoted
        # a town's whole name after an unquoted name first: «ооо клинсервис казань» is in Казань, not in Клин
        for name in unquoted:
            tokens = TOKEN_RE.findall(name)
            region = self._whole_name_region(_fold(tokens[-1])) if len(tokens) == 2 else None
            if region:
                return region
        for segment in segments:
            tokens = TOKEN_RE.findall(segment)
            folded = [_fold(t) for t in tokens]
            for k, token in enumerate(tokens):
                parts = [token] if token.isupper() else [token, *_CAMEL_RE.findall(token)]
                if "-" in token:
                    parts += token.split("-")
                for part in parts:
                    region = self._org_word_region(part)
                    if region:
                        return region
                if self._institution_of_place(folded, k):
                    region = self._settlement_adjective_region(folded[k])
                    if region:
                        return region
        return None

    def _settlement_adjective_region(self, word: str) -> str | None:
        """The subject of a settlement whose adjective this is, unless the adjective may as well be a town's
        or a subject's (their adjectives are not all regular)."""
        lemma = _adjective_lemma(word)
        region = self.settlement_adjectives.get(lemma)
        if region and any(lemma[:k] in self.forms for k in range(4, len(lemma) - 3)):
            return None  # «сокольская ЦРБ»: of the town Сокол, not of the village Сокольское
        return region

    def _whole_name_region(self, key: str) -> str | None:
        """The region of a folded word that is a place's whole name (unambiguous, or a subject's centre)."""
        entries = self.forms.get(key) if len(key) >= 3 else None
        if not entries:
            return None
        regions_of = {r for e in entries for r in e.regions}
        return next(iter(regions_of)) if len(regions_of) == 1 else entries[0].capital_of

    def _org_word_region(self, word: str) -> str | None:
        key = _fold(word)
        if len(key) < 3:
            return None
        region = self._whole_name_region(key)
        if region:
            return region
        if len(key) >= 5:
            region = self.adjectives.get(_adjective_lemma(key))
            if region:
                return region
        if len(key) >= 5 and (not morph.analyzer().word_is_known(key) or "Orgn" in morph.tags(key)):
            for length in range(min(len(key) - 3, 20), 1, -1):
                region = self.prefixes.get(key[:length])
                if region:
                    return region
        return None

    def _accept(
        self, entries: list[_Entry], toks: list[tuple[str, int, int]], i: int, n: int, text: str
    ) -> Place | None:
        first = toks[i][0]
        start, end = toks[i][1], toks[i + n - 1][2]
        regional = [e for e in entries if e.kind == "region"]
        entry = regional[0] if regional else entries[0]
        previous = _fold(toks[i - 1][0]) if i > 0 else ""
        if previous in STREET_MARKERS and not re.search(r"[,;\n()«»\"\d]", text[toks[i - 1][2] : start]):
            # «ул. Гагарина», «пр. Мира»; not «на Народном бульваре, Белгород», «ТСЖ «Набережная 7» (Рыбинск)»
            return None
        if _is_street(toks, i, n, text):
            return None  # «на Королёва 12», «на углу ул. Ворошилова и Ломоносова»
        if n == 1 and previous == "на" and _surname_in_genitive(first):
            return None  # «на Чайковского», «на Чехова»: a street named after a person, not the town
        if entry.adjective and previous in SETTLEMENT_MARKERS:
            if morph.lemma(_fold(first)) in self.village_names:
                return None  # «пос. Октябрьский», «пгт Октябрьский»: one of the villages so named
        if previous == "ип" and not text[toks[i - 1][2] : start].strip():
            return None  # «ИП Сафонова»: an entrepreneur's surname, not Сафоново; but «я ИП, Кострома»
        if previous not in PREPOSITIONS and _QUOTE_AFTER_RE.match(text, end):
            return None  # «Шахта «Северная-2»»: a business noun before its name, not Шахты
        # the letter's first word before a comma is its heading («Грозный, пр. Кадырова, работаю охранником»)
        heading = not text[:start].strip() and text.startswith(",", end)
        # a capital letter says nothing at a sentence's start: «Зимой тоже не отпустили» is not Зима
        lower_case = not first[:1].isupper() or (
            n == 1
            and not heading
            and _SENTENCE_START_RE.search(text, max(0, start - 6), start)
            and _is_ordinary_word(first)
        )
        if lower_case:
            # lower case: a multi-word subject name («свердловская обл.»), or a town after «г.» / «в»
            # when the word is a known place name and not an ordinary word («в подольске», not «в шахты»)
            if entry.kind == "region" and n > 1:
                pass
            elif previous in CITY_MARKERS:
                pass
            elif (
                n == 1
                and (len(first) > 3 or entry.centre)  # «кафе уфа», not «буй»
                and (_is_place_word(first) or not morph.analyzer().word_is_known(first))
            ):
                pass  # «ооо "флагман" абакан», «работаю в новосибирске»
            elif n > 1 and entry.kind == "city":
                pass  # «нижний новгород», «набережные челны»
            elif n == 1 and previous in ("в", "во") and _is_place_in_locative(first):
                pass  # «в иванове», though «иванове» is first a surname
            elif n == 1 and previous == "под" and first.endswith(("ском", "цком")):
                pass  # «под братском»: after «под» an adjective would end in «-ским», so this is a town
            elif n == 1 and _stands_alone(text, start, end):
                pass  # «...третий месяц. курган»: a town named on its own, as chat messages sign off
            else:
                return None
        following = _fold(toks[i + n][0]) if i + n < len(toks) else ""
        if entry.kind == "city" and entry.adjective:
            if previous not in PREPOSITIONS and text[start - 1 : start] != "(" and not heading:
                return None  # «Мирный договор», «Московский район»
            if previous == "на" or self._city_part_ahead(toks, i + n, text):
                # a street or a city's district: «в МФЦ на Советской», «по Октябрьскому округу Иркутска»
                return None
        if (
            (following in STREET_MARKERS or following in _ROAD_WORDS)
            and _GAP_SPACES_RE.fullmatch(text, end, toks[i + n][1])
            and (entry.adjective or any("ADJF" in p.tag for p in morph.analyzer().parse(toks[i + n - 1][0])))
        ):
            return None  # «на Московской улице», «на Иркутском тракте»; not «Грозный, пр. Кадырова»
        if entry.kind == "city" and entry.regions[0] not in self.federal_cities:
            if n == 1 and self._looks_like_person(toks, i, text):
                return None
        regions = {r for e in (regional or entries) for r in e.regions}
        if len(regions) > 1 and n == 1 and _fold(first).endswith("ком"):
            if self._city_part_ahead(toks, i + n, text):
                return None  # «в Октябрьском районе» of Волжск / Волжский and the like
            regions = _case_of_adjective_town(entries, previous) or regions
        region = next(iter(regions)) if len(regions) == 1 else entry.capital_of
        return Place(text[start:end], start, end, region, entry.kind)

    @staticmethod
    def _city_part_ahead(toks: list[tuple[str, int, int]], at: int, text: str) -> bool:
        """A district word in the same clause within three words («в Октябрьском районе»; not «в
        Губкинском, это же район Крайнего Севера»)."""
        for k in range(at, min(at + 3, len(toks))):
            if k > 0 and re.search(r"[,.;:!?]", text[toks[k - 1][2] : toks[k][1]]):
                return False
            if _fold(toks[k][0]).startswith(_CITY_PART_STARTS):
                return True
        return False

    @staticmethod
    def _looks_like_person(toks: list[tuple[str, int, int]], i: int, text: str) -> bool:
        """«Королёв И.И.», «Киров Андрей»: a city name used as a surname; «зовут Артём», «мой брат Артём»:
        as a first name."""
        previous = _fold(toks[i - 1][0]) if i > 0 else ""
        if previous in ("зовут", "звать", "имя"):
            return True
        if (
            previous not in PREPOSITIONS
            and i + 2 < len(toks)
            and all(
                toks[k][0][:1].isupper()
                and tag in morph.tags(toks[k][0])
                and _GAP_SPACES_RE.fullmatch(text, toks[k - 1][2], toks[k][1])
                for k, tag in ((i + 1, "Name"), (i + 2, "Patr"))
            )
        ):
            return True  # «Ершов Николай Степанович»: a surname pymorphy knows only as a town
        tags = morph.tags(toks[i][0])
        if "Surn" not in tags and "Name" not in tags:
            return False
        if i > 0 and _GAP_SPACES_RE.fullmatch(text, toks[i - 1][2], toks[i][1]):
            previous = toks[i - 1][0]
            previous_tags = morph.tags(previous)
            if (
                {"NOUN", "anim"} <= previous_tags
                and not previous_tags & {"Surn", "Name", "Patr", "Geox"}
                and not _NOT_JOB_RE.fullmatch(_fold(previous))
            ):
                return True  # «сварщика Иванова», «мастер Королёва», «брат Артём»: a name after a person noun
        if "Surn" not in tags:
            return False
        neighbours = [toks[k] for k in (i - 1, i + 1) if 0 <= k < len(toks)]
        for word, _, end in neighbours:
            if len(word) == 1 and word.isupper():
                if text[end : end + 1] == ".":  # an initial («Королёв И.», not «в Кирове. С меня»)
                    return True
                continue
            word = str(word)
            if word[:1].isupper() and morph.tags(word) & {"Name", "Patr"}:
                return True
        if (
            i > 0
            and toks[i - 1][0][:1].isupper()
            and _GAP_SPACES_RE.fullmatch(text, toks[i - 1][2], toks[i][1])
        ):
            # a first name that is first an ordinary word («Роман Гусев», «Вера Киров»)
            return any("Name" in p.tag for p in morph.analyzer().parse(toks[i - 1][0]))
        return False


# a house number after a name: «на Королёва 12», «на Королёва, д. 5»; not «на Сахалине 5 лет»
_HOUSE_NUMBER_RE = re.compile(
    r",?\s*(?:д\.\s*|дом\s+)?\d{1,4}[а-я]?(?![\d\w])(?!\s*(?:лет|год|мес|дн|день|час|чел|км|тыс|руб|р\b|%|раз|смен))"
)


def _surname_in_genitive(word: str) -> bool:
    """A surname's genitive that is no place's nominative, accusative or locative: after «на» it names a
    street («на Чайковского» is the street, the town is «в Чайковском», «на Чайковский»)."""
    parses = morph.analyzer().parse(word)
    if not any({"Surn", "gent"} <= p.tag.grammemes for p in parses):
        return False
    return not any("Geox" in p.tag and p.tag.grammemes & {"nomn", "accs", "loct", "loc2"} for p in parses)


def _is_street(toks: list[tuple[str, int, int]], i: int, n: int, text: str) -> bool:
    """A town's name that names a street: after «на» with a house number, or the second street of
    «ул. X и Y»."""
    previous = _fold(toks[i - 1][0]) if i > 0 else ""
    if previous == "на" and _HOUSE_NUMBER_RE.match(text, toks[i + n - 1][2]):
        return True
    return previous == "и" and i >= 3 and _fold(toks[i - 3][0]) in STREET_MARKERS


def _stands_alone(text: str, start: int, end: int) -> bool:
    return bool(_ALONE_BEFORE_RE.search(text, max(0, start - 3), start) and _ALONE_AFTER_RE.match(text, end))


def _first_parse_has(word: str, grammeme: str) -> bool:
    parses = morph.analyzer().parse(word)
    return bool(parses) and grammeme in parses[0].tag


def _is_place_word(word: str) -> bool:
    return _first_parse_has(word, "Geox")


def _place_reading_ties(word: str) -> bool:
    """pymorphy scores a place reading of the word as high as its first one («Ясенево», «Бутово»), which is no
    full adjective («в Алтайском районе»)."""
    parses = morph.analyzer().parse(word)
    return parses[0].tag.POS != "ADJF" and any(
        "Geox" in p.tag and p.score >= parses[0].score for p in parses[1:]
    )


def _is_ordinary_word(word: str) -> bool:
    """A word pymorphy knows, and not as a place name first («поле», «Заря», but not «Тамань», «Каргаске»)."""
    return bool(morph.analyzer().word_is_known(word.lower())) and not _is_place_word(word)


def _is_first_name(word: str) -> bool:
    return _first_parse_has(word, "Name")


def _is_ordinary_adjective(word: str) -> bool:
    parse = morph.analyzer().parse(word)[0]
    return (
        bool(morph.analyzer().word_is_known(word.lower()))
        and parse.tag.POS in ("ADJF", "ADJS", "PRTF")
        and "Geox" not in parse.tag
        and "Poss" not in parse.tag  # «с. Верховажье», «с. Медвежье»: possessive adjectives are rare as words
    )


def _is_place_in_locative(word: str) -> bool:
    return any("Geox" in p.tag and ({"loct", "loc2"} & p.tag.grammemes) for p in morph.analyzer().parse(word))


def _branch_of_place(toks: list[tuple[str, int, int]], folded: list[str], i: int) -> bool:
    """An adjective after «в / на» right before a branch's noun («в мурманском филиале», «на Искитимском
    участке»; not «на Астраханской. Участковый …»)."""
    return (
        0 < i < len(folded) - 1
        and folded[i - 1] in ("в", "во", "на")
        and bool(_BRANCH_RE.fullmatch(folded[i + 1]))
        and toks[i + 1][1] - toks[i][2] == 1
    )


def _clause_before(text: str, start: int, floor: int = 0) -> str:
    """Up to 60 characters before `start` (not before `floor`), from the start of their last clause (the full
    stop of an abbreviation ends none: «работаю в г. Казани», «юр. адрес — Самара»)."""
    before = text[max(0, start - 60, floor) : start]
    ends = [
        m.end()
        for m in _CLAUSE_END_RE.finditer(before)
        if m.group() != "." or not _ABBREVIATION_END_RE.search(before, 0, m.start())
    ]
    return before[ends[-1] :] if ends else before


def _context(place: Place, text: str, previous_end: int) -> str:
    """What a mention is about: "away" (head office, registration, birth, a trip), "residence" (the town the
    writer lives in, named right after «живу в»), "home" (other words for where the writer is from or lives),
    "work" or "plain"; read from its own clause only («Главный офис в Москве, а работаю в Казани»)."""
    # a place that opens a bracket is said of what comes before it: «на месторождении (ЯНАО)»
    opened = _OPENS_BRACKET_RE.search(text, max(0, place.start - 3), place.start)
    before = _clause_before(text, opened.start() if opened else place.start, previous_end)
    if _FROM_RE.search(before) and _MOVED_RE.search(_clause_before(text, place.start)):
        return "away"  # «переехал в Абакан из Тывы»: where the writer came from
    if _WORK_AFTER_RE.match(text, place.end):
        return "work"
    if _MOVED_RE.search(before):
        return "plain"  # «переехал в Абакан»: where the writer is now
    if _AWAY_CONTEXT_RE.search(before) or _AWAY_AFTER_RE.match(text, place.end):
        return "away"
    if _RESIDENCE_RE.search(text, max(0, place.start - 40, previous_end), place.start):  # «живу в г. Ельце»
        return "residence"
    if _HOME_CONTEXT_RE.search(before):
        return "home"
    if _WORK_CONTEXT_RE.search(before):
        return "work"
    return "plain"


def resolve(places: list[Place], text: str | None = None) -> str | None:
    """The complaint's region. Mentions about a head office, a registration, a birthplace or a trip count
    only when nothing else is named, and the writer's home only when no other place is, except that the town
    the writer lives in wins when no mention is about work, and for remote work; a subject named right after
    its town shares what the town's mention is about; then subject names beat cities, and among them the best
    score wins: one point per mention, more where the sentence is about work («работаю в …», «филиал в …»);
    ties go to the first mention. With no place at all, a place inside an organisation's name («АО "Уфимский
    моторостроительный завод"») is taken."""
    found = [p for p in places if p.region]
    if found and text is not None:
        contexts: list[str] = []
        previous_end = 0
        for i, place in enumerate(found):
            if (
                i
                and _APPOSITION_RE.fullmatch(text, previous_end, place.start)
                and found[i - 1].region == place.region
            ):
                # «живу в Орске Оренбургской области», «в Белорецке (Башкирия)»: the subject named with its
                # town is said of what the town is
                contexts.append(contexts[-1])
            else:
                context = _context(place, text, previous_end)
                # a station or a neighbourhood is named for where something is done («кафе у Павелецкой»),
                # home is said so («живу у Щёлковской»)
                contexts.append("work" if place.part_of_city and context == "plain" else context)
            previous_end = place.end
        if _REMOTE_RE.search(text) and any(c in ("residence", "home") for c in contexts):
            # remote work is done where the writer lives («живу в Смоленске, работаю удалённо в ООО …
            # (Москва)»): the employer's town is its office
            contexts = ["work" if c in ("residence", "home") else "away" for c in contexts]
        # the town the writer lives in stands for the job's place when no mention is about work: the other
        # places of a long letter are a mother's village, a hospital, a daughter's city
        residence_first = "work" not in contexts and any(
            c == "residence" and p.kind != "settlement" for p, c in zip(found, contexts, strict=True)
        )
        first_dropped = {"away", "home", "plain"} if residence_first else {"away", "home", "residence"}
        for dropped in (first_dropped, {"away"}):
            kept = [p for p, c in zip(found, contexts, strict=True) if c not in dropped]
            if kept:
                weights = {id(p): 1.5 if c == "work" else 1.0 for p, c in zip(found, contexts, strict=True)}
                return _best(kept, weights)
        return _best(found, {})
    if found:
        return _best(found, {})
    if text is not None:
        return gazetteer().org_region(text)
    return None


def _best(found: list[Place], weights: dict[int, float]) -> str | None:
    for kind in ("region", "city", "settlement"):  # a settlement never beats a named subject or town
        of_kind = [p for p in found if p.kind == kind]
        if not of_kind:
            continue
        scores: dict[str, float] = {}
        for place in of_kind:
            assert place.region is not None
            scores[place.region] = scores.get(place.region, 0.0) + weights.get(id(place), 1.0)
        best = max(scores.values())
        return next(p.region for p in of_kind if p.region is not None and scores[p.region] == best)
    return None


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1 :] for k in range(len(word))}


def _adjective_lemma(word: str) -> str:
    """«усть-кутского» → «усть-кутский»: pymorphy leaves hyphenated names it does not know as they are."""
    head, hyphen, tail = word.rpartition("-")
    return head + hyphen + morph.lemma(tail)


def _city_adjectives(name: str) -> list[str]:
    """The usual adjective of a town (`_city_adjective`) and the other regular formations, for names of
    organisations and districts: «рославль» → «рославльский», «рузаевка» → «рузаевский», «находка» →
    «находкинский», «барнаул» → «барнаульский», «лиски» → «лискинский», «прохладный» → «прохладненский»,
    «клинцы» → «клинцовский», «чусовой» → «чусовской», «вятские поляны» → «вятскополянский». A formation that
    is wrong for a town is mostly a word nobody writes; irregular ones are in rules/place_words.yaml."""
    words = name.split()
    if len(words) == 2 and "-" not in name:
        first, last = words
        if first.endswith(_ADJECTIVE_ENDINGS):
            soft = first[-2:] in ("ий", "яя", "ее", "ие") and first[-3:-2] == "н"
            link = first[:-2] + ("е" if soft else "о")  # «нижний ломов» → «нижнеломовский»
        elif first.endswith(("ов", "ев", "ин")):
            link = first + "о"  # «сергиев посад» → «сергиевопосадский»
        else:
            return []
        return [link + adjective for adjective in _city_adjectives(last)]
    if len(words) > 1:
        return []
    variants = [_city_adjective(name)]
    if name.endswith(("ль", "нь", "рь")):
        variants.append(name + "ский")  # «рославльский»
    if name.endswith("ка"):
        variants.append(name[:-2] + "ский")  # «рузаевский»
        variants.append(name[:-1] + "инский")  # «находкинский»
    if name.endswith("л"):
        variants.append(name + "ьский")  # «барнаульский»
    if name.endswith(("ки", "ги", "хи")):
        variants.append(name[:-1] + "инский")  # «лискинский»
    if name.endswith(("ный", "ной", "ний")):
        variants.append(name[:-2] + "енский")  # «прохладненский»
    if name.endswith("цы"):
        variants.append(name[:-1] + "овский")  # «клинцовский»
    if name.endswith("ой") and not name.endswith("ной"):
        variants.append(name[:-2] + "ской")  # «чусовской»
    return variants


def _city_adjective(name: str) -> str:
    """«курск» → «курский», «самара» → «самарский», «казань» → «казанский», «сургут» → «сургутский»,
    «череповец» → «череповецкий»."""
    if name.endswith(("ск", "цк")):
        return name + "ий"
    if name.endswith("ец"):  # «череповец» → «череповецкий», «елец» → «елецкий»
        return name + "кий"
    if name[-1] in "аяоыиеь":
        return name[:-1] + "ский"
    return name + "ский"


def _close(a: str, b: str) -> bool:
    """Edit distance at most 1 (one letter missing, extra or wrong), for misspelt subject names."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for k in range(len(a)):
        if a[k] != b[k]:
            return a[k:] == b[k + 1 :] or a[k + 1 :] == b[k + 1 :]
    return True


def region_from_inn(inns: list[str]) -> str | None:
    """The region of registration by the first two digits of an ИНН (a fallback when no place is named)."""
    for inn in inns:
        region = gazetteer().by_code.get(inn[:2])
        if region:
            return region
    return None


_lock = threading.Lock()


@cache
def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


_SETTLEMENT_LINE_RE = re.compile(
    r"- \{name: (?P<name>[^,{}:]+), region: (?P<region>[^,{}:]+)(?P<elsewhere>, city_elsewhere: true)?\}"
)


def load_settlements(path: Path) -> list[dict[str, Any]]:
    """settlements.yaml: ~4 000 generated one-line entries, read by a regular expression (YAML takes 0.2 s);
    a file edited into another shape is read as YAML."""
    rows: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _SETTLEMENT_LINE_RE.fullmatch(line)
        if match is None:
            return list(_load_yaml(path))
        rows.append(
            {"name": match["name"], "region": match["region"], "city_elsewhere": bool(match["elsewhere"])}
        )
    return rows


_gazetteer: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once, about a second)."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                kb = _kb_dir()
                cities_path = kb / "gazetteer" / "cities.yaml"
                cities = _load_yaml(cities_path) if cities_path.exists() else []
                settlements: list[dict[str, Any]] = []
                for name in ("settlements.yaml", "settlements_added.yaml"):
                    if (kb / "gazetteer" / name).exists():
                        settlements += load_settlements(kb / "gazetteer" / name)
                fields_path = kb / "gazetteer" / "fields.yaml"
                fields = _load_yaml(fields_path) if fields_path.exists() else []
                _gazetteer = Gazetteer(
                    _load_yaml(kb / "regions.yaml"),
                    cities,
                    [*_load_yaml(RULES_DIR / "region_aliases.yaml"), *fields],
                    _load_yaml(RULES_DIR / "place_words.yaml"),
                    settlements,
                )
    return _gazetteer


def _case_of_adjective_town(entries: list[_Entry], previous: str) -> set[str] | None:
    """«Волжском» is the locative of Волжский (Волгоградская область) and the instrumental of Волжск (Марий
    Эл): after «в» it is Волжский, after «под» Волжск (likewise Советский / Советск, Дзержинский /
    Дзержинск)."""
    if previous in ("в", "во", "о", "об", "при"):
        chosen = [e for e in entries if e.kind == "city" and e.adjective]
    elif previous in ("под", "над", "за", "перед", "с", "со", "между"):
        chosen = [e for e in entries if e.kind == "city" and not e.adjective]
    else:
        return None
    return {r for e in chosen for r in e.regions} or None


# a metro station after «метро», «м.», «ст. м.», «станция метро» («у м. ВДНХ», «метро «Козья слобода»»)
_METRO_RE = re.compile(
    r"(?<![\w.])(?:[Мм]етро|м\.|ст\.\s*м\.|[Сс]танци\w*\s+метро)\s*[«\"„]?"
    r"(?P<name>[А-ЯЁа-яё0-9-]+(?:\s+[А-ЯЁа-яё0-9-]+){0,3})"
)
_WORD_RE = re.compile(r"[А-ЯЁа-яё0-9-]+")


@cache
def _metro_stations() -> dict[str, str | None]:
    """Folded station name → its region, None for a name two cities share («Спортивная»)."""
    stations: dict[str, str | None] = {}
    for row in _load_yaml(_kb_dir() / "gazetteer" / "metro.yaml"):
        key, region = _fold(str(row["station"])), str(row["region"])
        stations[key] = region if stations.get(key, region) == region else None
    return stations


def _metro_places(text: str) -> list[Place]:
    """Stations named after a metro marker, the longest name first («Парк Победы», not «Парк»)."""
    stations = _metro_stations()
    places: list[Place] = []
    for match in _METRO_RE.finditer(text):
        words = list(_WORD_RE.finditer(text, match.start("name"), match.end("name")))
        for n in range(len(words), 0, -1):
            key = _fold(" ".join(w.group() for w in words[:n]))
            if key in stations:
                region = stations[key]
                if region is not None:
                    start, end = words[0].start(), words[n - 1].end()
                    places.append(Place(text[start:end], start, end, region, "city"))
                break
    return places


# a preposition of place before a city part: «у Павелецкой», «возле Выхино», «на Каширке», «(в) районе Автово»
_CITY_PART_PREPOSITION_RE = re.compile(
    r"(?<![\w-])(?:у|возле|около|рядом\s+со?|напротив|недалеко\s+от|неподал[её]ку\s+от|от|до|на|в|во|из|с|со"
    r"|районе|район)\s+",
    re.IGNORECASE,
)
_OPENING_QUOTES = ("«", '"', "“", "„")
# a hyphen joins words, not a number: «в Азино-2» is Азино's
_CITY_PART_WORD_RE = re.compile(r"[А-ЯЁа-яё0-9]+(?:-[А-ЯЁа-яё][А-ЯЁа-яё0-9]*)*")
# the numbered lines of Vasilievsky Island: «на 7-й линии В.О.», «14-я линия Васильевского острова»
_ISLAND_LINE_RE = re.compile(
    r"(?<![\w-])\d{1,2}\s*-?\s*(?:[ийя]|ой|ая|ую)?\s+лини(?:я|и|ю|ей)\s+(?:В\.\s?О\b|ВО\b|Васильевского\b)"
)


@dataclass(frozen=True)
class _CityParts:
    forms: dict[str, str | None]  # folded form → region (None where two cities share the form)
    first_words: frozenset[str]
    nouns: frozenset[str]  # forms read after «в» too: «в Кузьминках», «в Озерках», not «в Тверской …»
    surnames: frozenset[str]  # streets named by a surname alone, known as the city's («на Рубинштейна»)
    listed: frozenset[str]  # the neighbourhoods listed: they outweigh a village elsewhere («в Куркино»)
    # malls, plants, airports and hospitals whose names name one place, read after any word: «в фуд-корте
    # Авиапарка», «в цехах Уралмаша», «на территории ВАСО»; folded form → (region, words in the name, acronym)
    anywhere: dict[str, tuple[str, int, bool]]


@cache
def _city_parts() -> _CityParts:
    """The parts of cities named without «метро» or the city (`gazetteer/city_parts.yaml`): metro stations but
    those common elsewhere, neighbourhoods, and the districts of Москва and Санкт-Петербург kept in
    settlements_added.yaml."""
    directory = _kb_dir() / "gazetteer"
    data = _load_yaml(directory / "city_parts.yaml")
    not_alone = {_fold(str(name)) for name in data["stations_not_alone"]}
    stations = [(str(row["station"]), str(row["region"])) for row in _load_yaml(directory / "metro.yaml")]
    districts = [(str(row["name"]), str(row["region"])) for row in data["neighbourhoods"]]
    surnames = {_fold(str(row["name"])) for row in data["neighbourhoods"] if row.get("surname")}
    anywhere_names = {
        (str(row["name"]), str(row["region"])) for row in data["neighbourhoods"] if row.get("anywhere")
    }
    listed_names = set(districts)
    districts += [
        (str(row["name"]), str(row["region"]))
        for row in load_settlements(directory / "settlements_added.yaml")
        if str(row["region"]) in ("Москва", "Санкт-Петербург")
    ]
    forms: dict[str, str | None] = {}
    nouns: set[str] = set()
    listed: set[str] = set()
    anywhere: dict[str, tuple[str, int, bool]] = {}
    for name, region in [(n, r) for n, r in stations if _fold(n) not in not_alone] + districts:
        own_forms = settlement_forms(name)
        head_forms = phrase_forms(name, agree_all=False)  # «на Площади Маркса»: only the head noun declined
        name_forms = phrase_forms(name) | head_forms | own_forms
        if (name, region) in listed_names:
            listed |= own_forms
        if (name, region) in anywhere_names:
            read_anywhere = (region, len(name.split()), name.isupper())
            anywhere.update(dict.fromkeys(head_forms | own_forms, read_anywhere))
        if (name, region) in districts or not _first_parse_has(name.split()[-1], "ADJF"):
            nouns |= name_forms
        for form in name_forms:
            forms[form] = region if forms.get(form, region) == region else None
    first_words = frozenset(form.split()[0] for form in forms)
    return _CityParts(forms, first_words, frozenset(nouns), frozenset(surnames), frozenset(listed), anywhere)


def _attribute_of_next_word(word: str, following: str) -> bool:
    """An adjective agreeing with the noun or adjective after it names that noun, not a station: «на Курской
    АЭС», «до Тверской области», «Профсоюзной организации», «в Тверской областной больнице»."""
    heads = [p.tag for p in morph.analyzer().parse(following) if p.tag.POS in ("NOUN", "ADJF")]
    for adjective in (p.tag for p in morph.analyzer().parse(word) if p.tag.POS == "ADJF"):
        for head in heads:
            same_number = adjective.number == head.number
            same_gender = head.number == "plur" or adjective.gender == head.gender
            if adjective.case == head.case and same_number and same_gender:
                return True
    return False


def _city_part_in_lower_case(word: str, text: str) -> bool:
    """A city part in lower case by a writer who writes so («работаю на уралмаше», «у курской»): a place's or
    a firm's name, a relative adjective («курской», not «звёздной») or a word pymorphy does not know
    («каширке»)."""
    if not text.lstrip()[:1].islower():
        return False
    parse = morph.analyzer().parse(word)[0]
    if not morph.analyzer().word_is_known(word) or {"Geox", "Orgn"} & parse.tag.grammemes:
        return True
    return parse.tag.POS == "ADJF" and "Qual" not in parse.tag


def _locative_reading(word: str) -> bool:
    return any({"loct", "loc2"} & p.tag.grammemes for p in morph.analyzer().parse(word))


def _city_part_places(text: str) -> list[Place]:
    """Metro stations and neighbourhoods named alone right after a preposition of place (or in quotes after
    it: «в «Авиапарке»»), the longest name first; not an adjective agreeing with the word after it, not a
    surname's street («на Измайлова») but those listed as the city's («на Рубинштейна»), and where a town of
    another region has the name (a village elsewhere only against a neighbourhood not listed), not after «в /
    из» and after «на» only in the locative; after «в / из» only a noun («в Озерках», not «в Тверской …»).
    And the numbered lines of Vasilievsky Island («на 7-й линии В.О.»)."""
    parts = _city_parts()
    towns = gazetteer()
    places: list[Place] = []
    for match in _CITY_PART_PREPOSITION_RE.finditer(text):
        words: list[re.Match[str]] = []  # the name's words (up to four) and the word after it
        for word in _CITY_PART_WORD_RE.finditer(text, match.end(), match.end() + 60):
            gap = text[words[-1].end() if words else match.end() : word.start()]
            # a name may open a quote: «в «Авиапарке»»
            if (not words and gap not in ("", *_OPENING_QUOTES)) or (words and gap and not gap.isspace()):
                break
            words.append(word)
            if len(words) == 5:
                break
        if not words or _fold(words[0].group()) not in parts.first_words:
            continue
        for n in range(min(4, len(words)), 0, -1):
            key = _fold(" ".join(w.group() for w in words[:n]))
            if key not in parts.forms:
                continue
            region = parts.forms[key]
            first, last = words[0].group(), words[n - 1].group()
            if region is None or (first.islower() and not _city_part_in_lower_case(first, text)):
                break
            if n < len(words) and _attribute_of_next_word(last, words[n].group()):
                break
            if n == 1 and _first_parse_has(first, "Surn") and key not in parts.surnames:
                break
            preposition = _fold(" ".join(match.group().split()))
            # a town of another region with the name: «в Соколе» and «возит лес на Сокол» are the Vologda
            # town's, «на Соколе» is Moscow's
            # (a village elsewhere does not count against a neighbourhood listed as the city's: «в Куркино»)
            town_elsewhere = any(region not in e.regions for e in towns.forms.get(key, ())) or (
                towns.settlements.get(key, region) != region and key not in parts.listed
            )
            if preposition == "на" and town_elsewhere and not _locative_reading(last):
                break
            if preposition in ("в", "во", "из") and (key not in parts.nouns or town_elsewhere):
                break
            start, end = words[0].start(), words[n - 1].end()
            places.append(Place(text[start:end], start, end, region, "city", part_of_city=True))
            break
    for line in _ISLAND_LINE_RE.finditer(text):
        start, end = line.span()
        places.append(Place(line.group(), start, end, "Санкт-Петербург", "city", part_of_city=True))
    places += [p for p in _landmark_places(text, parts) if not _overlaps(p, places)]
    return sorted(places, key=lambda p: p.start)


def _overlaps(place: Place, places: list[Place]) -> bool:
    return any(other.start < place.end and place.start < other.end for other in places)


def _capitals(word: str) -> int:
    return sum(c.isupper() for c in word)


def _landmark_places(text: str, parts: _CityParts) -> list[Place]:
    """The city parts listed to be read anywhere («в фуд-корте Авиапарка», «работаю на Автовазе»), written
    with a capital, an all-capitals name with two at least («в УМПО», «на территории ВАСО»; not «Умпо»)."""
    if not parts.anywhere:
        return []
    words = list(_CITY_PART_WORD_RE.finditer(text))
    places: list[Place] = []
    i = 0
    while i < len(words):
        if not words[i].group()[0].isupper():  # every name starts with a capital: most words are skipped here
            i += 1
            continue
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            found = parts.anywhere.get(_fold(" ".join(w.group() for w in words[i : i + n])))
            if found is None or found[1] != n:
                continue
            region, _, acronym = found
            if acronym and _capitals(words[i].group()) < 2:
                continue
            start, end = words[i].start(), words[i + n - 1].end()
            places.append(Place(text[start:end], start, end, region, "city", part_of_city=True))
            i += n - 1
            break
        i += 1
    return places


def find_places(text: str) -> list[Place]:
    places = gazetteer().find(text)
    if "етро" in text or "м." in text:
        # the station's city wins over a town the station is named after («м. Нижегородская» is in Moscow)
        metro = _metro_places(text)
        if metro:
            others = [p for p in places if not _overlaps(p, metro)]
            places = sorted(others + metro, key=lambda p: p.start)
    parts = [
        part
        for part in _city_part_places(text)
        if not any(p.start == part.start and p.end == part.end and p.region == part.region for p in places)
    ]
    if not parts:
        return places
    others = [p for p in places if not _overlaps(p, parts)]
    # a city part names the city only when no other place is named, but as the writer's home or a trip:
    # streets of many towns share the names of stations («пиццерия на Профсоюзной в Волгограде»; not «Живу в
    # Одинцове, … охранник бизнес-центра у Белорусской»)
    named = {
        p.region for p in others if p.region and _context(p, text, 0) not in ("residence", "home", "away")
    }
    parts = [part for part in parts if not named - {part.region}]
    if parts:
        # the part wins over a town read at the same words («на Соколе» is Moscow's, not the Vologda town)
        others = [p for p in places if not _overlaps(p, parts)]
        places = sorted(others + parts, key=lambda p: p.start)
    return places

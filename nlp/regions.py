"""Region resolution: official RF subject names from region names, aliases and cities in any case form.

Forms are prebuilt once by inflecting every name with pymorphy (all six cases, plus «в Крыму»-style loc2),
so matching a text is a dictionary lookup over token n-grams; a lemma lookup catches forms the
inflection missed. Cities come from ``kb_content/gazetteer/cities.yaml``; a name listed for several
regions is ambiguous and resolves to nothing by itself.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nlp import morph

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
MAX_NGRAM = 5
_GAP_RE = re.compile(r"[ \t.]*")
TOKEN_RE = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*")
CITY_MARKERS = frozenset(
    {"г", "город", "города", "городе", "городу", "гор", "пгт", "пос", "поселок", "посёлок"}
)
PREPOSITIONS = frozenset({"в", "во", "из", "по", "под", "на", "около", "возле"}) | CITY_MARKERS
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
        "станция",
        "ст",
        "метро",
        "имени",
        "им",
    }
)
_WORK_CONTEXT_RE = re.compile(
    r"работа\w*|тружусь|устроил\w*|филиал\w*|завод\w*|склад\w*|цех\w*|вахт\w*|"
    r"объект\w*|магазин\w*|предприяти\w*",
    re.IGNORECASE,
)
_AWAY_CONTEXT_RE = re.compile(
    r"главн\w* офис\w*|головн\w*|центральн\w* офис\w*|зарегистрир\w*|юридическ\w* адрес\w*|"
    r"переехал\w*|родом|прописк\w*|прописан\w*|в командировк\w*",
    re.IGNORECASE,
)
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
    kind: str  # "region" | "city"


@dataclass(frozen=True)
class _Entry:
    regions: tuple[str, ...]
    kind: str
    exact: bool  # abbreviation: case-sensitive, no inflection
    adjective: bool  # a one-word name that is also an adjective («Мирный», «Октябрьский»)
    capital_of: str | None = None  # for an ambiguous name: the region whose centre it is («Киров»)


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _inflect_word(word: str) -> dict[str, str]:
    """Case → form for one word; hyphenated «Ростов-на-Дону» inflects its first part."""
    if "-на-" in word:
        head, _, tail = word.partition("-на-")
        return {case: f"{form}-на-{tail}" for case, form in _inflect_word(head).items()}
    analyzer = morph.analyzer()
    parses = [p for p in analyzer.parse(word) if "nomn" in p.tag]
    geo = [p for p in parses if "Geox" in p.tag] or parses
    forms = {case: word for case in CASES}
    if not geo:
        return forms
    parse = geo[0]
    for case in CASES:
        inflected = parse.inflect({case})
        if inflected is not None:
            forms[case] = inflected.word
    return forms


def phrase_forms(phrase: str, agree_all: bool = True) -> set[str]:
    """All case forms of a multi-word name, folded to lower case."""
    words = phrase.split()
    per_word = [_inflect_word(w) for w in words]
    result = {_fold(phrase)}
    for case in CASES:
        result.add(_fold(" ".join(forms[case] for forms in per_word)))
        if not agree_all and len(words) > 1:  # «в Республике Татарстан»: only the head noun changes
            result.add(_fold(" ".join([per_word[0][case], *words[1:]])))
    extra = set()
    for form in result:
        if " област" in form:
            extra.add(re.sub(r" област\w*$", " обл", form))
    return result | extra


def _core_name(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", name)
    return name.split(" — ")[0].strip()


class Gazetteer:
    """Prebuilt surface-form index of regions, aliases and cities."""

    def __init__(
        self, regions: list[dict[str, Any]], cities: list[dict[str, Any]], aliases: list[dict[str, Any]]
    ):
        self.official = [str(r["name"]) for r in regions]
        official = set(self.official)
        self.federal_cities = {str(r["name"]) for r in regions if r.get("kind") == "city"}
        self.by_code = {str(r["code"]): str(r["name"]) for r in regions}
        self.forms: dict[str, list[_Entry]] = {}
        self.exact: dict[str, str] = {}
        self.lemma_index: dict[str, list[_Entry]] = {}
        self.first_words: set[str] = set()

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
            else:
                self._add(
                    phrase_forms(str(item["alias"])), _Entry((region,), self._kind(region), False, False)
                )

        by_name: dict[str, set[str]] = {}
        names: dict[str, list[str]] = {}
        centre: dict[str, str] = {}  # region → its first listed city (the gazetteer lists the centre first)
        for city in cities:
            region = str(city["region"])
            if region not in official:
                continue
            centre.setdefault(region, _fold(str(city["name"])))
            for name in [str(city["name"]), *[str(a) for a in city.get("aliases") or []]]:
                by_name.setdefault(_fold(name), set()).add(region)
                names.setdefault(_fold(name), []).append(name)
        for key, regions_of in by_name.items():
            name = names[key][0]
            adjective = " " not in name and any("ADJF" in p.tag for p in morph.analyzer().parse(name)[:1])
            capitals = [r for r in regions_of if centre.get(r) == key]
            capital_of = capitals[0] if len(regions_of) > 1 and len(capitals) == 1 else None
            entry = _Entry(tuple(sorted(regions_of)), "city", False, adjective, capital_of)
            if "." in name:  # «Н. Новгород»: the initial stays, the rest inflects
                head, _, rest = name.partition(" ")
                self._add({f"{_fold(head).rstrip('.')} {form}" for form in phrase_forms(rest)}, entry)
                continue
            self._add(phrase_forms(name), entry)
            if " " not in name and "-" not in name:
                self.lemma_index.setdefault(morph.lemma(name), []).append(entry)

    def _kind(self, region: str) -> str:
        return "city" if region in self.federal_cities else "region"

    def _add(self, forms: set[str], entry: _Entry) -> None:
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

        places: list[Place] = []
        i = 0
        while i < len(toks):
            word, start, end = toks[i]
            if word in self.exact:
                places.append(Place(word, start, end, self.exact[word], "region"))
                i += 1
                continue
            matched = 0
            longest = 0
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
                for lemma in morph.lemmas(word):
                    entries.extend(self.lemma_index.get(lemma, []))
                if entries:
                    place = self._accept(entries, toks, i, 1, text)
                    if place is not None:
                        places.append(place)
                        matched = 1
            i += matched or 1
        return places

    def _accept(
        self, entries: list[_Entry], toks: list[tuple[str, int, int]], i: int, n: int, text: str
    ) -> Place | None:
        first = toks[i][0]
        start, end = toks[i][1], toks[i + n - 1][2]
        regional = [e for e in entries if e.kind == "region"]
        entry = regional[0] if regional else entries[0]
        previous = _fold(toks[i - 1][0]) if i > 0 else ""
        if previous in STREET_MARKERS:
            return None  # «ул. Гагарина», «пр. Мира»
        if not first[:1].isupper():
            # lower case: a multi-word subject name («свердловская обл.»), or a town after «г.» / «в»
            # when the word is a known place name and not an ordinary word («в подольске», not «в шахты»)
            if entry.kind == "region" and n > 1:
                pass
            elif previous in CITY_MARKERS:
                pass
            elif previous in PREPOSITIONS and n == 1 and _is_place_word(first):
                pass
            else:
                return None
        if entry.kind == "city" and entry.regions[0] not in self.federal_cities:
            if entry.adjective and previous not in PREPOSITIONS:
                return None
            if n == 1 and self._looks_like_person(toks, i):
                return None
        regions = {r for e in (regional or entries) for r in e.regions}
        region = next(iter(regions)) if len(regions) == 1 else entry.capital_of
        return Place(text[start:end], start, end, region, entry.kind)

    @staticmethod
    def _looks_like_person(toks: list[tuple[str, int, int]], i: int) -> bool:
        """«Королёв И.И.», «Киров Андрей»: a city name used as a surname."""
        tags = morph.tags(toks[i][0])
        if "Surn" not in tags:
            return False
        neighbours = [toks[k][0] for k in (i - 1, i + 1) if 0 <= k < len(toks)]
        for word in neighbours:
            if len(word) == 1 and word.isupper():
                return True
            if word[:1].isupper() and morph.tags(word) & {"Name", "Patr"}:
                return True
        return False


def _is_place_word(word: str) -> bool:
    parses = morph.analyzer().parse(word)
    return bool(parses) and "Geox" in parses[0].tag


def resolve(places: list[Place], text: str | None = None) -> str | None:
    """The complaint's region. Subject names beat cities; among them the best score wins: one point per
    mention, more where the sentence is about work («работаю в …», «филиал в …»), less where it is about a
    head office or a move («главный офис в Москве»); ties go to the first mention."""
    for kind in ("region", "city"):
        found = [p for p in places if p.kind == kind and p.region]
        if not found:
            continue
        scores: dict[str, float] = {}
        for place in found:
            weight = 1.0
            if text is not None:
                before = text[max(0, place.start - 60) : place.start]
                if _AWAY_CONTEXT_RE.search(before[-40:]):
                    weight -= 0.8
                elif _WORK_CONTEXT_RE.search(before):
                    weight += 0.5
            assert place.region is not None
            scores[place.region] = scores.get(place.region, 0.0) + weight
        best = max(scores.values())
        return next(p.region for p in found if p.region is not None and scores[p.region] == best)
    return None


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
                _gazetteer = Gazetteer(
                    _load_yaml(kb / "regions.yaml"), cities, _load_yaml(RULES_DIR / "region_aliases.yaml")
                )
    return _gazetteer


def find_places(text: str) -> list[Place]:
    return gazetteer().find(text)

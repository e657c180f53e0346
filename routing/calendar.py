"""Working-day calendar of the Russian Federation, optionally with a region's own holidays.

Data: kb_content/calendar/<year>.yaml (the Government decree on transferred days off for that year) and
kb_content/calendar/regional.yaml. A year without a file falls back to weekends plus the fixed holidays of
Labour Code art. 112; the "holiday on a weekend moves to the next working day" rule is deliberately not
applied then, because the decree for that year may override it. Such a year is reported as not official.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

# Labour Code art. 112 part 1: non-working holidays, (month, day).
ART_112_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "Новогодние каникулы"),
    (1, 2, "Новогодние каникулы"),
    (1, 3, "Новогодние каникулы"),
    (1, 4, "Новогодние каникулы"),
    (1, 5, "Новогодние каникулы"),
    (1, 6, "Новогодние каникулы"),
    (1, 7, "Рождество Христово"),
    (1, 8, "Новогодние каникулы"),
    (2, 23, "День защитника Отечества"),
    (3, 8, "Международный женский день"),
    (5, 1, "Праздник Весны и Труда"),
    (5, 9, "День Победы"),
    (6, 12, "День России"),
    (11, 4, "День народного единства"),
)

# Guards the working-day loops against a calendar in which nothing is ever worked.
_MAX_SCAN_DAYS = 400


class UnknownRegionError(ValueError):
    """The region name is not one of the official names in kb_content/regions.yaml."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Возможно: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"Неизвестный регион: «{name}».{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True)
class YearData:
    """One year's decree data from kb_content/calendar/<year>.yaml."""

    year: int
    decree: str
    days_off: frozenset[date]
    working_days: frozenset[date]
    shortened_days: frozenset[date]


@dataclass(frozen=True)
class RegionalHoliday:
    date: date
    name: str


@dataclass(frozen=True)
class RegionalRules:
    region: str
    source: str
    weekend_rule: str  # "none" | "next_working_day"
    annual: tuple[tuple[int, int, str], ...]
    dated: tuple[RegionalHoliday, ...]


def _data_dir() -> Any:
    return files("kb_content").joinpath("calendar")


def _as_date(value: Any) -> date:
    # PyYAML already parses ISO dates; strings are accepted for hand-written data.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=1)
def official_years() -> dict[int, YearData]:
    """All years that have a decree file."""
    result: dict[int, YearData] = {}
    for entry in _data_dir().iterdir():
        name = entry.name
        if not (name.endswith(".yaml") and name[:4].isdigit()):
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        year = int(raw["year"])
        result[year] = YearData(
            year=year,
            decree=str(raw["decree"]),
            days_off=frozenset(_as_date(d) for d in raw.get("days_off") or ()),
            working_days=frozenset(_as_date(d) for d in raw.get("working_days") or ()),
            shortened_days=frozenset(_as_date(d) for d in raw.get("shortened_days") or ()),
        )
    return result


@lru_cache(maxsize=1)
def regional_rules() -> dict[str, RegionalRules]:
    raw = yaml.safe_load(_data_dir().joinpath("regional.yaml").read_text(encoding="utf-8")) or {}
    result: dict[str, RegionalRules] = {}
    for region, body in raw.items():
        annual = []
        for item in body.get("annual") or ():
            month, day = (int(part) for part in str(item["date"]).split("-"))
            annual.append((month, day, str(item["name"])))
        dated = tuple(
            RegionalHoliday(_as_date(item["date"]), str(item["name"])) for item in body.get("dated") or ()
        )
        rule = str(body.get("weekend_rule", "none"))
        if rule not in ("none", "next_working_day"):
            raise ValueError(f"regional.yaml: unknown weekend_rule {rule!r} for {region}")
        result[str(region)] = RegionalRules(
            str(region), str(body.get("source", "")), rule, tuple(annual), dated
        )
    return result


def _fold(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


@lru_cache(maxsize=1)
def region_names() -> tuple[str, ...]:
    """Official names of the RF subjects, from kb_content/regions.yaml."""
    rows = yaml.safe_load(files("kb_content").joinpath("regions.yaml").read_text(encoding="utf-8"))
    return tuple(str(row["name"]) for row in rows)


def resolve_region(name: str) -> str:
    """The official region name for `name` (case, ё/е and spacing ignored; a region code also works)."""
    wanted = _fold(name)
    rows = yaml.safe_load(files("kb_content").joinpath("regions.yaml").read_text(encoding="utf-8"))
    for row in rows:
        if wanted in (_fold(str(row["name"])), str(row["code"])):
            return str(row["name"])
    raise UnknownRegionError(name, _suggest_regions(wanted))


def _suggest_regions(wanted: str) -> list[str]:
    # Compare with whole names and with their words, so that «Татарстн» suggests «Республика Татарстан».
    scored = []
    for official in region_names():
        folded = _fold(official)
        ratio = max(difflib.SequenceMatcher(None, wanted, part).ratio() for part in (folded, *folded.split()))
        if ratio >= 0.75 or (len(wanted) >= 4 and wanted in folded):
            scored.append((-ratio, official))
    return [official for _, official in sorted(scored)[:3]]


class WorkCalendar:
    """Answers "is this day worked?" for the federation or one region."""

    def __init__(
        self,
        years: Mapping[int, YearData],
        region: str | None = None,
        rules: RegionalRules | None = None,
    ) -> None:
        self.region = region
        self._years = dict(years)
        self._rules = rules
        self._regional_cache: dict[int, dict[date, str]] = {}

    # --- facts about years -------------------------------------------------------------------------
    def is_official(self, year: int) -> bool:
        """True when the year has a decree file; otherwise days are the art. 112 approximation."""
        return year in self._years

    def decree(self, year: int) -> str | None:
        data = self._years.get(year)
        return data.decree if data else None

    def warnings_for(self, years: Iterable[int]) -> tuple[str, ...]:
        """Russian notices for the years that have no official calendar."""
        return tuple(
            f"Производственный календарь на {y} год не загружен: учтены только выходные и праздники "
            f"ст. 112 ТК РФ, переносы выходных дней не учтены — проверьте срок."
            for y in sorted(set(years))
            if not self.is_official(y)
        )

    # --- single days -------------------------------------------------------------------------------
    def _federal_non_working(self, day: date) -> str | None:
        data = self._years.get(day.year)
        if data is not None and day in data.working_days:
            return None
        for month, dom, name in ART_112_HOLIDAYS:
            if (day.month, day.day) == (month, dom):
                return f"нерабочий праздничный день ({name})"
        if data is not None and day in data.days_off:
            return "выходной день по постановлению Правительства о переносе"
        if day.weekday() >= 5:
            return "выходной день"
        return None

    def _regional_days(self, year: int) -> dict[date, str]:
        if self._rules is None:
            return {}
        if year not in self._regional_cache:
            rules = self._rules
            found: list[tuple[date, str]] = [(date(year, m, d), name) for m, d, name in rules.annual]
            found += [(h.date, h.name) for h in rules.dated if h.date.year == year]
            days: dict[date, str] = {}
            for day, name in sorted(found):
                label = f"региональный праздник ({name})"
                if rules.weekend_rule == "next_working_day":
                    # The day off moves forward past federal days off and other regional days off.
                    while self._federal_non_working(day) is not None or day in days:
                        day += timedelta(days=1)
                        label = f"перенесённый региональный праздник ({name})"
                days[day] = label
            self._regional_cache[year] = days
        return self._regional_cache[year]

    def non_working_reason(self, day: date) -> str | None:
        """Why the day is not worked (Russian), or None when it is a working day."""
        federal = self._federal_non_working(day)
        if federal is not None:
            return federal
        return self._regional_days(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def is_shortened(self, day: date) -> bool:
        data = self._years.get(day.year)
        return bool(data and day in data.shortened_days)

    # --- moving along ------------------------------------------------------------------------------
    def roll_forward(self, day: date) -> date:
        """`day` itself if worked, else the next working day (how a term ending on a day off ends)."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise RuntimeError("no working day found")  # pragma: no cover - data error

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.roll_forward(day + timedelta(days=1))

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        for _ in range(_MAX_SCAN_DAYS):
            day -= timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError("no working day found")  # pragma: no cover - data error

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted)."""
        if count < 0:
            return self.subtract_working_days(day, -count)
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day before `day` (`day` itself is not counted)."""
        for _ in range(count):
            day = self.previous_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


@lru_cache(maxsize=128)
def load_calendar(region: str | None = None) -> WorkCalendar:
    """The federal calendar, or a region's (official name, code, case/ё-insensitive).

    Raises UnknownRegionError for a name that is not an RF subject. A known region without regional
    holidays gets the federal calendar.
    """
    if region is None:
        return WorkCalendar(official_years())
    official = resolve_region(region)
    return WorkCalendar(official_years(), official, regional_rules().get(official))


def is_official(year: int) -> bool:
    """True when kb_content/calendar has the Government decree data for `year`."""
    return year in official_years()

"""Production calendar and legal deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files

import pytest
import yaml

from routing.calendar import (
    ART_112_HOLIDAYS,
    UnknownRegionError,
    is_official,
    load_calendar,
    official_years,
    region_names,
    regional_rules,
    resolve_region,
)
from routing.deadlines import (
    compute_deadlines,
    next_working_day,
    working_days_before,
    working_days_between,
)

D = date.fromisoformat


def _year_days(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


# --- the examples from the issue -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "expected"),
    [
        (
            "2025-12-26",
            {
                "answer_due": "2026-01-26",
                "extended_answer_due": "2026-02-24",
                "redirect_due": "2026-01-12",
                "interim_answer_due": "2026-01-12",
            },
        ),
        (
            "2026-02-16",
            {"answer_due": "2026-03-18", "redirect_due": "2026-02-24", "interim_answer_due": "2026-02-19"},
        ),
    ],
)
def test_issue_examples(registered: str, expected: dict[str, str]) -> None:
    result = compute_deadlines(D(registered))
    assert {k: v for k, v in result.as_dict().items() if k in expected} == expected
    assert result.official and result.warnings == ()


def test_appeal_decision_is_twenty_working_days() -> None:
    # 2026-02-16 (Mon): 20 working days, skipping 23 Feb and 9 Mar -> 18 Mar.
    assert compute_deadlines(D("2026-02-16")).appeal_decision_due == D("2026-03-18")
    # Over the New Year holidays: 29 and 30 Dec 2025, then from 12 Jan 2026 -> 4 Feb.
    assert compute_deadlines(D("2025-12-26")).appeal_decision_due == D("2026-02-04")


def test_as_dict_has_exactly_the_five_keys() -> None:
    assert set(compute_deadlines(D("2026-05-05")).as_dict()) == {
        "answer_due",
        "extended_answer_due",
        "redirect_due",
        "interim_answer_due",
        "appeal_decision_due",
    }


# --- calendar facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "working"), [(2024, 248), (2025, 247), (2026, 247)])
def test_working_day_totals_match_the_official_calendar(year: int, working: int) -> None:
    cal = load_calendar()
    assert sum(cal.is_working_day(d) for d in _year_days(year)) == working


def _ranges(*spans: tuple[str, str]) -> set[date]:
    days: set[date] = set()
    for first, last in spans:
        day = D(first)
        while day <= D(last):
            days.add(day)
            day += timedelta(days=1)
    return days


@pytest.mark.parametrize(
    ("year", "weekday_days_off"),
    [
        (
            2025,
            _ranges(
                ("2025-01-01", "2025-01-08"),
                ("2025-05-01", "2025-05-04"),
                ("2025-05-08", "2025-05-11"),
                ("2025-06-12", "2025-06-15"),
                ("2025-11-02", "2025-11-04"),
                ("2025-12-31", "2025-12-31"),
            ),
        ),
        (
            2026,
            _ranges(
                ("2026-01-01", "2026-01-11"),
                ("2026-02-23", "2026-02-23"),
                ("2026-03-09", "2026-03-09"),
                ("2026-05-01", "2026-05-03"),
                ("2026-05-09", "2026-05-11"),
                ("2026-06-12", "2026-06-14"),
                ("2026-11-04", "2026-11-04"),
                ("2026-12-31", "2026-12-31"),
            ),
        ),
    ],
)
def test_days_off_are_exactly_weekends_plus_the_listed_ones(year: int, weekday_days_off: set[date]) -> None:
    cal = load_calendar()
    off = {d for d in _year_days(year) if not cal.is_working_day(d)}
    # All listed days are off, and every other day off is a weekend.
    assert weekday_days_off <= off
    assert all(d.weekday() >= 5 for d in off - weekday_days_off)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2024-04-27", True),  # working Saturday (transfer to 29 April)
        ("2024-04-29", False),
        ("2024-04-30", False),
        ("2024-11-02", True),
        ("2024-12-28", True),
        ("2024-12-30", False),
        ("2024-12-31", False),
        ("2025-11-01", True),  # working Saturday
        ("2025-11-03", False),
        ("2025-02-24", True),  # 23 Feb 2025 (Sunday) was moved to 8 May by the decree, not to Monday
        ("2025-05-08", False),
        ("2025-06-13", False),
        ("2026-01-09", False),
        ("2026-03-09", False),  # art. 112: 8 March on a Sunday
        ("2026-05-11", False),
        ("2026-12-31", False),
        ("2026-12-30", True),
    ],
)
def test_transfers(day: str, working: bool) -> None:
    assert load_calendar().is_working_day(D(day)) is working


def test_shortened_days_are_data_only() -> None:
    cal = load_calendar()
    assert cal.is_shortened(D("2025-11-01")) and cal.is_working_day(D("2025-11-01"))
    assert not cal.is_shortened(D("2025-11-05"))


def test_decree_files_name_their_decree() -> None:
    decrees = {year: data.decree for year, data in official_years().items()}
    assert "№ 1314" in decrees[2024] and "10.08.2023" in decrees[2024]
    assert "№ 1335" in decrees[2025] and "04.10.2024" in decrees[2025]
    assert "№ 1466" in decrees[2026] and "24.09.2025" in decrees[2026]


# --- a year without a decree file -------------------------------------------------------------------


def test_year_without_calendar_falls_back_and_warns() -> None:
    cal = load_calendar()
    assert not cal.is_official(2027) and cal.is_official(2026)
    assert not cal.is_working_day(D("2027-01-07"))  # art. 112 holiday
    assert not cal.is_working_day(D("2027-02-23"))
    # 9 May 2027 is a Sunday; without a decree the weekend rule of art. 112 is not applied.
    assert cal.is_working_day(D("2027-05-10"))
    result = compute_deadlines(D("2026-12-20"))
    assert not result.official
    assert len(result.warnings) == 1 and "2027" in result.warnings[0]


def test_deadlines_inside_an_official_year_have_no_warning() -> None:
    assert compute_deadlines(D("2026-06-01")).warnings == ()


# --- regional holidays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "day", "working"),
    [
        ("Республика Татарстан", "2025-06-06", False),  # Курбан-байрам
        ("Республика Татарстан", "2026-03-20", False),  # Ураза-байрам
        ("Республика Татарстан", "2025-08-29", True),
        ("Республика Татарстан", "2026-11-06", False),  # День Конституции РТ
        ("Республика Татарстан", "2025-03-31", True),  # Ураза-байрам on a Sunday is not moved in Tatarstan
        ("Республика Башкортостан", "2025-03-31", False),  # ...but is in Bashkortostan
        ("Республика Башкортостан", "2024-06-17", False),  # Курбан-байрам 16 June 2024 (Sunday)
        ("Республика Башкортостан", "2025-10-13", False),  # День Республики 11 Oct 2025 (Saturday)
        ("Республика Башкортостан", "2024-10-11", False),
        ("Республика Башкортостан", "2026-08-31", True),
        ("Москва", "2026-03-20", True),
    ],
)
def test_regional_holidays(region: str, day: str, working: bool) -> None:
    assert load_calendar(region).is_working_day(D(day)) is working
    assert load_calendar().is_working_day(D(day)) or not working


def test_regional_holiday_moves_a_deadline() -> None:
    # Registered 2026-02-18: 30 days -> Friday 20 March, Ураза-байрам in Tatarstan -> Monday 23 March.
    assert compute_deadlines(D("2026-02-18")).answer_due == D("2026-03-20")
    tatarstan = compute_deadlines(D("2026-02-18"), region="Республика Татарстан")
    assert tatarstan.answer_due == D("2026-03-23")
    assert tatarstan.region == "Республика Татарстан"


def test_region_names_are_resolved_and_unknown_ones_rejected() -> None:
    assert resolve_region("  республика   татарстан ") == "Республика Татарстан"
    assert resolve_region("02") == "Республика Башкортостан"
    with pytest.raises(UnknownRegionError) as error:
        load_calendar("Татарстн")
    assert "Республика Татарстан" in str(error.value)


# --- helpers ---------------------------------------------------------------------------------------


def test_helpers() -> None:
    assert next_working_day(D("2025-12-30")) == D("2026-01-12")
    assert next_working_day(D("2026-02-16")) == D("2026-02-17")
    assert working_days_between(D("2025-12-26"), D("2026-01-12")) == 3
    assert working_days_between(D("2026-01-12"), D("2025-12-26")) == -3
    assert working_days_between(D("2026-02-16"), D("2026-02-16")) == 0
    # 3 working days before Monday 26 Jan 2026 is Wednesday 21 Jan.
    assert working_days_before(D("2026-01-26"), 3) == D("2026-01-21")
    # ...and 2 working days before 12 Jan 2026 is 29 Dec 2025, over the holidays.
    assert working_days_before(D("2026-01-12"), 2) == D("2025-12-29")
    assert working_days_before(D("2026-03-23"), 1, region="Республика Татарстан") == D("2026-03-19")


# --- the data files are consistent ----------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_decree_file_is_consistent(year: int) -> None:
    raw = yaml.safe_load(files("kb_content").joinpath("calendar", f"{year}.yaml").read_text(encoding="utf-8"))
    holidays = {date(year, m, d) for m, d, _ in ART_112_HOLIDAYS}
    days_off, working = set(raw["days_off"]), set(raw["working_days"])
    for moved in raw["transfers"] + raw.get("moved_holidays", []):
        # A transferred day off lands on a weekday; the weekend day it came from is worked unless a holiday.
        assert moved["to"] in days_off and moved["to"].weekday() < 5
        assert moved["from"].weekday() >= 5
        assert moved["from"] in holidays or moved["from"] in working
    assert all(d.weekday() < 5 and d not in holidays for d in days_off)
    assert all(d.weekday() >= 5 for d in working)
    cal = load_calendar()
    assert sum(cal.is_working_day(d) for d in _year_days(year)) == raw["totals"]["working_days"]
    assert all(cal.is_working_day(d) for d in raw["shortened_days"])


def test_regional_file_uses_official_region_names() -> None:
    assert set(regional_rules()) <= set(region_names())
    assert {"Республика Татарстан", "Республика Башкортостан"} <= set(regional_rules())


def test_module_level_is_official() -> None:
    assert is_official(2025) and not is_official(2030)

"""Property tests: deadlines never fall on a day off and never go back when registration moves forward."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.calendar import load_calendar
from routing.deadlines import DEADLINE_KINDS, compute_deadlines

REGIONS = st.sampled_from([None, "Республика Татарстан", "Республика Башкортостан", "Москва"])
# Official years plus the fallback years on either side.
DAYS = st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(registered=DAYS, region=REGIONS)
def test_no_deadline_falls_on_a_non_working_day(registered: date, region: str | None) -> None:
    calendar = load_calendar(region)
    result = compute_deadlines(registered, region)
    for kind in DEADLINE_KINDS:
        due: date = getattr(result, kind)
        assert calendar.is_working_day(due), (kind, due, calendar.non_working_reason(due))
        assert due > registered


@settings(max_examples=300, deadline=None)
@given(registered=DAYS, step=st.integers(min_value=1, max_value=40), region=REGIONS)
def test_deadlines_are_monotonic_in_the_registration_date(
    registered: date, step: int, region: str | None
) -> None:
    earlier = compute_deadlines(registered, region)
    later = compute_deadlines(registered + timedelta(days=step), region)
    for kind in DEADLINE_KINDS:
        assert getattr(earlier, kind) <= getattr(later, kind), kind


@settings(max_examples=200, deadline=None)
@given(registered=DAYS, region=REGIONS)
def test_term_lengths(registered: date, region: str | None) -> None:
    calendar = load_calendar(region)
    result = compute_deadlines(registered, region)
    # A calendar-day term ends on its nominal day or on the first working day after it, never later.
    for kind, days in (("answer_due", 30), ("extended_answer_due", 60), ("redirect_due", 7)):
        due: date = getattr(result, kind)
        nominal = registered + timedelta(days=days)
        assert due >= nominal
        assert calendar.working_days_between(nominal - timedelta(days=1), due) <= 1
    assert calendar.working_days_between(registered, result.interim_answer_due) == 3
    assert calendar.working_days_between(registered, result.appeal_decision_due) == 20
    assert result.official == all(
        calendar.is_official(y) for y in range(registered.year, result.extended_answer_due.year + 1)
    )

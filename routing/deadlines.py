"""Legal terms for a complaint (59-FZ) and a pre-trial appeal (248-FZ).

Calendar-day terms count from the day after registration: registered on the 1st, a 30-day term ends on
the 31st. A term that ends on a non-working day ends on the next working day. Working-day terms count
working days after registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from routing.calendar import WorkCalendar, load_calendar

ANSWER_DAYS = 30  # 59-FZ art. 12 part 1
EXTENDED_ANSWER_DAYS = 60  # 59-FZ art. 12 part 2: at most 30 more days, counted here from registration
REDIRECT_DAYS = 7  # 59-FZ art. 8 part 3: forwarding to the competent body
INTERIM_ANSWER_WORKING_DAYS = 3  # interim answer / acknowledgement
APPEAL_DECISION_WORKING_DAYS = 20  # 248-FZ art. 43 part 2: decision on a pre-trial appeal

DEADLINE_KINDS = (
    "answer_due",
    "extended_answer_due",
    "redirect_due",
    "interim_answer_due",
    "appeal_decision_due",
)

LABELS_RU = {
    "answer_due": "Ответ по существу (30 дней)",
    "extended_answer_due": "Ответ при продлении (60 дней)",
    "redirect_due": "Переадресация в другой орган (7 дней)",
    "interim_answer_due": "Промежуточный ответ (3 рабочих дня)",
    "appeal_decision_due": "Решение по жалобе, 248-ФЗ (20 рабочих дней)",
}


@dataclass(frozen=True)
class Deadlines:
    registered: date
    region: str | None
    answer_due: date
    extended_answer_due: date
    redirect_due: date
    interim_answer_due: date
    appeal_decision_due: date
    official: bool  # every year the terms touch has an official production calendar
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The five deadlines as ISO dates (the CLI's --json output)."""
        return {kind: getattr(self, kind).isoformat() for kind in DEADLINE_KINDS}


def _calendar(region: str | None, calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else load_calendar(region)


def calendar_term_end(registered: date, days: int, calendar: WorkCalendar) -> date:
    """End of a term of `days` calendar days, moved off a non-working day."""
    return calendar.roll_forward(registered + timedelta(days=days))


def compute_deadlines(
    registered: date, region: str | None = None, calendar: WorkCalendar | None = None
) -> Deadlines:
    """All terms for a complaint registered on `registered` in `region` (official name; None = federal)."""
    cal = _calendar(region, calendar)
    result = {
        "answer_due": calendar_term_end(registered, ANSWER_DAYS, cal),
        "extended_answer_due": calendar_term_end(registered, EXTENDED_ANSWER_DAYS, cal),
        "redirect_due": calendar_term_end(registered, REDIRECT_DAYS, cal),
        "interim_answer_due": cal.add_working_days(registered, INTERIM_ANSWER_WORKING_DAYS),
        "appeal_decision_due": cal.add_working_days(registered, APPEAL_DECISION_WORKING_DAYS),
    }
    years = range(registered.year, max(result.values()).year + 1)
    warnings = cal.warnings_for(years)
    return Deadlines(
        registered=registered,
        region=cal.region,
        official=not warnings,
        warnings=warnings,
        **result,
    )


def next_working_day(day: date, region: str | None = None, calendar: WorkCalendar | None = None) -> date:
    """The first working day strictly after `day`."""
    return _calendar(region, calendar).next_working_day(day)


def working_days_between(
    start: date, end: date, region: str | None = None, calendar: WorkCalendar | None = None
) -> int:
    """Working days in (start, end]."""
    return _calendar(region, calendar).working_days_between(start, end)


def working_days_before(
    deadline: date, count: int, region: str | None = None, calendar: WorkCalendar | None = None
) -> date:
    """The working day `count` working days before `deadline` (when to send a reminder)."""
    return _calendar(region, calendar).subtract_working_days(deadline, count)

"""Reminders before a deadline and escalations after it, for a scheduled job.

Each action has a key (case, kind, deadline kind, deadline date). The job passes the keys it has already
acted on and gets only new actions, so it can run any number of times a day. A moved deadline (extension)
has a new date and therefore new keys: the inspector is reminded again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from routing.calendar import WorkCalendar, load_calendar

REMIND_WORKING_DAYS_BEFORE = 3

ActionKind = Literal["remind", "escalate"]

DEADLINE_NAMES_RU = {
    "answer_due": "ответа по существу",
    "extended_answer_due": "ответа (продлённый)",
    "redirect_due": "переадресации",
    "interim_answer_due": "промежуточного ответа",
    "appeal_decision_due": "решения по жалобе",
}


@dataclass(frozen=True)
class CaseDeadlines:
    case_id: int
    deadlines: Mapping[str, date]  # deadline kind -> date, e.g. {"answer_due": date(2026, 3, 18)}
    done: frozenset[str] = frozenset()  # deadline kinds already met (answered, forwarded…)
    inspector_id: int | None = None
    region: str | None = None  # for regional holidays when counting working days
    number: str = ""  # case number for the messages


@dataclass(frozen=True)
class EscalationAction:
    kind: ActionKind
    case_id: int
    deadline_kind: str
    deadline: date
    recipient: Literal["inspector", "supervisor"]
    inspector_id: int | None
    message_ru: str
    key: str = field(default="")

    @property
    def key_tuple(self) -> tuple[int, str, str, date]:
        return (self.case_id, self.kind, self.deadline_kind, self.deadline)


def action_key(case_id: int, kind: str, deadline_kind: str, deadline: date) -> str:
    """Stable idempotency key, e.g. "42:remind:answer_due:2026-03-18"."""
    return f"{case_id}:{kind}:{deadline_kind}:{deadline.isoformat()}"


def _effective(deadlines: Mapping[str, date]) -> dict[str, date]:
    # Once extended, the ordinary answer term no longer applies: remind and escalate on the extended one.
    result = dict(deadlines)
    if result.get("extended_answer_due") is not None:
        result.pop("answer_due", None)
    return result


def plan_actions(
    cases: Sequence[CaseDeadlines],
    today: date,
    already_done: Collection[str] = (),
    remind_before: int = REMIND_WORKING_DAYS_BEFORE,
    calendar: WorkCalendar | None = None,
) -> list[EscalationAction]:
    """Actions due today that have not been taken yet (keys in `already_done` are skipped).

    remind: from `remind_before` working days before the deadline up to the deadline itself — sent once,
    even if the job did not run on the exact day; escalate: the day after the deadline, if still not met.
    """
    done_keys = set(already_done)
    actions: list[EscalationAction] = []
    for case in sorted(cases, key=lambda c: c.case_id):
        cal = calendar if calendar is not None else load_calendar(case.region)
        label = case.number or f"№ {case.case_id}"
        for deadline_kind, due in sorted(_effective(case.deadlines).items()):
            if due is None or deadline_kind in case.done:
                continue
            name = DEADLINE_NAMES_RU.get(deadline_kind, deadline_kind)
            if today > due:
                kind: ActionKind = "escalate"
                recipient: Literal["inspector", "supervisor"] = "supervisor"
                message = (
                    f"Дело {label}: пропущен срок {name} ({due:%d.%m.%Y}). Требуется решение руководителя."
                )
            elif today >= cal.subtract_working_days(due, remind_before):
                kind, recipient = "remind", "inspector"
                left = cal.working_days_between(today, due)
                message = f"Дело {label}: срок {name} — {due:%d.%m.%Y} (осталось рабочих дней: {left})."
            else:
                continue
            key = action_key(case.case_id, kind, deadline_kind, due)
            if key in done_keys:
                continue
            done_keys.add(key)
            actions.append(
                EscalationAction(
                    kind, case.case_id, deadline_kind, due, recipient, case.inspector_id, message, key
                )
            )
    return actions

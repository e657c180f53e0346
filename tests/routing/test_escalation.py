"""Reminders and escalations."""

from __future__ import annotations

from datetime import date

import pytest

from routing.escalation import CaseDeadlines, action_key, plan_actions

D = date.fromisoformat
# Answer due Wednesday 18 March 2026; three working days before is Friday 13 March.
CASE = CaseDeadlines(
    case_id=42, deadlines={"answer_due": D("2026-03-18")}, inspector_id=7, number="77-0000042"
)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-03-12", []),
        ("2026-03-13", [("remind", "inspector")]),
        ("2026-03-14", [("remind", "inspector")]),  # Saturday: job missed Friday, still reminded
        ("2026-03-18", [("remind", "inspector")]),  # deadline day
        ("2026-03-19", [("escalate", "supervisor")]),
        ("2026-04-30", [("escalate", "supervisor")]),
    ],
)
def test_actions_by_date(today: str, expected: list[tuple[str, str]]) -> None:
    actions = plan_actions([CASE], D(today))
    assert [(a.kind, a.recipient) for a in actions] == expected


def test_idempotent() -> None:
    first = plan_actions([CASE], D("2026-03-13"))
    assert [a.key for a in first] == ["42:remind:answer_due:2026-03-18"]
    assert plan_actions([CASE], D("2026-03-16"), already_done={a.key for a in first}) == []
    late = plan_actions([CASE], D("2026-03-19"), already_done={a.key for a in first})
    assert [a.key for a in late] == ["42:escalate:answer_due:2026-03-18"]
    assert plan_actions([CASE], D("2026-03-20"), already_done={late[0].key}) == []


def test_done_deadline_is_skipped() -> None:
    done = CaseDeadlines(42, {"answer_due": D("2026-03-18")}, frozenset({"answer_due"}))
    assert plan_actions([done], D("2026-03-19")) == []


def test_extension_replaces_the_answer_deadline_and_gets_new_keys() -> None:
    extended = CaseDeadlines(42, {"answer_due": D("2026-03-18"), "extended_answer_due": D("2026-04-17")})
    assert plan_actions([extended], D("2026-03-19")) == []
    actions = plan_actions([extended], D("2026-04-14"))
    assert [a.key for a in actions] == ["42:remind:extended_answer_due:2026-04-17"]


def test_several_deadlines_and_cases_in_stable_order() -> None:
    cases = [
        CaseDeadlines(2, {"redirect_due": D("2026-02-24"), "answer_due": D("2026-03-18")}),
        CaseDeadlines(1, {"interim_answer_due": D("2026-02-19")}),
    ]
    actions = plan_actions(cases, D("2026-02-20"))
    assert [(a.case_id, a.kind, a.deadline_kind) for a in actions] == [
        (1, "escalate", "interim_answer_due"),
        (2, "remind", "redirect_due"),
    ]
    assert "промежуточного ответа" in actions[0].message_ru
    assert "24.02.2026" in actions[1].message_ru


def test_regional_holiday_counts_for_reminders() -> None:
    # Due Monday 23 March 2026; in Tatarstan Friday 20 March is a holiday, so 3 working days before is 17 March.
    case = CaseDeadlines(5, {"answer_due": D("2026-03-23")}, region="Республика Татарстан")
    federal = CaseDeadlines(5, {"answer_due": D("2026-03-23")})
    assert plan_actions([case], D("2026-03-17")) and not plan_actions([federal], D("2026-03-17"))


def test_key_format() -> None:
    assert action_key(1, "remind", "answer_due", D("2026-01-26")) == "1:remind:answer_due:2026-01-26"

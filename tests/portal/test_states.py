"""Every transition outside the state machine is refused, on the table and on the mapped objects."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from portal.models import Case, Channel, Complaint
from portal.states import (
    CASE_TRANSITIONS,
    COMPLAINT_TRANSITIONS,
    CaseStatus,
    ComplaintStatus,
    IllegalTransition,
    check_case_transition,
    check_complaint_transition,
)

COMPLAINT_PAIRS = list(itertools.product(ComplaintStatus, ComplaintStatus))
CASE_PAIRS = list(itertools.product(CaseStatus, CaseStatus))


def test_every_status_has_a_row() -> None:
    assert set(COMPLAINT_TRANSITIONS) == set(ComplaintStatus)
    assert set(CASE_TRANSITIONS) == set(CaseStatus)


@pytest.mark.parametrize(("current", "target"), COMPLAINT_PAIRS)
def test_complaint_transitions(current: ComplaintStatus, target: ComplaintStatus) -> None:
    if target in COMPLAINT_TRANSITIONS[current]:
        check_complaint_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_complaint_transition(current, target)


@pytest.mark.parametrize(("current", "target"), CASE_PAIRS)
def test_case_transitions(current: CaseStatus, target: CaseStatus) -> None:
    if target in CASE_TRANSITIONS[current]:
        check_case_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_case_transition(current, target)


def test_final_states_have_no_exit() -> None:
    for complaint_final in (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED):
        assert not COMPLAINT_TRANSITIONS[complaint_final]
    for case_final in (CaseStatus.CLOSED, CaseStatus.MERGED, CaseStatus.REDIRECTED):
        assert not CASE_TRANSITIONS[case_final]


def test_mapped_complaint_refuses_an_illegal_status() -> None:
    complaint = Complaint(
        tracking_number="x",
        access_code_hash="x",
        channel=Channel.WEB,
        text="t",
        status=ComplaintStatus.RECEIVED,
    )
    complaint.status = ComplaintStatus.REGISTERED
    with pytest.raises(IllegalTransition):
        complaint.status = ComplaintStatus.CLOSED
    assert complaint.status == ComplaintStatus.REGISTERED


def test_mapped_case_refuses_reopening() -> None:
    case = Case(number="x", category="leave", status=CaseStatus.NEW, registered_at=datetime.now(UTC))
    case.status = CaseStatus.IN_PROGRESS
    case.status = CaseStatus.CLOSED
    with pytest.raises(IllegalTransition):
        case.status = CaseStatus.IN_PROGRESS

"""Status state machines of complaints and cases: the one place where allowed transitions live."""

from __future__ import annotations

from enum import StrEnum


class IllegalTransition(Exception):
    """A status change that the state machine does not allow."""

    def __init__(self, entity: str, current: StrEnum, target: StrEnum) -> None:
        super().__init__(f"{entity}: transition {current.value} -> {target.value} is not allowed")
        self.entity = entity
        self.current = current
        self.target = target


class ComplaintStatus(StrEnum):
    RECEIVED = "received"  # stored, not yet registered
    REGISTERED = "registered"  # registered: legal terms start
    ANALYSED = "analysed"  # split into problems
    TRIAGE = "triage"  # a supervisor has to route it (no region, low confidence)
    ROUTED = "routed"  # every problem is in a case or redirected
    REDIRECTED = "redirected"  # nothing in our competence; sent to another body
    ANSWERED = "answered"  # the complainant got the final answer on every problem
    REJECTED = "rejected"  # unusable (empty, garbage); the complainant is told why
    CLOSED = "closed"


class CaseStatus(StrEnum):
    TRIAGE = "triage"  # awaiting a supervisor's routing
    NEW = "new"  # assigned, not yet accepted
    IN_PROGRESS = "in_progress"
    AWAITING_INFO = "awaiting_info"  # information requested from the complainant or employer
    REDIRECTED = "redirected"
    MERGED = "merged"  # joined into another case
    CLOSED = "closed"


COMPLAINT_TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    ComplaintStatus.RECEIVED: frozenset({ComplaintStatus.REGISTERED, ComplaintStatus.REJECTED}),
    ComplaintStatus.REGISTERED: frozenset({ComplaintStatus.ANALYSED, ComplaintStatus.REJECTED}),
    ComplaintStatus.ANALYSED: frozenset(
        {ComplaintStatus.ROUTED, ComplaintStatus.TRIAGE, ComplaintStatus.REDIRECTED}
    ),
    ComplaintStatus.TRIAGE: frozenset({ComplaintStatus.ROUTED, ComplaintStatus.REDIRECTED}),
    ComplaintStatus.ROUTED: frozenset({ComplaintStatus.ANSWERED, ComplaintStatus.REDIRECTED}),
    ComplaintStatus.REDIRECTED: frozenset({ComplaintStatus.CLOSED}),
    ComplaintStatus.ANSWERED: frozenset({ComplaintStatus.CLOSED}),
    ComplaintStatus.REJECTED: frozenset(),
    ComplaintStatus.CLOSED: frozenset(),
}

CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.TRIAGE: frozenset({CaseStatus.NEW, CaseStatus.REDIRECTED, CaseStatus.MERGED}),
    CaseStatus.NEW: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.REDIRECTED, CaseStatus.MERGED, CaseStatus.TRIAGE}
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.AWAITING_INFO, CaseStatus.REDIRECTED, CaseStatus.MERGED, CaseStatus.CLOSED}
    ),
    CaseStatus.AWAITING_INFO: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.REDIRECTED: frozenset(),
    CaseStatus.MERGED: frozenset(),
    CaseStatus.CLOSED: frozenset(),
}

OPEN_CASE_STATUSES = frozenset(
    {CaseStatus.TRIAGE, CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_INFO}
)


def check_complaint_transition(current: ComplaintStatus, target: ComplaintStatus) -> None:
    if target not in COMPLAINT_TRANSITIONS[current]:
        raise IllegalTransition("complaint", current, target)


def check_case_transition(current: CaseStatus, target: CaseStatus) -> None:
    if target not in CASE_TRANSITIONS[current]:
        raise IllegalTransition("case", current, target)

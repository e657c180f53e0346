"""Employer risk category from the employer's cases of the last 12 months (see kb_content/risk.yaml)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Case, CaseOutcome, Employer, Problem
from portal.routing_service import legal_date
from portal.states import CaseStatus
from routing.risk import RiskAssessment, RiskEvent, assess_employer_risk

# Cases that were not ours to handle say nothing about the employer.
_NOT_COUNTED = (CaseStatus.MERGED, CaseStatus.REDIRECTED)


async def risk_events(session: AsyncSession, employer_id: int) -> list[RiskEvent]:
    cases = (
        await session.scalars(
            sa.select(Case).where(Case.employer_id == employer_id, Case.status.not_in(_NOT_COUNTED))
        )
    ).all()
    events: list[RiskEvent] = []
    for case in cases:
        opened = legal_date(case.created_at)
        if case.category == "workplace_accident":
            events.append(RiskEvent("accidents", opened))
        if case.category == "wage_arrears":
            events.append(RiskEvent("wage_arrears", opened))
        if case.mass:
            events.append(RiskEvent("mass_cases", opened))
        if case.outcome == CaseOutcome.VIOLATION_CONFIRMED and case.closed_at is not None:
            closed = legal_date(case.closed_at)
            events.append(RiskEvent("confirmed_violations", closed))
            complainants = await session.scalar(
                sa.select(sa.func.count(sa.distinct(Problem.complaint_id))).where(Problem.case_id == case.id)
            )
            events.extend(
                RiskEvent("substantiated_complaints", closed) for _ in range(int(complainants or 0))
            )
    return events


async def recompute_employer_risk(session: AsyncSession, employer_id: int, as_of: date) -> RiskAssessment:
    assessment = assess_employer_risk(await risk_events(session, employer_id), as_of)
    employer = await session.get(Employer, employer_id)
    if employer is not None:
        employer.risk_category = assessment.category
        employer.risk_factors = {**assessment.factors_dict(), "explanation_ru": assessment.explanation_ru}
    return assessment

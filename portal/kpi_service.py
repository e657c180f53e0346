"""KPIs of inspectors, inspections and regions for a period, from the cases in the database."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Case, Inspection, Inspector, Problem, Region, User
from portal.states import CaseStatus
from routing.kpi import CaseRecord, KpiMetrics, KpiReport, compute_kpi

# Cases handed elsewhere are not the inspection's work to measure.
_EXCLUDED = (CaseStatus.MERGED, CaseStatus.TRIAGE)


async def load_records(session: AsyncSession, start: date, end: date) -> list[CaseRecord]:
    """Cases received in the period, and cases answered or still open in it (for overdue counts)."""
    period_start = datetime.combine(start, time.min, tzinfo=UTC)
    period_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    problems = (
        sa.select(Problem.case_id, sa.func.count().label("problems")).group_by(Problem.case_id).subquery()
    )
    rows = (
        await session.execute(
            sa.select(Case, Region.code, sa.func.coalesce(problems.c.problems, 1))
            .join(Region, Region.id == Case.region_id)
            .outerjoin(problems, problems.c.case_id == Case.id)
            .where(
                Case.inspection_id.is_not(None),
                Case.status.not_in(_EXCLUDED),
                Case.created_at < period_end,
                sa.or_(Case.closed_at.is_(None), Case.closed_at >= period_start),
            )
        )
    ).all()
    return [
        CaseRecord(
            case_id=case.id,
            inspection=int(case.inspection_id or 0),
            region=code,
            inspector=case.inspector_id,
            received_at=case.registered_at,
            routed_at=case.created_at,
            first_action_at=case.first_action_at,
            answered_at=case.answered_at,
            answer_due=case.effective_answer_due,
            outcome=case.outcome.value if case.outcome else None,
            problems=int(count),
        )
        for case, code, count in rows
    ]


async def kpi_report(session: AsyncSession, start: date, end: date) -> KpiReport:
    staff_rows = (
        await session.execute(
            sa.select(Inspector.inspection_id, sa.func.count()).group_by(Inspector.inspection_id)
        )
    ).all()
    staff: dict[int | str, int] = {int(inspection): int(count) for inspection, count in staff_rows}
    region_staff = (
        await session.execute(
            sa.select(Region.code, sa.func.count(Inspector.id))
            .join(Inspection, Inspection.region_id == Region.id)
            .join(Inspector, Inspector.inspection_id == Inspection.id)
            .group_by(Region.code)
        )
    ).all()
    staff.update({code: int(count) for code, count in region_staff})
    return compute_kpi(await load_records(session, start, end), start, end, staff=staff)


def _metrics_dict(metrics: KpiMetrics, name: str | None) -> dict[str, Any]:
    data = asdict(metrics)
    data["name"] = name
    data["score_share"] = metrics.score_share
    return data


async def _names(session: AsyncSession, query: sa.Select[Any]) -> dict[Any, str]:
    return {key: str(name) for key, name in (await session.execute(query)).all()}


async def kpi_json(session: AsyncSession, start: date, end: date) -> dict[str, Any]:
    report = await kpi_report(session, start, end)
    inspections = await _names(session, sa.select(Inspection.id, Inspection.name))
    regions = await _names(session, sa.select(Region.code, Region.name))
    inspectors = await _names(
        session, sa.select(Inspector.id, User.full_name).join(User, User.id == Inspector.user_id)
    )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by_inspection": [_metrics_dict(m, inspections.get(k)) for k, m in report.by_inspection.items()],
        "by_region": [_metrics_dict(m, regions.get(k)) for k, m in report.by_region.items()],
        "by_inspector": [_metrics_dict(m, inspectors.get(k)) for k, m in report.by_inspector.items()],
        "best": [{"inspection_id": k, "name": inspections.get(k)} for k in report.best],
        "worst": [{"inspection_id": k, "name": inspections.get(k)} for k in report.worst],
    }

"""The supervisor's situational centre and the public open data: aggregates only, no personal data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.kpi_service import kpi_json
from portal.models import Case, Complaint, Employer, Problem, Region, Role
from portal.reference import category_name
from portal.routing_service import LEGAL_TIMEZONE, legal_date
from portal.states import OPEN_CASE_STATUSES, CaseStatus

RISK_ORDER = ("высокий", "значительный", "средний", "умеренный", "низкий")
# Open data: a cell describing fewer complaints than this is shown as suppressed, so that a rare
# category in a small region cannot point at one worker.
MIN_PUBLISHED_COUNT = 3


@dataclass(frozen=True)
class Scope:
    """Which region a viewer may see: None for all (analyst, admin), a region id for a supervisor."""

    region_id: int | None

    @classmethod
    async def for_viewer(cls, session: AsyncSession, role: Role, inspection_id: int | None) -> Scope:
        if role in (Role.ANALYST, Role.ADMIN):
            return cls(None)
        if role == Role.SUPERVISOR and inspection_id is not None:
            from portal.models import Inspection

            region_id = await session.scalar(
                sa.select(Inspection.region_id).where(Inspection.id == inspection_id)
            )
            return cls(region_id)
        raise PermissionError("the situational centre is for supervisors, analysts and admins")

    def cases(self, query: sa.Select[Any]) -> sa.Select[Any]:
        return query if self.region_id is None else query.where(Case.region_id == self.region_id)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LEGAL_TIMEZONE).astimezone(UTC)


async def _scalar(session: AsyncSession, query: sa.Select[Any]) -> int:
    return int(await session.scalar(query) or 0)


async def situation(session: AsyncSession, scope: Scope, today: date | None = None) -> dict[str, Any]:
    today = today or legal_date(datetime.now(UTC))
    since = _day_start(today)
    count_cases = sa.select(sa.func.count()).select_from(Case)
    received_today = sa.select(sa.func.count()).select_from(Complaint).where(Complaint.received_at >= since)
    if scope.region_id is not None:
        received_today = received_today.where(
            sa.or_(
                Complaint.stated_region_id == scope.region_id,
                Complaint.id.in_(
                    sa.select(Problem.complaint_id).join(Case).where(Case.region_id == scope.region_id)
                ),
            )
        )
    open_cases = scope.cases(count_cases.where(Case.status.in_(OPEN_CASE_STATUSES)))
    due = sa.func.coalesce(Case.extended_answer_due, Case.answer_due)
    by_category = (
        await session.execute(
            scope.cases(
                sa.select(Case.category, sa.func.count()).where(Case.status.in_(OPEN_CASE_STATUSES))
            ).group_by(Case.category)
        )
    ).all()
    by_region = (
        await session.execute(
            scope.cases(
                sa.select(Region.name, sa.func.count())
                .select_from(Case)
                .join(Region, Region.id == Case.region_id)
                .where(Case.status.in_(OPEN_CASE_STATUSES))
            ).group_by(Region.name)
        )
    ).all()
    risk_query = sa.select(Employer.risk_category, sa.func.count()).where(Employer.risk_category.is_not(None))
    if scope.region_id is not None:
        risk_query = risk_query.where(Employer.region_id == scope.region_id)
    risk = {
        name: int(n) for name, n in (await session.execute(risk_query.group_by(Employer.risk_category))).all()
    }
    riskiest_query = (
        sa.select(Employer.id, Employer.name, Employer.inn, Employer.risk_category, Employer.risk_factors)
        .where(Employer.risk_category.in_(RISK_ORDER[:2]))
        .limit(20)
    )
    if scope.region_id is not None:
        riskiest_query = riskiest_query.where(Employer.region_id == scope.region_id)
    kpi = await kpi_json(session, today - timedelta(days=30), today)
    return {
        "today": today.isoformat(),
        "received_today": await _scalar(session, received_today),
        "in_work": await _scalar(session, open_cases),
        "overdue": await _scalar(session, open_cases.where(due < today)),
        "urgent": await _scalar(session, open_cases.where(Case.urgent.is_(True))),
        "accidents": await _scalar(session, open_cases.where(Case.category == "workplace_accident")),
        "triage": await _scalar(session, scope.cases(count_cases.where(Case.status == CaseStatus.TRIAGE))),
        "by_category": sorted(
            ({"category": c, "name": category_name(c), "open": int(n)} for c, n in by_category),
            key=lambda row: -row["open"],
        ),
        "by_region": sorted(
            ({"region": r, "open": int(n)} for r, n in by_region), key=lambda row: -row["open"]
        ),
        "employers_by_risk": [{"category": name, "employers": risk.get(name, 0)} for name in RISK_ORDER],
        "riskiest_employers": [
            {"id": i, "name": n, "inn": inn, "risk_category": c, "score": (f or {}).get("score")}
            for i, n, inn, c, f in (await session.execute(riskiest_query)).all()
        ],
        "best_inspections": kpi["best"],
        "worst_inspections": kpi["worst"],
    }


async def open_data(session: AsyncSession) -> list[dict[str, Any]]:
    """Problems by month, region and category: the public statistics and open data set."""
    month = sa.func.substr(sa.cast(Complaint.received_at, sa.String), 1, 7)
    rows = (
        await session.execute(
            sa.select(month, Region.name, Problem.category, sa.func.count())
            .select_from(Problem)
            .join(Complaint, Complaint.id == Problem.complaint_id)
            .outerjoin(Case, Case.id == Problem.case_id)
            .outerjoin(Region, Region.id == Case.region_id)
            .group_by(month, Region.name, Problem.category)
            .order_by(month, Region.name, Problem.category)
        )
    ).all()
    return [
        {
            "month": m,
            "region": region or "не определён",
            "category": category,
            "category_name": category_name(category),
            "problems": int(count) if count >= MIN_PUBLISHED_COUNT else None,
        }
        for m, region, category, count in rows
    ]


def open_data_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["month", "region", "category", "category_name", "problems"])
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {**row, "problems": row["problems"] if row["problems"] is not None else f"<{MIN_PUBLISHED_COUNT}"}
        )
    return buffer.getvalue()

"""Applies routing decisions: jurisdiction, region and inspection, employer, de-duplication, inspector, terms.

`routing/` decides (pure functions with explanations); this module loads the data they need, applies the
decision in one transaction and records why in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal import audit
from portal.intake import queue_notification
from portal.models import (
    Case,
    Complaint,
    Employer,
    Inspection,
    Inspector,
    InspectorAbsence,
    Problem,
    Region,
    User,
    utcnow,
)
from portal.states import OPEN_CASE_STATUSES, CaseStatus, ComplaintStatus
from routing.assignment import Absence, InspectorCandidate, choose_inspector, is_mass_case, priority
from routing.deadlines import compute_deadlines
from routing.employer import (
    EmployerCandidate,
    EmployerRef,
    match_employer,
    normalise_employer_name,
    normalise_inn,
)
from routing.jurisdiction import decide_jurisdiction

# Terms are counted in the inspectorate's calendar days; Moscow time decides which day a complaint came.
LEGAL_TIMEZONE = ZoneInfo("Europe/Moscow")
JOIN_WINDOW = timedelta(days=90)


def legal_date(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TIMEZONE).date()


@dataclass(frozen=True)
class RoutingOutcome:
    complaint_status: ComplaintStatus
    case_ids: tuple[int, ...]
    redirected: tuple[str, ...]  # body codes


async def _region(session: AsyncSession, complaint: Complaint) -> Region | None:
    name = (complaint.facts or {}).get("region")
    if name:
        found = await session.scalar(sa.select(Region).where(Region.name == name))
        if found is not None:
            return found
    if complaint.stated_region_id is not None:
        return await session.get(Region, complaint.stated_region_id)
    return None


def _employer_candidate(complaint: Complaint, region: Region | None) -> EmployerCandidate | None:
    facts = complaint.facts or {}
    inns = facts.get("inns") or []
    organizations = facts.get("organizations") or []
    name = complaint.stated_employer_name or (organizations[0] if organizations else "")
    inn = complaint.stated_employer_inn or (inns[0] if inns else None)
    if not name and not inn:
        return None
    return EmployerCandidate(name=name or f"ИНН {inn}", inn=inn, region=region.id if region else None)


def _lock_key(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


async def _serialise_on(session: AsyncSession, key: str) -> None:
    """Two workers routing the same employer at once must see each other's case: take a transaction lock.

    PostgreSQL: an advisory lock held to the end of the transaction. SQLite runs one writer at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(key))))


async def resolve_employer(session: AsyncSession, candidate: EmployerCandidate) -> tuple[Employer, str]:
    name = normalise_employer_name(candidate.name)
    inn = normalise_inn(candidate.inn)
    await _serialise_on(session, f"employer:{inn or ''}:{candidate.region}:{name}")
    conditions = [sa.and_(Employer.region_id == candidate.region, Employer.normalised_name == name)]
    if inn:
        conditions.append(Employer.inn == inn)
    rows = (await session.scalars(sa.select(Employer).where(sa.or_(*conditions)))).all()
    match = match_employer(
        candidate, [EmployerRef(id=e.id, name=e.name, inn=e.inn, region=e.region_id) for e in rows]
    )
    if match.employer_id is not None:
        employer = next(e for e in rows if e.id == match.employer_id)
        if inn and not employer.inn:
            employer.inn = inn  # the first complaint named it without an INN
        return employer, match.explanation_ru
    employer = Employer(
        inn=inn, name=candidate.name.strip()[:300], normalised_name=name, region_id=candidate.region
    )
    session.add(employer)
    await session.flush()
    return employer, match.explanation_ru


async def _candidates(session: AsyncSession, inspection_id: int) -> list[InspectorCandidate]:
    open_counts = (
        sa.select(Case.inspector_id, sa.func.count().label("open"))
        .where(Case.status.in_(OPEN_CASE_STATUSES), Case.inspector_id.is_not(None))
        .group_by(Case.inspector_id)
        .subquery()
    )
    rows = (
        await session.execute(
            sa.select(Inspector, sa.func.coalesce(open_counts.c.open, 0), User.full_name)
            .join(User, User.id == Inspector.user_id)
            .outerjoin(open_counts, open_counts.c.inspector_id == Inspector.id)
            .where(Inspector.inspection_id == inspection_id)
        )
    ).all()
    absences = (
        await session.scalars(
            sa.select(InspectorAbsence).where(InspectorAbsence.inspector_id.in_([r[0].id for r in rows]))
        )
    ).all()
    return [
        InspectorCandidate(
            id=inspector.id,
            specialisations=frozenset(inspector.specialisations or ()),
            capacity=inspector.capacity,
            open_cases=int(open_cases),
            absences=tuple(
                Absence(a.starts_on, a.ends_on) for a in absences if a.inspector_id == inspector.id
            ),
            name=full_name,
        )
        for inspector, open_cases, full_name in rows
    ]


async def _complainants(session: AsyncSession, case_id: int) -> int:
    return int(
        await session.scalar(
            sa.select(sa.func.count(sa.distinct(Problem.complaint_id))).where(Problem.case_id == case_id)
        )
        or 0
    )


async def _open_case_to_join(session: AsyncSession, employer: Employer, category: str) -> Case | None:
    return await session.scalar(
        sa.select(Case)
        .where(
            Case.employer_id == employer.id,
            Case.category == category,
            Case.status.in_(OPEN_CASE_STATUSES),
            Case.created_at >= utcnow() - JOIN_WINDOW,
        )
        .order_by(Case.created_at)
        .limit(1)
    )


async def _new_case(
    session: AsyncSession,
    complaint: Complaint,
    problem: Problem,
    region: Region | None,
    employer: Employer | None,
    urgent: bool,
    workers: int | None,
) -> Case:
    registered = complaint.registered_at or complaint.received_at
    terms = compute_deadlines(legal_date(registered), region.name if region else None)
    mass = is_mass_case(1, workers)
    inspection = (
        await session.scalar(sa.select(Inspection).where(Inspection.region_id == region.id))
        if region
        else None
    )
    case = Case(
        number=f"tmp-{secrets.token_hex(6)}",
        category=problem.category,
        status=CaseStatus.TRIAGE,
        employer_id=employer.id if employer else None,
        region_id=region.id if region else None,
        inspection_id=inspection.id if inspection else None,
        urgent=urgent,
        mass=mass,
        workers_affected=workers,
        registered_at=registered,
        answer_due=terms.answer_due,
        redirect_due=terms.redirect_due,
        interim_answer_due=terms.interim_answer_due,
        priority=priority(urgent, mass, terms.answer_due, legal_date(utcnow())),
    )
    session.add(case)
    await session.flush()
    case.number = f"{region.code if region else '00'}-{case.id:07d}"
    await audit.record(
        session,
        "created",
        audit.SYSTEM,
        case=case,
        to_status=CaseStatus.TRIAGE.value,
        category=problem.category,
        deadlines=terms.as_dict(),
        calendar_warnings=list(terms.warnings),
    )
    if inspection is None:
        case.assignment = {
            "to_triage": True,
            "explanation_ru": "Регион не определён: нужна ручная маршрутизация.",
        }
        await audit.record(session, "triage", audit.SYSTEM, case=case, reason="no_region")
        return case
    decision = choose_inspector(
        problem.category, urgent, await _candidates(session, inspection.id), legal_date(utcnow())
    )
    case.assignment = decision.as_dict()
    if decision.inspector_id is not None:
        case.inspector_id = decision.inspector_id
        await audit.set_case_status(
            session,
            case,
            CaseStatus.NEW,
            audit.SYSTEM,
            inspector_id=decision.inspector_id,
            explanation=decision.explanation_ru,
        )
    else:
        await audit.record(session, "triage", audit.SYSTEM, case=case, reason=decision.explanation_ru)
    return case


async def _join(
    session: AsyncSession, case: Case, problem: Problem, urgent: bool, workers: int | None
) -> None:
    problem.case_id = case.id
    await session.flush()
    complainants = await _complainants(session, case.id)
    case.workers_affected = max(filter(None, [case.workers_affected, workers]), default=None)
    case.urgent = case.urgent or urgent
    case.mass = is_mass_case(complainants, case.workers_affected)
    case.priority = priority(case.urgent, case.mass, case.effective_answer_due, legal_date(utcnow()))
    await audit.record(
        session,
        "joined",
        audit.SYSTEM,
        case=case,
        problem_id=problem.id,
        complainants=complainants,
        mass=case.mass,
    )


async def route_complaint(session: AsyncSession, complaint: Complaint) -> RoutingOutcome:
    """Route every problem of an analysed complaint; the caller owns the transaction."""
    region = await _region(session, complaint)
    candidate = _employer_candidate(complaint, region)
    employer: Employer | None = None
    if candidate is not None:
        employer, why = await resolve_employer(session, candidate)
        await audit.record(
            session, "employer", audit.SYSTEM, complaint=complaint, employer_id=employer.id, why=why
        )
    workers = (complaint.facts or {}).get("workers_affected")
    cases: dict[int, Case] = {}
    redirected: list[str] = []
    notices: list[dict[str, Any]] = []
    in_triage = False
    # an urgent complaint read wholly as out_of_scope (a passer-by's report of a danger) is looked at by an
    # inspector; beside a labour problem the urgent case is that problem's and the rest is redirected as usual
    urgent_out_of_scope = complaint.urgent and all(p.category == "out_of_scope" for p in complaint.problems)
    for problem in complaint.problems:
        decision = decide_jurisdiction(
            problem.category,
            problem.text,
            complaint.facts or {},
            doubtful=problem.needs_review,
            urgent=urgent_out_of_scope,
        )
        problem.jurisdiction = decision.as_dict()
        if decision.action == "redirect":
            redirected.append(decision.body)
            notices.append({"category": problem.category, "redirect": decision.reason_ru})
            await audit.record(
                session,
                "redirect_decided",
                audit.SYSTEM,
                complaint=complaint,
                problem_id=problem.id,
                body=decision.body,
                reason=decision.reason_ru,
            )
            continue
        urgent = complaint.urgent
        case = await _open_case_to_join(session, employer, problem.category) if employer else None
        if case is not None:
            await _join(session, case, problem, urgent, workers)
        else:
            case = await _new_case(session, complaint, problem, region, employer, urgent, workers)
            problem.case_id = case.id
        in_triage = in_triage or case.status == CaseStatus.TRIAGE
        cases[case.id] = case
        notices.append({"category": problem.category, "case_id": case.id})

    if not cases:
        target = ComplaintStatus.REDIRECTED
    elif in_triage:
        target = ComplaintStatus.TRIAGE
    else:
        target = ComplaintStatus.ROUTED
    complaint.routed_at = utcnow()
    await audit.set_complaint_status(
        session, complaint, target, audit.SYSTEM, cases=list(cases), redirected=redirected
    )
    inspection_names: dict[int, str] = {
        row.id: row.name
        for row in (
            await session.execute(
                sa.select(Case.id, Inspection.name).join(Inspection).where(Case.id.in_(cases))
            )
        ).all()
    }
    for notice in notices:
        case = cases.get(notice.pop("case_id", None))
        if case is not None:
            notice["inspection"] = inspection_names.get(case.id)
            notice["answer_due"] = (
                case.effective_answer_due.isoformat() if case.effective_answer_due else None
            )
    template = "redirected" if target == ComplaintStatus.REDIRECTED else "routed"
    await queue_notification(
        session, complaint, template, {"tracking_number": complaint.tracking_number, "problems": notices}
    )
    return RoutingOutcome(target, tuple(cases), tuple(redirected))

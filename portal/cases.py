"""Case actions of inspectors and supervisors: each goes through the state machine and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from portal import audit
from portal.intake import queue_notification
from portal.models import Case, CaseOutcome, Complaint, Inspector, Problem, Region, Role, utcnow
from portal.risk_service import recompute_employer_risk
from portal.routing_service import legal_date
from portal.states import CaseStatus, ComplaintStatus
from routing.deadlines import compute_deadlines

MAX_TEXT = 20_000
FINAL_CASE_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REDIRECTED, CaseStatus.MERGED})


class CaseActionError(ValueError):
    """An action that cannot be done now; the message is shown to the inspector (Russian)."""


class CaseNotFound(CaseActionError):
    """No case with this id."""


class CaseAccessDenied(PermissionError):
    """The user may not act on this case."""


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    inspection_id: int | None
    inspector_id: int | None = None

    @property
    def audit_name(self) -> str:
        return audit.actor_for_user(self.user_id)


def can_view(actor: Actor, case: Case) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role in (Role.INSPECTOR, Role.SUPERVISOR):
        return case.inspection_id is not None and case.inspection_id == actor.inspection_id
    return False  # analysts see aggregates only; employers never see cases


def require_worker(
    actor: Actor,
    case: Case,
    refusal: str = "Действовать по делу может только назначенный инспектор или руководитель.",
) -> None:
    """The assigned inspector, the head of the case's inspection, or an admin may act."""
    if not can_view(actor, case):
        raise CaseAccessDenied("Нет доступа к этому делу.")
    if actor.role == Role.INSPECTOR and case.inspector_id != actor.inspector_id:
        raise CaseAccessDenied(refusal)


def _require_supervisor(actor: Actor, case: Case) -> None:
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN) or not can_view(actor, case):
        raise CaseAccessDenied("Это действие доступно руководителю инспекции.")


def _text(value: str | None, what: str, minimum: int = 10) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise CaseActionError(f"Заполните поле «{what}» (не менее {minimum} символов).")
    if len(value) > MAX_TEXT:
        raise CaseActionError(f"Поле «{what}» слишком длинное (до {MAX_TEXT} символов).")
    return value


async def load_case(session: AsyncSession, case_id: int) -> Case:
    case = await session.scalar(
        sa.select(Case).where(Case.id == case_id).options(selectinload(Case.problems)).with_for_update()
    )
    if case is None:
        raise CaseNotFound("Дело не найдено.")
    return case


async def _complaints(session: AsyncSession, case: Case) -> list[Complaint]:
    ids = {p.complaint_id for p in case.problems}
    return list((await session.scalars(sa.select(Complaint).where(Complaint.id.in_(ids)))).all())


async def _notify_all(
    session: AsyncSession, case: Case, template: str, context: dict[str, Any], key: str
) -> None:
    """Every complainant of the case gets their own notice."""
    for complaint in await _complaints(session, case):
        await queue_notification(
            session,
            complaint,
            template,
            {"tracking_number": complaint.tracking_number, "case_number": case.number, **context},
            key=f"{case.id}:{key}",
        )


def _first_action(case: Case) -> None:
    if case.first_action_at is None:
        case.first_action_at = utcnow()


async def accept(session: AsyncSession, actor: Actor, case: Case) -> None:
    require_worker(actor, case)
    _first_action(case)
    await audit.set_case_status(session, case, CaseStatus.IN_PROGRESS, actor.audit_name)


async def request_information(session: AsyncSession, actor: Actor, case: Case, question: str) -> None:
    require_worker(actor, case)
    question = _text(question, "Какая информация нужна")
    _first_action(case)
    await audit.set_case_status(session, case, CaseStatus.AWAITING_INFO, actor.audit_name, question=question)
    await _notify_all(session, case, "information_requested", {"question": question}, f"info:{utcnow():%s}")


async def information_received(session: AsyncSession, actor: Actor, case: Case, note: str = "") -> None:
    require_worker(actor, case)
    await audit.set_case_status(session, case, CaseStatus.IN_PROGRESS, actor.audit_name, note=note[:2000])


async def interim_answer(session: AsyncSession, actor: Actor, case: Case, text: str) -> None:
    require_worker(actor, case)
    if case.status in FINAL_CASE_STATUSES or case.status == CaseStatus.TRIAGE:
        raise CaseActionError("Промежуточный ответ можно дать только по делу в работе.")
    text = _text(text, "Текст промежуточного ответа")
    _first_action(case)
    await audit.record(session, "interim_answer", actor.audit_name, case=case, text=text)
    await _notify_all(session, case, "interim_answer", {"text": text}, "interim")


async def extend(session: AsyncSession, actor: Actor, case: Case, reason: str) -> None:
    """59-ФЗ ст. 12 ч. 2: one extension by up to 30 days, with a reason and a notice to the citizen."""
    require_worker(actor, case)
    if case.status not in (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_INFO):
        raise CaseActionError("Продлить можно только дело в работе.")
    if case.extended_answer_due is not None:
        raise CaseActionError("Срок уже продлевался: закон допускает одно продление.")
    reason = _text(reason, "Причина продления")
    region = await session.get(Region, case.region_id) if case.region_id else None
    terms = compute_deadlines(legal_date(case.registered_at), region.name if region else None)
    case.extended_answer_due = terms.extended_answer_due
    case.extension_reason = reason
    _first_action(case)
    await audit.record(
        session,
        "extended",
        actor.audit_name,
        case=case,
        reason=reason,
        new_due=terms.extended_answer_due.isoformat(),
    )
    await _notify_all(
        session,
        case,
        "extended",
        {"reason": reason, "new_due": terms.extended_answer_due.isoformat()},
        "extended",
    )


async def redirect(session: AsyncSession, actor: Actor, case: Case, body: str, reason: str) -> None:
    require_worker(actor, case)
    body = _text(body, "Куда перенаправить", minimum=3)[:200]
    reason = _text(reason, "Причина")
    case.redirected_to = body
    await audit.set_case_status(
        session, case, CaseStatus.REDIRECTED, actor.audit_name, body=body, reason=reason
    )
    await _notify_all(session, case, "redirected_by_inspector", {"body": body, "reason": reason}, "redirect")
    await _settle_complaints(session, case, actor)


async def merge(session: AsyncSession, actor: Actor, case: Case, into: Case) -> None:
    _require_supervisor(actor, case)
    if into.id == case.id or into.status in FINAL_CASE_STATUSES:
        raise CaseActionError("Объединять можно только с другим открытым делом.")
    if into.inspection_id != case.inspection_id:
        raise CaseActionError("Объединять можно только дела одной инспекции.")
    for problem in list(case.problems):
        problem.case_id = into.id
    case.merged_into_id = into.id
    await audit.set_case_status(session, case, CaseStatus.MERGED, actor.audit_name, into=into.id)
    await audit.record(session, "merged_in", actor.audit_name, case=into, source=case.id)


async def reassign(session: AsyncSession, actor: Actor, case: Case, inspector_id: int, reason: str) -> None:
    _require_supervisor(actor, case)
    reason = _text(reason, "Причина переназначения", minimum=5)
    inspector = await session.get(Inspector, inspector_id)
    if inspector is None or inspector.inspection_id != case.inspection_id:
        raise CaseActionError("Выберите инспектора этой инспекции.")
    previous = case.inspector_id
    case.inspector_id = inspector_id
    if case.status == CaseStatus.TRIAGE:
        await audit.set_case_status(
            session, case, CaseStatus.NEW, actor.audit_name, inspector_id=inspector_id
        )
    await audit.record(
        session,
        "reassigned",
        actor.audit_name,
        case=case,
        previous=previous,
        inspector_id=inspector_id,
        reason=reason,
    )


async def close(session: AsyncSession, actor: Actor, case: Case, outcome: CaseOutcome, answer: str) -> None:
    require_worker(actor, case)
    answer = _text(answer, "Ответ заявителю", minimum=20)
    case.outcome = outcome
    case.answer_text = answer
    case.answered_at = case.closed_at = utcnow()
    _first_action(case)
    await audit.set_case_status(session, case, CaseStatus.CLOSED, actor.audit_name, outcome=outcome.value)
    await _notify_all(session, case, "final_answer", {"answer": answer, "outcome": outcome.value}, "final")
    await _settle_complaints(session, case, actor)
    if case.employer_id is not None:
        await session.flush()
        assessment = await recompute_employer_risk(session, case.employer_id, legal_date(utcnow()))
        await audit.record(
            session,
            "risk_recomputed",
            actor.audit_name,
            case=case,
            employer_id=case.employer_id,
            category=assessment.category,
        )


async def _settle_complaints(session: AsyncSession, case: Case, actor: Actor) -> None:
    """A complaint is answered when every one of its problems has a final answer or was redirected."""
    for complaint in await _complaints(session, case):
        if complaint.status != ComplaintStatus.ROUTED:
            continue
        statuses = (
            await session.execute(
                sa.select(Problem.id, Case.status).outerjoin(Case).where(Problem.complaint_id == complaint.id)
            )
        ).all()
        if all(status is None or status in FINAL_CASE_STATUSES for _, status in statuses):
            await audit.set_complaint_status(session, complaint, ComplaintStatus.ANSWERED, actor.audit_name)

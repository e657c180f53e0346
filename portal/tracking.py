"""What a complainant sees when following a complaint: statuses, terms and a timeline in plain Russian."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from portal.models import Case, CaseEvent, Complaint, Inspection, Problem
from portal.reference import category_name

COMPLAINT_STATUS_RU = {
    "received": "Получено",
    "registered": "Зарегистрировано",
    "analysed": "Проверяется, к кому направить",
    "triage": "Направляется в инспекцию вручную",
    "routed": "Передано в инспекцию",
    "redirected": "Перенаправлено по компетенции",
    "answered": "Дан ответ",
    "rejected": "Не может быть рассмотрено",
    "closed": "Закрыто",
}

CASE_STATUS_RU = {
    "triage": "Определяется инспекция",
    "new": "Назначен инспектор",
    "in_progress": "Рассматривается",
    "awaiting_info": "Запрошена информация",
    "redirected": "Перенаправлено",
    "merged": "Рассматривается вместе с другим обращением",
    "closed": "Дан ответ",
}

# Public wording of audit events; events not listed here are internal and not shown to the citizen.
EVENT_RU = {
    ("received", None): "Обращение получено",
    ("status", "registered"): "Обращение зарегистрировано",
    ("status", "analysed"): "Обращение разобрано по вопросам",
    ("status", "routed"): "Обращение передано в инспекцию труда",
    ("status", "triage"): "Инспекция для обращения определяется вручную",
    ("status", "redirected"): "Обращение перенаправлено по компетенции",
    ("status", "answered"): "Дан ответ на обращение",
    ("status", "rejected"): "Обращение не может быть рассмотрено",
    ("status", "in_progress"): "Инспектор приступил к рассмотрению",
    ("status", "awaiting_info"): "Инспектор запросил дополнительную информацию",
    ("status", "closed"): "Рассмотрение завершено",
    ("interim_answer", None): "Направлен промежуточный ответ",
    ("extended", None): "Срок рассмотрения продлён",
}


def problem_status(problem: Problem) -> str:
    if problem.case is not None:
        return problem.case.status.value
    if problem.jurisdiction.get("action") == "redirect":
        return "redirected"
    return "analysed"


async def public_view(session: AsyncSession, complaint: Complaint) -> dict[str, Any]:
    problems = (
        await session.scalars(
            sa.select(Problem)
            .where(Problem.complaint_id == complaint.id)
            .options(selectinload(Problem.case).selectinload(Case.inspection.of_type(Inspection)))
            .order_by(Problem.position)
        )
    ).all()
    case_ids = {p.case_id for p in problems if p.case_id is not None}
    events = (
        await session.scalars(
            sa.select(CaseEvent)
            .where(sa.or_(CaseEvent.complaint_id == complaint.id, CaseEvent.case_id.in_(case_ids)))
            .order_by(CaseEvent.created_at, CaseEvent.id)
        )
    ).all()
    timeline = []
    for event in events:
        text = EVENT_RU.get((event.kind, event.to_status)) or EVENT_RU.get((event.kind, None))
        if text:
            timeline.append({"at": event.created_at.isoformat(), "event": text})
    return {
        "tracking_number": complaint.tracking_number,
        "status": complaint.status.value,
        "status_text": COMPLAINT_STATUS_RU[complaint.status.value],
        "received_at": complaint.received_at.isoformat(),
        "problems": [
            {
                "category": p.category,
                "category_name": category_name(p.category),
                "status": problem_status(p),
                "status_text": CASE_STATUS_RU.get(
                    problem_status(p), COMPLAINT_STATUS_RU.get(problem_status(p), "")
                ),
                "inspection": p.case.inspection.name if p.case and p.case.inspection else None,
                "answer_due": p.case.effective_answer_due.isoformat()
                if p.case and p.case.effective_answer_due
                else None,
                "urgent": bool(p.case.urgent) if p.case else False,
                "redirected_to": (p.case.redirected_to if p.case else None)
                or (p.jurisdiction.get("body") if p.jurisdiction.get("action") == "redirect" else None),
                "answer": p.case.answer_text if p.case and p.case.answer_text else None,
            }
            for p in problems
        ],
        "timeline": timeline,
    }

"""Read-side queries for staff pages (queue, case page) and the one write they add: category correction.

Access rules live in one place here (`visible_cases`): an inspector sees their inspection's cases (the queue
shows their own), a supervisor their inspection's (= their region's), an admin everything, an analyst none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from portal import audit
from portal.cases import Actor, CaseAccessDenied, CaseActionError, CaseNotFound, can_view, require_worker
from portal.models import Case, CaseEvent, CaseOutcome, Complaint, Inspection, Inspector, Problem, Role, User
from portal.reference import category_codes, category_name, taxonomy
from portal.routing_service import LEGAL_TIMEZONE
from portal.states import OPEN_CASE_STATUSES, CaseStatus
from portal.tracking import CASE_STATUS_RU, COMPLAINT_STATUS_RU

PAGE_SIZE = 50

OUTCOME_RU = {
    CaseOutcome.VIOLATION_CONFIRMED.value: "Нарушение подтвердилось",
    CaseOutcome.NOT_CONFIRMED.value: "Нарушение не подтвердилось",
    CaseOutcome.EXPLAINED.value: "Даны разъяснения",
}

# Starting points for the answer; the inspector edits them before sending.
ANSWER_TEMPLATES = {
    CaseOutcome.VIOLATION_CONFIRMED.value: (
        "Ваше обращение рассмотрено. Нарушение трудового законодательства подтвердилось. "
        "Работодателю выдано предписание устранить нарушение, виновные привлечены к ответственности. "
        "Если нарушение не будет устранено, сообщите нам, указав номер обращения."
    ),
    CaseOutcome.NOT_CONFIRMED.value: (
        "Ваше обращение рассмотрено. В ходе проверки изложенные факты не подтвердились. "
        "Если у вас есть документы, которые подтверждают нарушение, вы можете обратиться повторно "
        "или в суд (ст. 391, 392 ТК РФ)."
    ),
    CaseOutcome.EXPLAINED.value: (
        "Ваше обращение рассмотрено. Разъясняем: "
        "(укажите норму Трудового кодекса и порядок действий работника)."
    ),
}

EVENT_STAFF_RU = {
    "received": "Обращение получено",
    "status": "Смена статуса",
    "interim_answer": "Промежуточный ответ",
    "extended": "Срок продлён",
    "merged_in": "Присоединено дело",
    "reassigned": "Переназначено",
    "category_corrected": "Исправлена категория",
    "risk_recomputed": "Пересчитан риск работодателя",
    "routed": "Маршрутизация",
    "escalated": "Эскалация",
    "reminder": "Напоминание о сроке",
    "created": "Заведено дело",
    "employer": "Работодатель найден в реестре",
    "joined": "Присоединена жалоба другого заявителя",
    "redirect_decided": "Вопрос решено перенаправить по компетенции",
    "facts_corrected": "Исправлены сведения",
    "subscribed": "Заявитель подписался на уведомления",
    "triage": "Нужно определить инспекцию вручную",
}

FACT_LABELS = {
    "organizations": "организация",
    "inns": "ИНН",
    "ogrns": "ОГРН",
    "persons": "человек",
    "locations": "место",
    "dates": "дата",
    "phones": "телефон",
    "emails": "e-mail",
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""  # "" = open cases, "all", or a CaseStatus value
    category: str = ""
    overdue: bool = False
    page: int = 1


async def actor_for(session: AsyncSession, user_id: int, role: Role, inspection_id: int | None) -> Actor:
    """The service-layer actor of a signed-in user, with their inspector id when they are one."""
    inspector_id = await session.scalar(sa.select(Inspector.id).where(Inspector.user_id == user_id))
    return Actor(user_id=user_id, role=role, inspection_id=inspection_id, inspector_id=inspector_id)


def visible_cases(actor: Actor, query: sa.Select[Any]) -> sa.Select[Any]:
    """Restrict a case query to what the actor may see (mirrors portal.cases.can_view)."""
    if actor.role == Role.ADMIN:
        return query
    if actor.role in (Role.INSPECTOR, Role.SUPERVISOR) and actor.inspection_id is not None:
        return query.where(Case.inspection_id == actor.inspection_id)
    return query.where(sa.false())


def _due() -> Any:
    return sa.func.coalesce(Case.extended_answer_due, Case.answer_due)


async def queue(session: AsyncSession, actor: Actor, filters: QueueFilters, today: date) -> dict[str, Any]:
    """The work queue: an inspector's own cases, a supervisor's inspection; urgent, then by deadline."""
    due = _due().label("due")
    query = (
        sa.select(
            Case.id,
            Case.number,
            Case.category,
            Case.status,
            Case.priority,
            Case.urgent,
            Case.mass,
            Case.registered_at,
            due,
            User.full_name,
        )
        .select_from(Case)
        .outerjoin(Inspector, Inspector.id == Case.inspector_id)
        .outerjoin(User, User.id == Inspector.user_id)
    )
    query = visible_cases(actor, query)
    if actor.role == Role.INSPECTOR:
        query = query.where(Case.inspector_id == (actor.inspector_id or -1))
    if filters.status == "all":
        pass
    elif filters.status in {s.value for s in CaseStatus}:
        query = query.where(Case.status == CaseStatus(filters.status))
    else:
        query = query.where(Case.status.in_(OPEN_CASE_STATUSES))
    if filters.category in category_codes():
        query = query.where(Case.category == filters.category)
    if filters.overdue:
        query = query.where(_due() < today, Case.status.in_(OPEN_CASE_STATUSES))
    page = max(1, filters.page)
    rows = (
        await session.execute(
            query.order_by(Case.urgent.desc(), _due().asc().nulls_last(), Case.priority.desc(), Case.id)
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    ).all()
    items = []
    for row in rows[:PAGE_SIZE]:
        is_open = row.status in OPEN_CASE_STATUSES
        items.append(
            {
                "id": row.id,
                "number": row.number,
                "category": row.category,
                "category_name": category_name(row.category),
                "status": row.status.value,
                "status_text": CASE_STATUS_RU.get(row.status.value, row.status.value),
                "priority": row.priority,
                "urgent": row.urgent,
                "mass": row.mass,
                "registered_at": row.registered_at,
                "due": row.due,
                "days_left": (row.due - today).days if row.due else None,
                "overdue": bool(is_open and row.due and row.due < today),
                "inspector": row.full_name,
            }
        )
    return {"items": items, "page": page, "has_next": len(rows) > PAGE_SIZE}


def highlight(text: str, problems: list[dict[str, Any]], facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Split the original text into segments marked with their problem (by offsets) and the facts in them."""
    length = len(text)
    marks: list[dict[str, Any] | None] = [None] * length
    for index, problem in enumerate(problems):
        start, end = max(0, int(problem["start"])), min(length, int(problem["end"]))
        for position in range(start, end):
            marks[position] = {"problem": index + 1, "category_name": problem["category_name"]}
    facts_at: list[str | None] = [None] * length
    for fact_key, label in FACT_LABELS.items():
        for raw in facts.get(fact_key) or []:
            value = str(raw).strip()
            if len(value) < 2:
                continue
            for match in re.finditer(re.escape(value), text):
                for position in range(match.start(), match.end()):
                    facts_at[position] = label
    segments: list[dict[str, Any]] = []
    for position, char in enumerate(text):
        mark = marks[position]
        key = (mark["problem"] if mark else None, facts_at[position])
        if segments and segments[-1]["key"] == key:
            segments[-1]["text"] += char
            continue
        segments.append(
            {
                "key": key,
                "text": char,
                "problem": key[0],
                "category_name": mark["category_name"] if mark else None,
                "fact": key[1],
            }
        )
    return segments


def _event_text(event: CaseEvent) -> str:
    base = EVENT_STAFF_RU.get(event.kind, event.kind)
    if event.kind == "status" and event.to_status:
        if event.case_id is None:  # the complaint's own status, not the case's
            return f"Обращение: {COMPLAINT_STATUS_RU.get(event.to_status, event.to_status).lower()}"
        return f"{base}: {CASE_STATUS_RU.get(event.to_status, event.to_status)}"
    return base


def _event_details(event: CaseEvent) -> str:
    """The human part of an event's data (questions, reasons, answers); never contact details."""
    parts = []
    for key in ("question", "reason", "text", "note", "body", "outcome", "from", "to", "new_due"):
        value = (event.data or {}).get(key)
        if value:
            parts.append(OUTCOME_RU.get(str(value), str(value)))
    return " — ".join(parts)[:1000]


async def case_detail(session: AsyncSession, actor: Actor, case_id: int, today: date) -> dict[str, Any]:
    case = await session.scalar(
        sa.select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.problems),
            selectinload(Case.inspection.of_type(Inspection)),
            selectinload(Case.inspector).selectinload(Inspector.user),
            selectinload(Case.employer),
        )
    )
    if case is None:
        raise CaseNotFound("Дело не найдено.")
    if not can_view(actor, case):
        raise CaseAccessDenied("Нет доступа к этому делу.")
    complaint_ids = sorted({p.complaint_id for p in case.problems})
    complaints = (
        await session.scalars(
            sa.select(Complaint)
            .where(Complaint.id.in_(complaint_ids))
            .options(selectinload(Complaint.problems), selectinload(Complaint.attachments))
        )
    ).all()
    own_problem_ids = {p.id for p in case.problems}
    complaint_views = []
    for complaint in complaints:
        problems = [
            {
                "id": p.id,
                "start": p.start,
                "end": p.end,
                "category": p.category,
                "category_name": category_name(p.category),
                "confidence": p.confidence,
                "needs_review": p.needs_review,
                "in_this_case": p.id in own_problem_ids,
                "evidence": p.evidence,
            }
            for p in complaint.problems
        ]
        complaint_views.append(
            {
                "id": complaint.id,
                "tracking_number": complaint.tracking_number,
                "received_at": complaint.received_at.astimezone(LEGAL_TIMEZONE),
                "channel": complaint.channel.value,
                "segments": highlight(complaint.text, problems, complaint.facts or {}),
                "problems": problems,
                "facts": {
                    FACT_LABELS[k]: v for k, v in (complaint.facts or {}).items() if k in FACT_LABELS and v
                },
                "confidential": complaint.confidential,
                # ТК РФ ст. 358: who complained is not shown when the complainant asked to keep it secret.
                "contact": None
                if complaint.confidential
                else {
                    "name": complaint.contact_name,
                    "email": complaint.contact_email,
                    "phone": complaint.contact_phone,
                },
                "raw_facts": editable_facts(complaint.facts or {}),
                "employer_name": complaint.stated_employer_name,
                "employer_inn": complaint.stated_employer_inn,
                "attachments": [
                    {"name": a.display_name, "size": a.size, "type": a.content_type}
                    for a in complaint.attachments
                ],
            }
        )
    events = (
        await session.scalars(
            sa.select(CaseEvent)
            .where(sa.or_(CaseEvent.case_id == case.id, CaseEvent.complaint_id.in_(complaint_ids)))
            .order_by(CaseEvent.created_at, CaseEvent.id)
        )
    ).all()
    inspectors = []
    if actor.role in (Role.SUPERVISOR, Role.ADMIN) and case.inspection_id is not None:
        inspectors = [
            {"id": i, "name": n}
            for i, n in (
                await session.execute(
                    sa.select(Inspector.id, User.full_name)
                    .join(User, User.id == Inspector.user_id)
                    .where(Inspector.inspection_id == case.inspection_id, User.is_active.is_(True))
                    .order_by(User.full_name)
                )
            ).all()
        ]
    due = case.effective_answer_due
    is_open = case.status in OPEN_CASE_STATUSES
    similar = await similar_cases(session, actor, case, complaints)
    may_act = (
        actor.role == Role.ADMIN
        or actor.role == Role.SUPERVISOR
        or (actor.role == Role.INSPECTOR and case.inspector_id == actor.inspector_id)
    )
    return {
        "case": case,
        "id": case.id,
        "number": case.number,
        "status": case.status.value,
        "status_text": CASE_STATUS_RU.get(case.status.value, case.status.value),
        "category": case.category,
        "category_name": category_name(case.category),
        "categories": [{"code": c.code, "name": c.name} for c in taxonomy()],
        "inspection": case.inspection.name if case.inspection else None,
        "inspector": case.inspector.user.full_name if case.inspector else None,
        "employer": {
            "name": case.employer.name,
            "inn": case.employer.inn,
            "risk": case.employer.risk_category,
        }
        if case.employer
        else None,
        "due": due,
        "days_left": (due - today).days if due else None,
        "overdue": bool(is_open and due and due < today),
        "interim_due": case.interim_answer_due,
        "extended": case.extended_answer_due is not None,
        "urgent": case.urgent,
        "mass": case.mass,
        "priority": case.priority,
        "is_open": is_open,
        "may_act": may_act and is_open,
        "may_supervise": actor.role in (Role.SUPERVISOR, Role.ADMIN) and is_open,
        "assignment": case.assignment or {},
        "outcome": OUTCOME_RU.get(case.outcome.value) if case.outcome else None,
        "answer_text": case.answer_text,
        "complaints": complaint_views,
        "timeline": [
            {
                "at": e.created_at.astimezone(LEGAL_TIMEZONE),
                "text": _event_text(e),
                "details": _event_details(e),
                "actor": e.actor,
            }
            for e in events
        ],
        "inspectors": inspectors,
        "similar": similar,
        "outcomes": OUTCOME_RU,
        "answer_templates": ANSWER_TEMPLATES,
    }


async def similar_cases(
    session: AsyncSession, actor: Actor, case: Case, complaints: Any, limit: int = 5
) -> list[dict[str, Any]]:
    """Other cases about the same employer (registry id or the INN complainants gave): merge candidates."""
    inns = {c.stated_employer_inn for c in complaints if c.stated_employer_inn}
    conditions = []
    if case.employer_id is not None:
        conditions.append(Case.employer_id == case.employer_id)
    if inns:
        conditions.append(
            Case.id.in_(
                sa.select(Problem.case_id)
                .join(Complaint, Complaint.id == Problem.complaint_id)
                .where(Complaint.stated_employer_inn.in_(inns))
            )
        )
    if not conditions:
        return []
    rows = (
        await session.execute(
            visible_cases(
                actor,
                sa.select(Case.id, Case.number, Case.category, Case.status)
                .where(sa.or_(*conditions), Case.id != case.id)
                .order_by(Case.id.desc())
                .limit(limit),
            )
        )
    ).all()
    return [
        {
            "id": r.id,
            "number": r.number,
            "category_name": category_name(r.category),
            "status_text": CASE_STATUS_RU.get(r.status.value, r.status.value),
            "same_category": r.category == case.category,
            "open": r.status in OPEN_CASE_STATUSES,
        }
        for r in rows
    ]


async def correct_category(
    session: AsyncSession, actor: Actor, case: Case, category: str, reason: str = ""
) -> None:
    """An inspector's correction of the NLP category; the audit log keeps both values and the reason."""
    require_worker(actor, case, "Исправить категорию может назначенный инспектор или руководитель.")
    if category not in category_codes():
        raise CaseActionError("Выберите категорию из списка.")
    if case.status not in OPEN_CASE_STATUSES:
        raise CaseActionError("Категорию можно исправить только у открытого дела.")
    if category == case.category:
        return
    previous = case.category
    case.category = category
    for problem in case.problems:
        if problem.category == previous:
            problem.category = category
    details: dict[str, Any] = {"from": previous, "to": category, "reason": reason.strip()[:500]}
    await audit.record(session, "category_corrected", actor.audit_name, case=case, **details)


EDITABLE_FACTS = ("organizations", "inns", "amounts", "workers_affected")


def _split_values(raw: str) -> list[str]:
    return [value.strip() for value in re.split(r"[;\n]", raw) if value.strip()][:20]


def editable_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The editable facts as the form shows them (sums without a trailing ".0")."""
    shown = {key: facts.get(key) for key in EDITABLE_FACTS}
    shown["amounts"] = [f"{float(a):.2f}".rstrip("0").rstrip(".") for a in facts.get("amounts") or []]
    return shown


def parse_fact_fields(fields: dict[str, str]) -> dict[str, Any]:
    """The inspector's corrected facts from the form; CaseActionError names the first bad field."""
    from nlp.facts import validate_inn

    inns = [re.sub(r"\D", "", value) for value in _split_values(fields.get("inns", ""))]
    bad = [value for value in inns if not validate_inn(value)]
    if bad:
        raise CaseActionError(f"ИНН {bad[0] or '(пусто)'} не проходит проверку контрольной суммы.")
    amounts: list[float] = []
    for value in _split_values(fields.get("amounts", "")):
        try:
            amounts.append(float(value.replace(" ", "").replace("\u00a0", "").replace(",", ".")))
        except ValueError:
            raise CaseActionError(f"Сумма «{value[:30]}» — не число.") from None
    if any(amount < 0 for amount in amounts):
        raise CaseActionError("Сумма не может быть отрицательной.")
    workers_raw = (fields.get("workers_affected") or "").strip()
    if workers_raw and not (workers_raw.isdigit() and 0 < int(workers_raw) <= 1_000_000):
        raise CaseActionError("Число работников — целое число от 1.")
    return {
        "organizations": [value[:300] for value in _split_values(fields.get("organizations", ""))],
        "inns": inns,
        "amounts": amounts,
        "workers_affected": int(workers_raw) if workers_raw else None,
    }


async def correct_facts(
    session: AsyncSession, actor: Actor, case: Case, complaint_id: int, corrected: dict[str, Any]
) -> None:
    """An inspector's correction of the facts extracted from a complaint of the case; audited, both values."""
    require_worker(actor, case, "Исправить сведения может назначенный инспектор или руководитель.")
    if case.status not in OPEN_CASE_STATUSES:
        raise CaseActionError("Сведения можно исправить только у открытого дела.")
    in_case = any(problem.complaint_id == complaint_id for problem in case.problems)
    complaint = await session.get(Complaint, complaint_id) if in_case else None
    if complaint is None:
        raise CaseActionError("Это обращение не относится к делу.")
    facts = dict(complaint.facts or {})
    before = {key: facts.get(key) for key in EDITABLE_FACTS}
    changed = {key: value for key, value in corrected.items() if before.get(key) != value}
    if not changed:
        return
    facts.update(changed)
    complaint.facts = facts  # a new dict: the JSON column sees the change
    await audit.record(
        session,
        "facts_corrected",
        actor.audit_name,
        case=case,
        complaint=complaint,
        before={key: before.get(key) for key in changed},
        after=changed,
    )


def queue_csv(items: list[dict[str, Any]]) -> str:
    """The queue or a centre list as CSV: case data only, no complainant's details."""
    buffer = io.StringIO()
    fields = ["number", "category_name", "status_text", "urgent", "due", "overdue", "inspector"]
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        writer.writerow({**item, "due": item["due"].isoformat() if item.get("due") else ""})
    return buffer.getvalue()


async def staff_case_json(session: AsyncSession, actor: Actor, case_id: int, today: date) -> dict[str, Any]:
    """The case for the inspector API: the case page's data in JSON form."""
    detail = await case_detail(session, actor, case_id, today)
    return {
        "id": detail["id"],
        "number": detail["number"],
        "status": detail["status"],
        "category": detail["category"],
        "category_name": detail["category_name"],
        "inspection": detail["inspection"],
        "inspector": detail["inspector"],
        "answer_due": detail["due"].isoformat() if detail["due"] else None,
        "overdue": detail["overdue"],
        "urgent": detail["urgent"],
        "outcome": detail["case"].outcome.value if detail["case"].outcome else None,
        "answer_text": detail["answer_text"],
        "complaints": [
            {
                "tracking_number": c["tracking_number"],
                "text": "".join(s["text"] for s in c["segments"]),
                "problems": [
                    {k: p[k] for k in ("id", "start", "end", "category", "confidence", "in_this_case")}
                    for p in c["problems"]
                ],
                "confidential": c["confidential"],
                "contact": c["contact"],
            }
            for c in detail["complaints"]
        ],
        "timeline": [
            {"at": t["at"].isoformat(), "event": t["text"], "details": t["details"]}
            for t in detail["timeline"]
        ],
    }


ACTIONS_RU = {
    "accept": "Принять в работу",
    "request_info": "Запросить информацию",
    "info_received": "Информация получена",
    "interim_answer": "Промежуточный ответ",
    "extend": "Продлить срок",
    "redirect": "Перенаправить по компетенции",
    "merge": "Объединить с делом",
    "reassign": "Переназначить",
    "close": "Закрыть с ответом",
    "category": "Исправить категорию",
    "facts": "Исправить сведения",
}


async def perform_action(
    session: AsyncSession, actor: Actor, case_id: int, action: str, fields: dict[str, Any]
) -> str:
    """Run one case action (page form or API) through portal.cases; returns the Russian confirmation.

    Raises CaseActionError (bad input, wrong state) or CaseAccessDenied; the caller commits.
    """
    from portal import cases
    from portal.states import IllegalTransition

    def text(name: str) -> str:
        return str(fields.get(name) or "")

    case = await cases.load_case(session, case_id)
    if not can_view(actor, case):
        raise CaseAccessDenied("Нет доступа к этому делу.")
    try:
        if action == "accept":
            await cases.accept(session, actor, case)
        elif action == "request_info":
            await cases.request_information(session, actor, case, text("question"))
        elif action == "info_received":
            await cases.information_received(session, actor, case, text("note"))
        elif action == "interim_answer":
            await cases.interim_answer(session, actor, case, text("text"))
        elif action == "extend":
            await cases.extend(session, actor, case, text("reason"))
        elif action == "redirect":
            await cases.redirect(session, actor, case, text("body"), text("reason"))
        elif action == "merge":
            into_number = text("into").strip()
            into_id = await session.scalar(
                visible_cases(actor, sa.select(Case.id).where(Case.number == into_number))
            )
            if into_id is None:
                raise CaseActionError("Дело с таким номером не найдено в вашей инспекции.")
            await cases.merge(session, actor, case, await cases.load_case(session, into_id))
        elif action == "reassign":
            try:
                inspector_id = int(text("inspector_id"))
            except ValueError:
                raise CaseActionError("Выберите инспектора.") from None
            await cases.reassign(session, actor, case, inspector_id, text("reason"))
        elif action == "close":
            try:
                outcome = CaseOutcome(text("outcome"))
            except ValueError:
                raise CaseActionError("Выберите результат рассмотрения.") from None
            await cases.close(session, actor, case, outcome, text("answer"))
        elif action == "category":
            await correct_category(session, actor, case, text("category"), text("reason"))
        elif action == "facts":
            try:
                complaint_id = int(text("complaint_id"))
            except ValueError:
                raise CaseActionError("Не указано обращение.") from None
            facts = parse_fact_fields({name: text(name) for name in EDITABLE_FACTS})
            await correct_facts(session, actor, case, complaint_id, facts)
        else:
            raise CaseActionError("Неизвестное действие.")
    except IllegalTransition:
        raise CaseActionError("В текущем статусе дела это действие недоступно.") from None
    return f"Готово: {ACTIONS_RU[action].lower()}."

"""Case actions: who may do what, the legal rules they keep, and what the complainant is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import cases as actions
from portal.container import Container
from portal.models import Case, CaseEvent, CaseOutcome, Complaint, Employer, Inspector, Outbox, Role, User
from portal.routing_service import legal_date
from portal.states import CaseStatus, ComplaintStatus, IllegalTransition
from routing.deadlines import compute_deadlines
from tests.portal.factories import analysed, route


async def routed_case(container: Container, **facts: object) -> tuple[int, int]:
    complaint_id = await analysed(
        container,
        [("wage_arrears", "не платят зарплату")],
        {"region": "Волгоградская область", **facts},
        employer="ООО «Вектор»",
    )
    await route(container, complaint_id)
    async with container.sessions() as session:
        case_id = await session.scalar(sa.select(Case.id))
    assert case_id is not None
    return complaint_id, case_id


async def actor_for(container: Container, login: str) -> actions.Actor:
    async with container.sessions() as session:
        user = (await session.scalars(sa.select(User).where(User.login == login))).one()
        inspector_id = await session.scalar(sa.select(Inspector.id).where(Inspector.user_id == user.id))
    return actions.Actor(user.id, user.role, user.inspection_id, inspector_id)


async def assigned_actor(container: Container, case_id: int) -> actions.Actor:
    async with container.sessions() as session:
        case = await session.get(Case, case_id)
        assert case is not None and case.inspector_id is not None
        inspector = await session.get(Inspector, case.inspector_id)
        assert inspector is not None
        user = await session.get(User, inspector.user_id)
        assert user is not None
    return await actor_for(container, user.login)


async def act(container: Container, case_id: int, action, *args) -> None:  # type: ignore[no-untyped-def]
    async with container.sessions.begin() as session:
        case = await actions.load_case(session, case_id)
        await action(session, *args[:1], case, *args[1:])


async def test_full_lifecycle_answers_the_complainant(container: Container) -> None:
    complaint_id, case_id = await routed_case(container)
    inspector = await assigned_actor(container, case_id)
    await act(container, case_id, actions.accept, inspector)
    await act(
        container,
        case_id,
        actions.interim_answer,
        inspector,
        "Ваше обращение рассматривается, запрошены документы.",
    )
    await act(
        container, case_id, actions.extend, inspector, "Нужно время на внеплановую проверку работодателя."
    )
    await act(
        container,
        case_id,
        actions.close,
        inspector,
        CaseOutcome.VIOLATION_CONFIRMED,
        "Нарушение подтверждено, работодателю выдано предписание о выплате задолженности.",
    )
    async with container.sessions() as session:
        case = await session.get(Case, case_id)
        complaint = await session.get(Complaint, complaint_id)
        employer = await session.get(Employer, case.employer_id) if case else None
        templates = sorted((await session.scalars(sa.select(Outbox.template))).all())
        events = (await session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id))).all()
    assert case is not None and complaint is not None and employer is not None
    assert case.status == CaseStatus.CLOSED and case.outcome == CaseOutcome.VIOLATION_CONFIRMED
    assert case.extended_answer_due is not None and case.answer_due is not None
    # 60 calendar days from registration, moved off a non-working day (not "answer_due + 30": both roll)
    registered = legal_date(complaint.registered_at)  # type: ignore[arg-type]
    assert (
        case.extended_answer_due == compute_deadlines(registered, "Волгоградская область").extended_answer_due
    )
    assert case.extended_answer_due - registered >= timedelta(days=60)
    assert complaint.status == ComplaintStatus.ANSWERED
    assert {"interim_answer", "extended", "final_answer"} <= set(templates)
    assert {"interim_answer", "extended", "risk_recomputed"} <= set(events)
    assert (
        employer.risk_category is not None
        and employer.risk_factors["factors"]["confirmed_violations"]["count"] == 1
    )


async def test_only_one_extension(container: Container) -> None:
    _, case_id = await routed_case(container)
    inspector = await assigned_actor(container, case_id)
    await act(container, case_id, actions.extend, inspector, "Проверка работодателя требует времени.")
    with pytest.raises(actions.CaseActionError, match="одно продление"):
        await act(container, case_id, actions.extend, inspector, "Ещё раз продлить, пожалуйста.")


async def test_extension_needs_a_reason(container: Container) -> None:
    _, case_id = await routed_case(container)
    inspector = await assigned_actor(container, case_id)
    with pytest.raises(actions.CaseActionError, match="Причина продления"):
        await act(container, case_id, actions.extend, inspector, "  ")


async def test_another_inspector_cannot_act(container: Container) -> None:
    _, case_id = await routed_case(container)
    assigned = await assigned_actor(container, case_id)
    colleagues = [await actor_for(container, f"insp-34-{n}") for n in (1, 2, 3)]
    other = next(c for c in colleagues if c.inspector_id != assigned.inspector_id)
    elsewhere = await actor_for(container, "insp-77-1")
    analyst = await actor_for(container, "analyst")
    for intruder in (other, elsewhere, analyst):
        with pytest.raises(actions.CaseAccessDenied):
            await act(container, case_id, actions.accept, intruder)


async def test_closed_case_cannot_be_reopened(container: Container) -> None:
    _, case_id = await routed_case(container)
    inspector = await assigned_actor(container, case_id)
    await act(container, case_id, actions.accept, inspector)
    await act(
        container,
        case_id,
        actions.close,
        inspector,
        CaseOutcome.EXPLAINED,
        "Заявителю даны разъяснения по статье 136 ТК РФ.",
    )
    with pytest.raises(IllegalTransition):
        await act(container, case_id, actions.accept, inspector)


async def test_supervisor_reassigns_with_a_reason_and_merges(container: Container) -> None:
    _, case_id = await routed_case(container)
    supervisor = await actor_for(container, "sup-34")
    target = await actor_for(container, "insp-34-3")
    assert supervisor.role == Role.SUPERVISOR
    await act(container, case_id, actions.reassign, supervisor, target.inspector_id, "Отпуск инспектора")
    inspector = await assigned_actor(container, case_id)
    assert inspector.inspector_id == target.inspector_id
    with pytest.raises(actions.CaseAccessDenied):
        await act(container, case_id, actions.reassign, inspector, target.inspector_id, "Сам себе")

    other_complaint = await analysed(
        container, [("leave", "отпуск")], {"region": "Волгоградская область"}, employer="ООО «Вектор»"
    )
    await route(container, other_complaint)
    async with container.sessions() as session:
        other_id = await session.scalar(sa.select(Case.id).where(Case.id != case_id))
    assert other_id is not None
    async with container.sessions.begin() as session:
        source = await actions.load_case(session, other_id)
        into = await actions.load_case(session, case_id)
        await actions.merge(session, supervisor, source, into)
    async with container.sessions() as session:
        merged = await session.get(Case, other_id)
        moved = await session.scalar(
            sa.select(sa.func.count()).select_from(Case).where(Case.merged_into_id == case_id)
        )
    assert merged is not None and merged.status == CaseStatus.MERGED and moved == 1


async def test_information_request_and_redirect(container: Container) -> None:
    complaint_id, case_id = await routed_case(container)
    inspector = await assigned_actor(container, case_id)
    await act(container, case_id, actions.accept, inspector)
    await act(
        container,
        case_id,
        actions.request_information,
        inspector,
        "Пришлите копию трудового договора и расчётные листки.",
    )
    await act(container, case_id, actions.information_received, inspector)
    await act(
        container,
        case_id,
        actions.redirect,
        inspector,
        "Прокуратура Волгоградской области",
        "Признаки преступления по ст. 145.1 УК РФ.",
    )
    async with container.sessions() as session:
        case = await session.get(Case, case_id)
        complaint = await session.get(Complaint, complaint_id)
        templates = set((await session.scalars(sa.select(Outbox.template))).all())
    assert case is not None and case.status == CaseStatus.REDIRECTED and case.redirected_to
    assert complaint is not None and complaint.status == ComplaintStatus.ANSWERED
    assert {"information_requested", "redirected_by_inspector"} <= templates

"""Routing applied to the database: inspection, employer, joining cases, triage, redirects, concurrency."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import sqlalchemy as sa

from portal.container import Container
from portal.db import create_engine, session_factory
from portal.models import Case, CaseEvent, Employer, Inspection, Inspector, Outbox, Problem
from portal.states import CaseStatus, ComplaintStatus
from tests.portal.factories import analysed, cases, route


async def test_problem_goes_to_the_regions_inspection_and_a_specialist(container: Container) -> None:
    complaint_id = await analysed(
        container,
        [("wage_arrears", "не платят зарплату")],
        {"region": "Волгоградская область"},
        employer="ООО «Ромашка»",
        inn="7707083893",
    )
    assert await route(container, complaint_id) == ComplaintStatus.ROUTED
    [case] = await cases(container)
    async with container.sessions() as session:
        inspection = await session.get(Inspection, case.inspection_id)
        inspector = await session.get(Inspector, case.inspector_id)
        employer = await session.get(Employer, case.employer_id)
        kinds = (await session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id))).all()
        outbox = (await session.scalars(sa.select(Outbox.template))).all()
    assert (
        inspection is not None
        and inspection.name == "Государственная инспекция труда в Волгоградской области"
    )
    assert inspector is not None and "wage_arrears" in inspector.specialisations
    assert case.status == CaseStatus.NEW and case.number.startswith("34-")
    assert employer is not None and employer.inn == "7707083893"
    assert case.answer_due is not None and case.answer_due > date(2026, 1, 1)
    assert case.assignment["candidates"] and case.assignment["explanation_ru"]
    assert {"created", "status"} <= set(kinds)
    assert "routed" in outbox


async def test_no_region_goes_to_triage_never_a_default(container: Container) -> None:
    complaint_id = await analysed(container, [("leave", "не дают отпуск")])
    assert await route(container, complaint_id) == ComplaintStatus.TRIAGE
    [case] = await cases(container)
    assert case.status == CaseStatus.TRIAGE and case.inspection_id is None and case.inspector_id is None


async def test_out_of_scope_is_redirected_with_a_reason(container: Container) -> None:
    complaint_id = await analysed(
        container,
        [("out_of_scope", "управляющая компания не делает ремонт подъезда, квартплата выросла")],
        {"region": "Москва"},
    )
    assert await route(container, complaint_id) == ComplaintStatus.REDIRECTED
    assert await cases(container) == []
    async with container.sessions() as session:
        problem = (await session.scalars(sa.select(Problem))).one()
        outbox = (await session.scalars(sa.select(Outbox).where(Outbox.template == "redirected"))).one()
    assert problem.jurisdiction["action"] == "redirect" and problem.jurisdiction["reason_ru"]
    assert outbox.context["problems"][0]["redirect"]


async def test_a_doubted_out_of_scope_problem_is_not_redirected_unseen(container: Container) -> None:
    # the analysis doubts the out_of_scope reading (a clear labour sentence): a case for an inspector instead
    complaint_id = await analysed(
        container,
        [("out_of_scope", "соседи шумят, банк поднял ставку, а на работе с января не платят зарплату")],
        {"region": "Москва"},
    )
    async with container.sessions.begin() as session:
        problem = (await session.scalars(sa.select(Problem))).one()
        problem.needs_review = True
    await _kept_for_an_inspector(container, complaint_id)


async def _kept_for_an_inspector(container: Container, complaint_id: int) -> Case:
    """Routes the complaint and checks its one out_of_scope problem became a case, not a redirect."""
    assert await route(container, complaint_id) != ComplaintStatus.REDIRECTED
    [case] = await cases(container)
    async with container.sessions() as session:
        problem = (await session.scalars(sa.select(Problem))).one()
        outbox = (await session.scalars(sa.select(Outbox.template))).all()
    assert case.category == "out_of_scope" and problem.case_id == case.id
    assert problem.jurisdiction["action"] == "stay" and problem.jurisdiction["needs_review"]
    assert "redirected" not in outbox
    return case


async def test_an_urgent_out_of_scope_problem_becomes_an_urgent_case_not_a_redirect(
    container: Container,
) -> None:
    # a customer saw workers in danger: the shop's words alone would redirect it to Rospotrebnadzor
    complaint_id = await analysed(
        container,
        [("out_of_scope", "в магазине грузчики таскают товар под оголёнными проводами, искрит")],
        {"region": "Москва"},
        urgent=True,
    )
    case = await _kept_for_an_inspector(container, complaint_id)
    assert case.urgent


async def test_beside_an_urgent_labour_problem_the_out_of_scope_one_is_redirected(
    container: Container,
) -> None:
    complaint_id = await analysed(
        container,
        [
            ("wage_arrears", "всему заводу, 300 человек, не платят зарплату три месяца"),
            ("out_of_scope", "управляющая компания не делает ремонт подъезда, квартплата выросла"),
        ],
        {"region": "Москва"},
        urgent=True,
    )
    await route(container, complaint_id)
    [case] = await cases(container)
    async with container.sessions() as session:
        redirected = (
            await session.scalars(sa.select(Problem).where(Problem.category == "out_of_scope"))
        ).one()
    assert case.urgent and case.category == "wage_arrears"
    assert redirected.jurisdiction["action"] == "redirect" and redirected.case_id is None


async def test_same_employer_and_category_joins_the_open_case_as_mass(container: Container) -> None:
    first = await analysed(
        container,
        [("wage_arrears", "зарплата")],
        {"region": "Республика Татарстан"},
        employer='ООО "Ромашка"',
    )
    second = await analysed(
        container,
        [("wage_arrears", "зарплата"), ("leave", "отпуск")],
        {"region": "Республика Татарстан"},
        employer="Ромашка ООО",
    )
    await route(container, first)
    await route(container, second)
    found = await cases(container)
    assert sorted(c.category for c in found) == ["leave", "wage_arrears"]
    arrears = next(c for c in found if c.category == "wage_arrears")
    assert arrears.mass and not next(c for c in found if c.category == "leave").mass
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 1


async def test_many_affected_workers_make_an_urgent_mass_case_first(container: Container) -> None:
    ordinary = await analysed(container, [("leave", "отпуск")], {"region": "Москва"}, employer="ООО Альфа")
    mass = await analysed(
        container,
        [("wage_arrears", "зарплата")],
        {"region": "Москва", "workers_affected": 40},
        employer="ООО Бета",
        urgent=True,
    )
    await route(container, ordinary)
    await route(container, mass)
    by_category = {c.category: c for c in await cases(container)}
    assert by_category["wage_arrears"].mass and by_category["wage_arrears"].urgent
    assert by_category["wage_arrears"].priority > by_category["leave"].priority


async def test_two_workers_routing_the_same_employer_at_once_make_one_case(container: Container) -> None:
    ids = [
        await analysed(container, [("wage_amount", "штрафы")], {"region": "Москва", "inns": ["7707083893"]})
        for _ in range(4)
    ]
    engines = [create_engine(container.settings.database_url) for _ in ids]
    try:
        await asyncio.gather(
            *(
                route(container, cid, session_factory(engine))
                for cid, engine in zip(ids, engines, strict=True)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    found = await cases(container)
    assert len(found) == 1 and found[0].mass
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 1


@pytest.mark.parametrize("region", ["Москва", "Республика Татарстан"])
async def test_deadline_never_on_a_non_working_day(container: Container, region: str) -> None:
    from routing.calendar import load_calendar

    complaint_id = await analysed(container, [("leave", "отпуск")], {"region": region}, employer="ИП Иванов")
    await route(container, complaint_id)
    [case] = await cases(container)
    calendar = load_calendar(region)
    assert case.answer_due is not None and calendar.is_working_day(case.answer_due)
    assert case.interim_answer_due is not None and calendar.is_working_day(case.interim_answer_due)

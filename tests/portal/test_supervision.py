"""KPIs, the situational centre, open data and self-check history, over real cases."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from portal import cases as actions
from portal.assessments import UnknownChecklist, history, run_assessment
from portal.cli import main
from portal.container import Container
from portal.models import Case, CaseOutcome, Inspector, Role, User, utcnow
from portal.routing_service import legal_date
from portal.selfcheck import load_checklists
from portal.situation import MIN_PUBLISHED_COUNT, Scope, open_data, open_data_csv, situation
from tests.portal.factories import analysed, route


async def make_cases(
    container: Container, region: str, count: int, category: str = "wage_arrears"
) -> list[int]:
    for number in range(count):
        complaint_id = await analysed(
            container,
            [(category, "не платят")],
            {"region": region},
            employer=f"ООО Фирма {region[:5]} {number}",
        )
        await route(container, complaint_id)
    async with container.sessions() as session:
        return list((await session.scalars(sa.select(Case.id).order_by(Case.id))).all())


async def close_case(container: Container, case_id: int) -> None:
    async with container.sessions.begin() as session:
        case = await actions.load_case(session, case_id)
        inspector = await session.get(Inspector, case.inspector_id)
        assert inspector is not None
        user = await session.get(User, inspector.user_id)
        assert user is not None
        actor = actions.Actor(user.id, user.role, user.inspection_id, inspector.id)
        await actions.accept(session, actor, case)
        await actions.close(
            session,
            actor,
            case,
            CaseOutcome.VIOLATION_CONFIRMED,
            "Нарушение подтверждено, выдано предписание.",
        )


async def test_situation_is_scoped_to_the_supervisors_region(container: Container) -> None:
    await make_cases(container, "Москва", 2)
    ids = await make_cases(container, "Республика Татарстан", 1, "workplace_accident")
    async with container.sessions.begin() as session:
        accident = await session.get(Case, ids[-1])
        assert accident is not None
        accident.answer_due = legal_date(utcnow()) - timedelta(days=1)
        accident.urgent = True
    async with container.sessions() as session:
        everything = await situation(session, Scope(None))
        supervisor = (await session.scalars(sa.select(User).where(User.login == "sup-16"))).one()
        tatarstan = await situation(
            session, await Scope.for_viewer(session, Role.SUPERVISOR, supervisor.inspection_id)
        )
        with pytest.raises(PermissionError):
            await Scope.for_viewer(session, Role.INSPECTOR, supervisor.inspection_id)
    assert everything["in_work"] == 3 and everything["received_today"] == 3
    assert tatarstan["in_work"] == 1 and tatarstan["overdue"] == 1 and tatarstan["accidents"] == 1
    assert tatarstan["urgent"] == 1 and tatarstan["received_today"] == 1
    assert [row["region"] for row in tatarstan["by_region"]] == ["Республика Татарстан"]


async def test_kpi_ranks_inspections_and_the_cli_prints_json(container: Container) -> None:
    moscow = await make_cases(container, "Москва", 2)
    await make_cases(container, "Республика Татарстан", 2)
    for case_id in moscow:
        await close_case(container, case_id)
    today = legal_date(utcnow())
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["kpi", "--from", (today - timedelta(days=1)).isoformat(), "--to", today.isoformat(), "--json"],
        env={"DATABASE_URL": container.settings.database_url, "DATA_DIR": str(container.settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_name = {row["name"]: row for row in data["by_inspection"]}
    moscow_row = by_name["Государственная инспекция труда в городе Москве"]
    assert moscow_row["received"] == 2 and moscow_row["answered_in_time"] == 2
    assert data["best"][0]["name"] == "Государственная инспекция труда в городе Москве"


def test_kpi_cli_refuses_a_reversed_period() -> None:
    result = CliRunner().invoke(main, ["kpi", "--from", "2026-02-01", "--to", "2026-01-01"])
    assert result.exit_code == 2 and "раньше начала" in result.output


async def test_open_data_suppresses_small_counts(container: Container) -> None:
    await make_cases(container, "Москва", MIN_PUBLISHED_COUNT)
    await make_cases(container, "Республика Татарстан", 1)
    async with container.sessions() as session:
        rows = await open_data(session)
    by_region = {row["region"]: row for row in rows}
    assert by_region["Москва"]["problems"] == MIN_PUBLISHED_COUNT
    assert by_region["Республика Татарстан"]["problems"] is None
    csv_text = open_data_csv(rows)
    assert csv_text.splitlines()[0] == "month,region,category,category_name,problems"
    assert f"<{MIN_PUBLISHED_COUNT}" in csv_text and "ООО" not in csv_text


async def test_self_check_is_kept_for_employer_accounts_only(container: Container) -> None:
    checklist = next(iter(load_checklists().values()))
    answers = {item.id: "yes" for item in checklist.items}
    answers[checklist.items[0].id] = "no"
    async with container.sessions.begin() as session:
        employer = (await session.scalars(sa.select(User).where(User.login == "employer"))).one()
        stored, result = await run_assessment(session, employer.id, checklist.id, answers)
        anonymous, _ = await run_assessment(session, None, checklist.id, answers)
    assert stored is not None and anonymous is None
    assert result["violations"][0]["item_id"] == checklist.items[0].id
    async with container.sessions() as session:
        assert [a.checklist_id for a in await history(session, employer.id)] == [checklist.id]
        with pytest.raises(UnknownChecklist):
            await run_assessment(session, None, "no-such-list", {})
        with pytest.raises(ValueError):
            await run_assessment(session, None, checklist.id, {"bogus": "yes"})


async def test_category_corrections_are_exported_as_masked_training_lines(container: Container) -> None:
    from portal.staff_views import correct_category

    complaint_id = await analysed(
        container,
        [("wage_arrears", "При увольнении не выплатили расчёт, звоните +7 916 123-45-67")],
        {"region": "Москва"},
        employer="ООО Исправление",
    )
    await route(container, complaint_id)
    async with container.sessions.begin() as session:
        case_id = await session.scalar(sa.select(Case.id).order_by(Case.id.desc()))
        assert case_id is not None
        case = await actions.load_case(session, case_id)
        actor = actions.Actor(0, Role.ADMIN, None)
        await correct_category(session, actor, case, "final_pay", "это расчёт при увольнении")
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["export-corrections"],
        env={"DATABASE_URL": container.settings.database_url, "DATA_DIR": str(container.settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1
    line = lines[0]
    assert line["categories"] == ["final_pay"] and line["previous_category"] == "wage_arrears"
    assert line["problems"] == [{"category": "final_pay", "quote": line["text"]}]
    assert "расчёт" in line["text"] and "916" not in line["text"]  # the phone is masked

"""Staff pages: sign-in required, roles enforced, the queue, the case page and its actions, the centre."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.container import Container
from portal.models import Case, CaseEvent, Complaint, Inspector, Problem
from portal.staff_views import highlight
from tests.web.conftest import Client, assigned_login, csrf, routed_case, sign_in


async def test_staff_pages_send_anonymous_visitors_to_login(client: Client) -> None:
    for path in ("/staff/queue", "/staff/cases/1", "/staff/centre", "/staff/queue.csv"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=/staff/"), path
    token = await csrf(client)
    posted = await client.post("/staff/cases/1/actions/accept", data={"_csrf_token": token})
    assert posted.status_code == 401


async def test_roles_are_enforced(client: Client, container: Container) -> None:
    case = await routed_case(container)
    await sign_in(client, "employer")
    assert (await client.get("/staff/queue")).status_code == 403
    assert (await client.get(f"/staff/cases/{case.id}")).status_code == 403
    assert (await client.get("/staff/centre")).status_code == 403
    await sign_in(client, "analyst")  # aggregates only
    assert (await client.get(f"/staff/cases/{case.id}")).status_code == 403
    assert (await client.get("/staff/centre")).status_code == 200
    await sign_in(client, "insp-77-1")  # another region's inspector
    assert (await client.get(f"/staff/cases/{case.id}")).status_code == 403
    assert case.number not in (await client.get("/staff/queue")).text
    assert (await client.get("/staff/cases/999999")).status_code == 404


async def test_inspector_queue_shows_own_cases_with_filters(client: Client, container: Container) -> None:
    case = await routed_case(container, urgent=True)
    await sign_in(client, await assigned_login(container, case))
    page = await client.get("/staff/queue")
    assert page.status_code == 200 and case.number in page.text and "срочно" in page.text
    assert case.number not in (await client.get("/staff/queue", params={"category": "dismissal"})).text
    assert case.number not in (await client.get("/staff/queue", params={"overdue": "1"})).text
    assert case.number in (await client.get("/staff/queue", params={"status": "all"})).text
    assert (await client.get("/staff/queue", params={"page": "0"})).status_code == 422
    exported = await client.get("/staff/queue.csv")
    assert exported.headers["content-type"].startswith("text/csv") and case.number in exported.text
    assert "w@example.org" not in exported.text


async def test_overdue_cases_are_highlighted(client: Client, container: Container) -> None:
    case = await routed_case(container)
    async with container.sessions.begin() as session:
        stored = await session.get(Case, case.id)
        assert stored is not None and stored.answer_due is not None
        stored.answer_due = stored.answer_due.replace(year=stored.answer_due.year - 1)
    await sign_in(client, await assigned_login(container, case))
    page = await client.get("/staff/queue", params={"overdue": "1"})
    assert case.number in page.text and 'class="overdue"' in page.text and "просрочено" in page.text


async def test_case_page_highlights_problems_and_hides_confidential_identity(
    client: Client, container: Container
) -> None:
    case = await routed_case(container)
    await sign_in(client, await assigned_login(container, case))
    page = await client.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200
    assert '<mark class="problem"' in page.text and "w@example.org" in page.text
    assert 'id="kb-links"' in page.text and "/kb/" in page.text.split('id="kb-links"')[1]
    async with container.sessions.begin() as session:
        complaint_id = await session.scalar(sa.select(Problem.complaint_id).where(Problem.case_id == case.id))
        complaint = await session.get(Complaint, complaint_id)
        assert complaint is not None
        complaint.confidential = True
    page = await client.get(f"/staff/cases/{case.id}")
    assert "w@example.org" not in page.text and 'id="confidential-note"' in page.text


def test_highlight_marks_problem_spans_and_facts() -> None:
    text = "ООО Ромашка не платит зарплату. Ещё штрафуют."
    problems = [{"start": 12, "end": 30, "category_name": "Зарплата"}]
    segments = highlight(text, problems, {"organizations": ["ООО Ромашка"]})
    assert "".join(s["text"] for s in segments) == text
    assert [s["text"] for s in segments if s["problem"] == 1] == ["не платит зарплату"]
    assert [s["text"] for s in segments if s["fact"]] == ["ООО Ромашка"]


async def test_inspector_works_a_case_to_the_answer(client: Client, container: Container) -> None:
    case = await routed_case(container)
    token = await sign_in(client, await assigned_login(container, case))
    base = f"/staff/cases/{case.id}/actions"
    response = await client.post(f"{base}/accept", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(f"/staff/cases/{case.id}")
    assert "Готово: принять в работу" in page.text and "Рассматривается" in page.text
    short = await client.post(
        f"{base}/close", data={"_csrf_token": token, "outcome": "explained", "answer": "коротко"}
    )
    assert short.status_code == 422 and "не менее 20 символов" in short.text
    bad = await client.post(
        f"{base}/close", data={"_csrf_token": token, "outcome": "nonsense", "answer": "x" * 30}
    )
    assert bad.status_code == 422 and "Выберите результат" in bad.text
    assert (await client.post(f"{base}/fly", data={"_csrf_token": token})).status_code == 404
    for action, data in (
        ("category", {"category": "final_pay", "reason": "это расчёт при увольнении"}),
        ("interim_answer", {"text": "Запрошены документы у работодателя."}),
        ("extend", {"reason": "Нужна выездная проверка работодателя."}),
        ("request_info", {"question": "Пришлите копию трудового договора."}),
        ("info_received", {"note": "получено"}),
        (
            "close",
            {"outcome": "violation_confirmed", "answer": "Нарушение подтвердилось, выдано предписание."},
        ),
    ):
        response = await client.post(
            f"{base}/{action}", data={"_csrf_token": token, **data}, follow_redirects=False
        )
        assert response.status_code == 303, (action, response.text[-2000:])
    async with container.sessions() as session:
        stored = await session.get(Case, case.id)
        assert stored is not None
        assert stored.status.value == "closed" and stored.category == "final_pay"
        assert stored.extended_answer_due is not None
        kinds = (await session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case.id))).all()
    assert "category_corrected" in kinds
    page = await client.get(f"/staff/cases/{case.id}")
    assert "Дело завершено" in page.text and "выдано предписание" in page.text
    again = await client.post(f"{base}/accept", data={"_csrf_token": token})
    assert again.status_code == 422


async def test_only_the_assigned_inspector_acts(client: Client, container: Container) -> None:
    case = await routed_case(container)
    assigned = await assigned_login(container, case)
    other = next(f"insp-34-{n}" for n in (1, 2, 3) if f"insp-34-{n}" != assigned)
    token = await sign_in(client, other)
    page = await client.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200 and "может назначенный инспектор" in page.text
    response = await client.post(f"/staff/cases/{case.id}/actions/accept", data={"_csrf_token": token})
    assert response.status_code == 403


async def test_supervisor_reassigns_from_the_centre(client: Client, container: Container) -> None:
    case = await routed_case(container)
    token = await sign_in(client, "sup-34")
    centre = await client.get("/staff/centre")
    assert centre.status_code == 200 and "Ситуационный центр" in centre.text and 'id="kpis"' in centre.text
    exported = await client.get("/staff/centre.csv")
    assert exported.headers["content-type"] == "text/csv; charset=utf-8" and "\ncategory," in exported.text
    async with container.sessions() as session:
        other = await session.scalar(
            sa.select(Inspector.id).where(
                Inspector.inspection_id == case.inspection_id, Inspector.id != case.inspector_id
            )
        )
    page = await client.get(f"/staff/cases/{case.id}")
    assert re.search(r'<select id="inspector_id"', page.text)
    response = await client.post(
        f"/staff/cases/{case.id}/actions/reassign",
        data={"_csrf_token": token, "inspector_id": str(other), "reason": "отпуск инспектора"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    async with container.sessions() as session:
        assert (await session.get(Case, case.id)).inspector_id == other  # type: ignore[union-attr]


async def test_case_page_lists_similar_cases_of_the_same_employer(
    client: Client, container: Container
) -> None:
    from tests.portal.factories import analysed, route

    first = await routed_case(container, inn="3443123456")
    other = await routed_case(container)
    complaint_id = await analysed(
        container, [("dismissal", "Уволили без приказа и не выдали трудовую")], region="34", inn="3443123456"
    )
    await route(container, complaint_id)
    async with container.sessions() as session:
        second = await session.scalar(sa.select(Case).order_by(Case.id.desc()))
    assert second is not None and second.id != first.id
    await sign_in(client, "sup-34")
    page = await client.get(f"/staff/cases/{second.id}")
    similar = page.text.split('id="similar"')[1].split("</ul>")[0]
    assert first.number in similar and other.number not in similar and second.number not in similar


async def test_admin_sees_dead_jobs_and_retries_one(client: Client, container: Container) -> None:
    from portal.models import Job, JobState

    async with container.sessions.begin() as session:
        job = Job(kind="deliver_notification", state=JobState.DEAD, attempts=5, last_error="SMTP 554 refused")
        session.add(job)
        await session.flush()
        job_id = job.id
    await sign_in(client, "sup-34")
    assert (await client.get("/staff/jobs")).status_code == 403  # admins only
    token = await sign_in(client, "admin")
    page = await client.get("/staff/jobs")
    assert page.status_code == 200 and "SMTP 554 refused" in page.text
    retried = await client.post(f"/staff/jobs/{job_id}/retry", data={"_csrf_token": token})
    assert (
        retried.status_code == 200
        and "снова в очереди" in retried.text
        and 'id="no-dead-jobs"' in retried.text
    )
    async with container.sessions() as session:
        stored = await session.get(Job, job_id)
    assert stored is not None and stored.state == JobState.QUEUED and stored.attempts == 0
    again = await client.post(f"/staff/jobs/{job_id}/retry", data={"_csrf_token": token})
    assert "уже не в списке ошибок" in again.text
    assert (await client.post(f"/staff/jobs/{job_id}/retry", data={})).status_code == 403  # no CSRF token


async def test_inspector_corrects_extracted_facts(client: Client, container: Container) -> None:
    case = await routed_case(container)
    token = await sign_in(client, await assigned_login(container, case))
    async with container.sessions() as session:
        complaint_id = await session.scalar(sa.select(Problem.complaint_id).where(Problem.case_id == case.id))
    page = await client.get(f"/staff/cases/{case.id}")
    assert f'id="edit-facts-{complaint_id}"' in page.text
    base = f"/staff/cases/{case.id}/actions/facts"
    form = {"_csrf_token": token, "complaint_id": str(complaint_id), "organizations": "ООО «Вектор»"}
    bad_inn = await client.post(base, data={**form, "inns": "7707083894"})
    assert bad_inn.status_code == 422 and "контрольной суммы" in bad_inn.text
    bad_sum = await client.post(base, data={**form, "amounts": "много"})
    assert bad_sum.status_code == 422 and "не число" in bad_sum.text
    saved = await client.post(
        base,
        data={**form, "inns": "7707083893", "amounts": "80 000; 12500,50", "workers_affected": "12"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[-1500:]
    async with container.sessions() as session:
        complaint = await session.get(Complaint, complaint_id)
        event = await session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "facts_corrected"))
    assert complaint is not None and event is not None
    assert complaint.facts["inns"] == ["7707083893"] and complaint.facts["amounts"] == [80000.0, 12500.5]
    assert complaint.facts["workers_affected"] == 12 and complaint.facts["organizations"] == ["ООО «Вектор»"]
    assert event.data["after"]["inns"] == ["7707083893"] and event.case_id == case.id
    shown = await client.get(f"/staff/cases/{case.id}")
    assert 'value="80000; 12500.5"' in shown.text
    other = await client.post(base, data={**form, "complaint_id": "999999"})
    assert other.status_code == 422 and "не относится к делу" in other.text


async def test_case_history_is_told_in_russian(client: Client, container: Container) -> None:
    case = await routed_case(container)
    await sign_in(client, await assigned_login(container, case))
    page = (await client.get(f"/staff/cases/{case.id}")).text
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert timeline, "the case page shows its history"
    entries = re.findall(r"</span> — (.*?)</li>", timeline.group(1))
    assert len(entries) >= 4 and "Обращение: зарегистрировано" in entries
    assert not [e for e in entries if re.search(r"[A-Za-z]", e)], entries  # no internal codes

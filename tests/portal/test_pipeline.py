"""The whole flow with the real NLP: intake → analysis job → routing job → case in the right inspection."""

from __future__ import annotations

import sqlalchemy as sa

from portal.container import Container
from portal.intake import ComplaintInput, submit_complaint
from portal.models import Case, Channel, Complaint, Inspection, Outbox, Problem
from portal.states import ComplaintStatus

TEXT = (
    "Здравствуйте! Я работаю в ООО «СтройМонтаж» (ИНН 7707083893) в Тольятти. Зарплату не платят с сентября, "
    "долг 85 000 рублей, нас 40 человек. Кроме того, при увольнении мне не отдали трудовую книжку."
)


async def file(container: Container, text: str) -> int:
    result = await submit_complaint(
        container.sessions,
        ComplaintInput(text=text, channel=Channel.WEB, consent=True, contact_email="worker@example.org"),
        upload_dir=container.settings.uploads_path,
    )
    await container.worker().run_until_idle()
    return result.complaint_id


async def test_complaint_is_analysed_and_routed_by_the_worker(container: Container) -> None:
    complaint_id = await file(container, TEXT)
    async with container.sessions() as session:
        complaint = await session.get(Complaint, complaint_id)
        problems = (await session.scalars(sa.select(Problem).order_by(Problem.position))).all()
        inspections = (
            await session.scalars(sa.select(Inspection.name).join(Case, Case.inspection_id == Inspection.id))
        ).all()
        cases = (await session.scalars(sa.select(Case))).all()
    assert complaint is not None and complaint.status == ComplaintStatus.ROUTED
    assert complaint.facts["region"] == "Самарская область" and complaint.facts["inns"] == ["7707083893"]
    assert complaint.urgent  # forty workers unpaid: mass wage arrears
    assert len(problems) >= 2 and all(TEXT[p.start : p.end] == p.text for p in problems)
    assert "employment_records" in {p.category for p in problems}
    assert set(inspections) == {"Государственная инспекция труда в Самарской области"}
    assert all(case.mass and case.urgent and case.inspector_id is not None for case in cases)


async def test_garbage_is_rejected_with_a_reason(container: Container) -> None:
    complaint_id = await file(container, "\u0001\u0002\u0003 ����� ~~~~~ !!!!! ##### $$$$$ %%%%%")
    async with container.sessions() as session:
        complaint = await session.get(Complaint, complaint_id)
        notices = (
            await session.scalars(sa.select(Outbox.template).where(Outbox.complaint_id == complaint_id))
        ).all()
    assert complaint is not None and complaint.status == ComplaintStatus.REJECTED
    assert complaint.rejected_reason and "текст" in complaint.rejected_reason
    assert "rejected" in notices

"""Intake: validation at the boundary, idempotency, registration, and nothing half-written."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.attachments import IncomingFile, safe_display_name, stored_path
from portal.container import Container
from portal.intake import ComplaintInput, IntakeError, find_complaint, submit_complaint
from portal.models import Attachment, CaseEvent, Channel, Complaint, Job, Outbox
from portal.states import ComplaintStatus

TEXT = "Работодатель ООО «Ромашка» не платит зарплату с сентября, задолженность 85 000 рублей."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make(**overrides: object) -> ComplaintInput:
    values: dict[str, object] = {
        "text": TEXT,
        "channel": Channel.WEB,
        "consent": True,
        "contact_name": "Иванова Анна",
        "contact_email": "anna@example.org",
    }
    values.update(overrides)
    return ComplaintInput(**values)  # type: ignore[arg-type]


async def submit(container: Container, data: ComplaintInput):  # type: ignore[no-untyped-def]
    return await submit_complaint(container.sessions, data, upload_dir=container.settings.uploads_path)


async def test_a_complaint_is_registered_with_its_job_and_acknowledgement(container: Container) -> None:
    result = await submit(container, make(region="34"))
    assert re.fullmatch(r"\d{2}-\d{4}-\d{4}-\d", result.tracking_number)
    assert result.access_code and len(result.access_code) == 8
    assert result.status == ComplaintStatus.REGISTERED
    async with container.sessions() as session:
        complaint = await session.get(Complaint, result.complaint_id)
        assert complaint is not None and complaint.text == TEXT
        assert complaint.registered_at is not None and complaint.stated_region_id is not None
        assert result.access_code not in complaint.access_code_hash
        kinds = (await session.scalars(sa.select(Job.kind))).all()
        outbox = (await session.scalars(sa.select(Outbox))).all()
        events = (await session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id))).all()
    assert sorted(kinds) == ["analyse_complaint", "deliver_notification"]
    assert [(o.channel, o.recipient, o.template) for o in outbox] == [
        (Channel.EMAIL, "anna@example.org", "acknowledgement")
    ]
    assert [(e.kind, e.to_status) for e in events] == [("received", None), ("status", "registered")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "   коротко  "}, "text"),
        ({"text": "а" * 20_001}, "text"),
        ({"text": TEXT + "\x00"}, "text"),
        ({"consent": False}, "consent"),
        ({"contact_email": "not-an-email"}, "contact.email"),
        ({"contact_email": None, "contact_phone": None}, "contact"),
        ({"contact_phone": "позвоните мне"}, "contact.phone"),
        ({"employer_inn": "12345"}, "employer.inn"),
        ({"attachments": [IncomingFile("a.png", PNG)] * 6}, "attachments"),
        ({"attachments": [IncomingFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100)]}, "attachments"),
        ({"attachments": [IncomingFile("empty.pdf", b"")]}, "attachments"),
    ],
)
async def test_bad_input_is_refused_with_a_russian_message(
    container: Container, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(IntakeError) as error:
        await submit(container, make(**overrides))
    assert field in error.value.errors
    assert re.search(r"[а-яА-Я]", error.value.errors[field])
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


async def test_unknown_region_leaves_nothing_behind(container: Container) -> None:
    with pytest.raises(IntakeError) as error:
        await submit(container, make(region="Атлантида"))
    assert "region" in error.value.errors
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


async def test_oversized_attachment_is_refused(container: Container) -> None:
    big = IncomingFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    with pytest.raises(IntakeError, match="слишком большой"):
        await submit(container, make(attachments=[big]))


async def test_same_message_twice_is_one_complaint(container: Container) -> None:
    data = make(channel=Channel.EMAIL, external_id="<abc@mail.example>")
    first = await submit(container, data)
    second = await submit(container, data)
    assert second.duplicate and second.complaint_id == first.complaint_id and second.access_code is None


async def test_same_message_arriving_concurrently_is_one_complaint(container: Container) -> None:
    data = make(channel=Channel.TELEGRAM, external_id="555:42", telegram_chat_id=555, contact_email=None)
    results = await asyncio.gather(*(submit(container, data) for _ in range(4)))
    assert len({r.complaint_id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1
        outbox = (await session.scalars(sa.select(Outbox))).all()
    assert [(o.channel, o.recipient) for o in outbox] == [(Channel.TELEGRAM, "555")]


async def test_tracking_needs_the_right_code(container: Container) -> None:
    result = await submit(container, make())
    assert result.access_code is not None
    async with container.sessions() as session:
        spaced = f" {result.access_code[:4].lower()}-{result.access_code[4:]} "
        found = await find_complaint(session, result.tracking_number.replace("-", ""), spaced)
        assert found is not None and found.id == result.complaint_id
        assert await find_complaint(session, result.tracking_number, "WRONG234") is None
        assert await find_complaint(session, "00-0000-0000-0", result.access_code) is None


def test_tracking_numbers_carry_a_check_digit_and_read_in_any_spacing() -> None:
    from portal.intake import _check_digit, _tracking_number, normalise_tracking_number

    numbers = {_tracking_number() for _ in range(200)}
    assert len(numbers) == 200  # eight random digits: no collisions in a handful
    for number in numbers:
        digits = number.replace("-", "")
        assert _check_digit(digits[:-1]) == digits[-1]
        assert normalise_tracking_number(f" {digits[:5]} {digits[5:]} ") == number
    # any single mistyped digit changes the check digit
    digits = next(iter(numbers)).replace("-", "")
    for position in range(10):
        wrong = digits[:position] + str((int(digits[position]) + 1) % 10) + digits[position + 1 : 10]
        assert _check_digit(wrong) != digits[-1]
    assert normalise_tracking_number("264839207") == "26-483920-7"  # numbers issued in the older form


async def test_a_number_in_the_older_form_is_still_found(container: Container) -> None:
    result = await submit(container, make())
    assert result.access_code is not None
    async with container.sessions.begin() as session:
        complaint = await session.get(Complaint, result.complaint_id)
        assert complaint is not None
        complaint.tracking_number = "25-483920-7"
    async with container.sessions() as session:
        found = await find_complaint(session, "25 483920 7", result.access_code)
        assert found is not None and found.id == result.complaint_id


async def test_attachments_are_sniffed_named_safely_and_stored_once(container: Container) -> None:
    files = [IncomingFile("../../etc/passwd.exe", PNG), IncomingFile("копия.png", PNG)]
    await submit(container, make(attachments=files))
    async with container.sessions() as session:
        stored = (await session.scalars(sa.select(Attachment).order_by(Attachment.id))).all()
    assert [a.display_name for a in stored] == ["passwd.png", "копия.png"]
    assert {a.content_type for a in stored} == {"image/png"}
    assert stored[0].sha256 == stored[1].sha256
    path = stored_path(container.settings.uploads_path, stored[0].sha256)
    assert path.read_bytes() == PNG


def test_display_names_never_carry_paths_or_control_characters() -> None:
    assert safe_display_name("C:\\Users\\x\\evil\u202egpj.exe", "application/pdf") == "evilgpj.pdf"
    assert safe_display_name("", "image/jpeg") == "файл.jpg"
    assert len(safe_display_name("я" * 500 + ".txt", "text/plain")) <= 124
    with pytest.raises(ValueError):
        stored_path(Path("/tmp"), "../../etc/passwd")


async def test_a_taken_tracking_number_is_drawn_again_and_nothing_is_half_written(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await submit(container, make())
    numbers = iter([first.tracking_number, first.tracking_number, "26-000001-8"])
    monkeypatch.setattr("portal.intake._tracking_number", lambda: next(numbers))
    second = await submit(container, make(contact_email="boris@example.org", region="34"))
    assert second.tracking_number == "26-000001-8" and second.complaint_id != first.complaint_id
    async with container.sessions() as session:
        complaints = (await session.scalars(sa.select(Complaint).order_by(Complaint.id))).all()
        jobs = (await session.scalars(sa.select(Job).order_by(Job.id))).all()
        outbox = (await session.scalars(sa.select(Outbox).order_by(Outbox.id))).all()
        events = (await session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id))).all()
    assert [c.tracking_number for c in complaints] == [first.tracking_number, "26-000001-8"]
    assert complaints[1].stated_region_id is not None
    assert [(j.kind, j.payload, j.dedupe_key) for j in jobs] == [
        ("analyse_complaint", {"complaint_id": first.complaint_id}, f"analyse:{first.complaint_id}"),
        ("deliver_notification", {"outbox_id": outbox[0].id}, f"notify:{outbox[0].id}"),
        ("analyse_complaint", {"complaint_id": second.complaint_id}, f"analyse:{second.complaint_id}"),
        ("deliver_notification", {"outbox_id": outbox[1].id}, f"notify:{outbox[1].id}"),
    ]
    assert [(o.idempotency_key, o.recipient, o.context) for o in outbox][1] == (
        f"acknowledgement:{second.complaint_id}::email",
        "boris@example.org",
        {"tracking_number": "26-000001-8"},
    )
    assert [(e.complaint_id, e.kind, e.actor, e.to_status, e.data) for e in events[2:]] == [
        (second.complaint_id, "received", "citizen", None, {"channel": "web"}),
        (second.complaint_id, "status", "system", "registered", {}),
    ]


async def test_telegram_complaint_is_acknowledged_in_its_chat_and_by_email(container: Container) -> None:
    data = make(channel=Channel.TELEGRAM, external_id="777:1", telegram_chat_id=777, contact_phone="+7 900 1")
    result = await submit(container, data)
    async with container.sessions() as session:
        complaint = await session.get(Complaint, result.complaint_id)
        outbox = (await session.scalars(sa.select(Outbox).order_by(Outbox.id))).all()
        jobs = (await session.scalars(sa.select(Job.kind).order_by(Job.id))).all()
    assert complaint is not None and complaint.telegram_chat_id == 777 and complaint.external_id == "777:1"
    assert complaint.contact_phone == "+7 900 1" and complaint.channel == Channel.TELEGRAM
    assert [(o.channel, o.recipient) for o in outbox] == [
        (Channel.TELEGRAM, "777"),
        (Channel.EMAIL, "anna@example.org"),
    ]
    assert jobs == ["analyse_complaint", "deliver_notification", "deliver_notification"]

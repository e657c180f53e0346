"""Reference data and demo accounts: idempotent, so running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import kb_content
from portal.intake import ComplaintInput, submit_complaint
from portal.models import Channel, Inspection, Inspector, Region, Role, User
from portal.reference import regions
from portal.security import hash_secret

DEMO_PASSWORD = "demo-trudnadzor"

# Three inspectors per inspection with complementary specialisations (taxonomy codes).
DEMO_SPECIALISATIONS: tuple[tuple[str, ...], ...] = (
    ("wage_arrears", "final_pay", "wage_amount", "informal_employment", "benefits"),
    ("dismissal", "employment_records", "discrimination", "leave", "working_time", "informal_employment"),
    ("occupational_safety", "workplace_accident", "working_time", "wage_arrears"),
)


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (login, role description)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


async def load_reference_data(session: AsyncSession, report: DemoReport) -> None:
    existing = {r.code: r for r in (await session.scalars(sa.select(Region))).all()}
    for ref in regions():
        region = existing.get(ref.code)
        if region is None:
            region = Region(code=ref.code, name=ref.name, name_in=ref.name_in, kind=ref.kind)
            session.add(region)
            report.count("regions")
        await session.flush()
        if await session.scalar(sa.select(Inspection.id).where(Inspection.region_id == region.id)) is None:
            session.add(Inspection(region_id=region.id, name=ref.inspection_name))
            report.count("inspections")
    await session.flush()


async def load_demo_accounts(session: AsyncSession, report: DemoReport) -> None:
    known = set((await session.scalars(sa.select(User.login))).all())
    password_hash: str | None = None

    def add_user(login: str, full_name: str, role: Role, inspection_id: int | None = None) -> User | None:
        nonlocal password_hash
        if login in known:
            return None
        password_hash = password_hash or hash_secret(DEMO_PASSWORD)  # one hash: argon2 is slow by design
        user = User(
            login=login,
            full_name=full_name,
            email=f"{login}@trudnadzor.local",
            role=role,
            inspection_id=inspection_id,
            password_hash=password_hash,
        )
        session.add(user)
        report.count("users")
        return user

    add_user("admin", "Администратор системы", Role.ADMIN)
    add_user("analyst", "Аналитик Роструда", Role.ANALYST)
    add_user("employer", "Работодатель (демо)", Role.EMPLOYER)
    report.logins += [
        ("admin", "администратор"),
        ("analyst", "федеральный аналитик"),
        ("employer", "работодатель"),
    ]

    rows = (await session.execute(sa.select(Inspection, Region).join(Region))).all()
    for inspection, region in sorted(rows, key=lambda row: row[1].code):
        add_user(f"sup-{region.code}", f"Руководитель ГИТ в {region.name_in}", Role.SUPERVISOR, inspection.id)
        for number, specialisations in enumerate(DEMO_SPECIALISATIONS, start=1):
            user = add_user(
                f"insp-{region.code}-{number}",
                f"Инспектор {number} ({region.name})",
                Role.INSPECTOR,
                inspection.id,
            )
            if user is not None:
                await session.flush()
                session.add(
                    Inspector(
                        user_id=user.id, inspection_id=inspection.id, specialisations=list(specialisations)
                    )
                )
                report.count("inspectors")
    report.logins += [
        ("sup-NN", "руководитель инспекции региона NN (например, sup-34)"),
        ("insp-NN-1..3", "инспекторы региона NN (например, insp-34-1)"),
    ]
    await session.flush()


@dataclass(frozen=True)
class FiledDemo:
    external_id: str
    tracking_number: str
    access_code: str | None  # None when filed by an earlier run (codes are kept only as hashes)


def demo_complaints() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(kb_content.path("demo_complaints.yaml").read_text("utf-8"))
    return rows


async def file_demo_complaints(
    sessions: async_sessionmaker[AsyncSession], upload_dir: Path
) -> list[FiledDemo]:
    """Sample complaints through the ordinary intake; idempotent by their external ids."""
    filed = []
    for row in demo_complaints():
        contact = row.get("contact", {})
        result = await submit_complaint(
            sessions,
            ComplaintInput(
                text=row["text"],
                channel=Channel.WEB,
                consent=True,
                external_id=row["id"],
                contact_name=contact.get("name"),
                contact_email=contact.get("email"),
                contact_phone=contact.get("phone"),
                region=row.get("region"),
                confidential=bool(row.get("confidential", False)),
            ),
            upload_dir=upload_dir,
        )
        filed.append(FiledDemo(row["id"], result.tracking_number, result.access_code))
    return filed


async def load_demo(session: AsyncSession) -> DemoReport:
    report = DemoReport()
    await load_reference_data(session, report)
    await load_demo_accounts(session, report)
    return report

from __future__ import annotations

import sqlalchemy as sa

from portal.container import build_container
from portal.demo import DEMO_SPECIALISATIONS, load_demo
from portal.migrate import upgrade
from portal.models import Inspection, Inspector, Region, User
from portal.reference import category_codes, regions
from portal.settings import load_settings
from portal.stats import collect_stats


async def _snapshot(container) -> dict[str, object]:  # type: ignore[no-untyped-def]
    async with container.sessions() as session:
        stats = await collect_stats(session)
        users = (await session.execute(sa.select(User.login, User.password_hash).order_by(User.login))).all()
    return {"stats": stats, "users": [tuple(row) for row in users]}


async def test_demo_twice_changes_nothing(fresh_database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    await asyncio.to_thread(upgrade, fresh_database_url)
    container = build_container(
        load_settings(database_url=fresh_database_url, data_dir=tmp_path, _env_file=None)
    )
    try:
        async with container.sessions.begin() as session:
            first = await load_demo(session)
        assert first.created["regions"] == 89
        assert first.created["inspections"] == 89
        assert first.created["inspectors"] == 89 * len(DEMO_SPECIALISATIONS)
        before = await _snapshot(container)

        async with container.sessions.begin() as session:
            second = await load_demo(session)
        assert second.created == {}
        assert await _snapshot(container) == before
    finally:
        await container.close()


async def test_every_region_has_its_inspection(container) -> None:  # type: ignore[no-untyped-def]
    async with container.sessions() as session:
        rows = (await session.execute(sa.select(Region.name, Inspection.name).join(Inspection))).all()
        specialisations = (await session.scalars(sa.select(Inspector.specialisations))).all()
    names = dict(rows)
    assert set(names) == {r.name for r in regions()}
    assert names["Волгоградская область"] == "Государственная инспекция труда в Волгоградской области"
    assert names["Москва"] == "Государственная инспекция труда в городе Москве"
    assert len({r.code for r in regions()}) == 89
    # Together the inspectors of one inspection cover every labour category.
    covered = {code for group in DEMO_SPECIALISATIONS for code in group}
    assert covered == category_codes() - {"out_of_scope"}
    assert all(set(s) <= category_codes() for s in specialisations)

"""PostgreSQL server administration for the test suite and the benchmarks: statements such as CREATE and
DROP DATABASE, which cannot run inside a transaction or in the database they change."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url


async def _execute(url: str, statements: tuple[str, ...]) -> None:
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def admin_execute(url: str, *statements: str) -> None:
    """Run statements, in order and each on its own, in the `postgres` database of the URL's server."""
    asyncio.run(_execute(url, statements))

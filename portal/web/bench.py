"""Measurements for the web layer (not tests): page render time at scale, submission rate, crash safety.

    python -m portal.web.bench seed   --cases 100000   # a PostgreSQL database with 100k cases (SQL inserts)
    python -m portal.web.bench render --requests 300   # p50/p95 of /staff/queue and /staff/cases/{id}
    python -m portal.web.bench submit --seconds 20     # POST /api/v1/complaints with wrk against uvicorn
    python -m portal.web.bench crash  --burst 400      # SIGKILL the server mid-burst; every 201 must survive

The database is BENCH_DATABASE_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/trudnadzor_bench);
`seed` drops and recreates it. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trudnadzor_bench"
BODY = {
    "text": "Работодатель не платит зарплату уже два месяца, долг 80 000 рублей, расчётных листков не дают.",
    "channel": "web",
    "contact": {"name": "Иван", "email": "ivan@example.org"},
    "region": "34",
    "consent": True,
}


# The highest limit the settings accept; 20 s at the target rate is 6,000 requests from one address.
BENCH_RATE_LIMIT_PER_MINUTE = 100_000


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def recreate_database(url: str) -> None:
    from portal.migrate import upgrade
    from portal.pgadmin import admin_execute

    name = make_url(url).database
    admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    upgrade(url)


async def _seed(url: str, n_cases: int, batch: int = 5000) -> None:
    from portal.container import build_container
    from portal.demo import load_demo
    from portal.models import Base
    from portal.reference import category_codes
    from portal.settings import load_settings

    settings = load_settings(database_url=url, data_dir=Path(tempfile.mkdtemp()), _env_file=None)
    container = build_container(settings)
    async with container.sessions.begin() as session:
        await load_demo(session)
    tables = Base.metadata.tables
    async with container.engine.connect() as connection:
        inspectors = (
            await connection.execute(sa.text("SELECT id, inspection_id FROM inspectors ORDER BY id"))
        ).all()
        rows = (await connection.execute(sa.text("SELECT id, region_id FROM inspections"))).all()
        regions = {int(row[0]): int(row[1]) for row in rows}
    categories = sorted(category_codes() - {"out_of_scope"})
    rng = random.Random(6)
    now = datetime.now(UTC)
    today = now.date()
    text = str(BODY["text"])
    for start in range(0, n_cases, batch):
        ids = range(start + 1, min(n_cases, start + batch) + 1)
        complaints: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for i in ids:
            inspector_id, inspection_id = inspectors[rng.randrange(len(inspectors))]
            received = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
            is_open = rng.random() < 0.2
            due: date = received.date() + timedelta(days=30)
            if is_open:  # open cases cluster around today: some overdue, most in time
                due = today + timedelta(days=rng.randint(-5, 30))
            status = rng.choice(["new", "in_progress", "awaiting_info"]) if is_open else "closed"
            category = rng.choice(categories)
            complaints.append(
                {
                    "id": i,
                    "tracking_number": f"B{i:09d}",
                    "access_code_hash": "x",
                    "channel": "web",
                    "text": text,
                    "contact_email": f"w{i}@example.org",
                    "confidential": rng.random() < 0.3,
                    "consent": True,
                    "status": "routed" if is_open else "answered",
                    "received_at": received,
                    "registered_at": received,
                    "categories": [category],
                    "facts": {"organizations": ["ООО Ромашка"]},
                    "urgent": False,
                }
            )
            cases.append(
                {
                    "id": i,
                    "number": f"BC{i:09d}",
                    "category": category,
                    "status": status,
                    "region_id": regions[inspection_id],
                    "inspection_id": inspection_id,
                    "inspector_id": inspector_id,
                    "priority": rng.randint(0, 3),
                    "urgent": rng.random() < 0.03,
                    "mass": False,
                    "registered_at": received,
                    "answer_due": due,
                    "assignment": {},
                    "created_at": received,
                }
            )
            problems.append(
                {
                    "complaint_id": i,
                    "position": 0,
                    "start": 0,
                    "end": 45,
                    "text": text[:45],
                    "category": category,
                    "confidence": 0.9,
                    "needs_review": False,
                    "evidence": [],
                    "jurisdiction": {},
                    "case_id": i,
                }
            )
            for kind, to_status in (("received", None), ("status", "registered"), ("status", status)):
                events.append(
                    {
                        "case_id": i if kind == "status" and to_status == status else None,
                        "complaint_id": i,
                        "kind": kind,
                        "to_status": to_status,
                        "actor": "system",
                        "data": {},
                        "created_at": received,
                    }
                )
        async with container.engine.begin() as connection:
            await connection.execute(tables["complaints"].insert(), complaints)
            await connection.execute(tables["cases"].insert(), cases)
            await connection.execute(tables["problems"].insert(), problems)
            await connection.execute(tables["case_events"].insert(), events)
        print(f"  {ids[-1]} cases", flush=True)
    async with container.engine.begin() as connection:
        for table in ("complaints", "cases", "problems", "case_events"):
            # Fixed table names from the tuple above, not input.
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
            await connection.execute(sa.text(statement))
        await connection.execute(sa.text("ANALYZE"))
    await container.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def _render(url: str, requests: int) -> dict[str, Any]:
    from litestar.testing import AsyncTestClient

    from portal.demo import DEMO_PASSWORD
    from portal.settings import load_settings
    from portal.web.app import create_app

    settings = load_settings(
        database_url=url, data_dir=Path(tempfile.mkdtemp()), worker_mode="external", _env_file=None
    )
    from sqlalchemy.ext.asyncio import create_async_engine

    results: dict[str, Any] = {}
    engine = create_async_engine(url)  # not the app's engine: the test client runs the app on its own loop
    async with engine.connect() as connection:
        login, inspector_id = (
            await connection.execute(
                sa.text(
                    "SELECT u.login, i.id FROM cases c JOIN inspectors i ON i.id = c.inspector_id "
                    "JOIN users u ON u.id = i.user_id WHERE c.status <> 'closed' "
                    "GROUP BY u.login, i.id ORDER BY count(*) DESC LIMIT 1"
                )
            )
        ).one()
        case_ids = [
            row[0]
            for row in await connection.execute(
                sa.text("SELECT id FROM cases WHERE inspector_id = :i"), {"i": inspector_id}
            )
        ]
        total = (await connection.execute(sa.text("SELECT count(*) FROM cases"))).scalar_one()
    await engine.dispose()
    supervisor = "sup-" + login.split("-")[1]
    plan = [
        (login, "queue", ["/staff/queue"] * requests),
        (login, "queue_overdue_filter", ["/staff/queue?overdue=1"] * requests),
        (login, "case", [f"/staff/cases/{random.choice(case_ids)}" for _ in range(requests)]),
        (supervisor, "queue_supervisor", ["/staff/queue"] * requests),
        ("admin", "queue_admin_all_regions", ["/staff/queue"] * (requests // 3)),
    ]
    for user, name, paths in plan:
        async with AsyncTestClient(app=create_app(settings, run_worker=False)) as client:
            page = await client.get("/login")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            signed = await client.post(
                "/login",
                data={"login": user, "password": DEMO_PASSWORD, "_csrf_token": token},
                follow_redirects=False,
            )
            assert signed.status_code == 303, signed.text
            await client.get(paths[0])  # warm up
            times = []
            for path in paths:
                started = time.perf_counter()
                response = await client.get(path, follow_redirects=False)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            results[name] = {
                "user": user,
                "requests": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "max_ms": round(max(times), 1),
            }
    results["cases_in_database"] = total
    results["inspector_cases"] = len(case_ids)
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    url: str, port: int, workers: int = 2, factory: str = "portal.web.app:create_app"
) -> subprocess.Popen[bytes]:
    """uvicorn in its own process group, analysis queued for an external worker.

    The rate limit stays on, at its highest setting: every request of the load comes from one address.
    """
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WORKER_MODE": "external",
        "PUBLIC_RATE_LIMIT_PER_MINUTE": str(BENCH_RATE_LIMIT_PER_MINUTE),
        "DATA_DIR": tempfile.mkdtemp(prefix="trudnadzor-bench-"),
        "SECRET_KEY": "bench-secret-key-bench-secret-key",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        start_new_session=True,
        # The server's output goes to a file: a pipe that nobody drains would block it.
        stdout=(Path(env["DATA_DIR"]) / "uvicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    # Ready when /health answers a few times in a row: the socket opens before the workers have imported.
    import httpx

    deadline = time.monotonic() + 90
    healthy = 0
    while time.monotonic() < deadline:
        try:
            healthy = healthy + 1 if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).is_success else 0
        except httpx.HTTPError:
            healthy = 0
        if healthy >= 3 * workers:
            return process
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("uvicorn did not start")


def group_cpu_seconds(pgid: int) -> float:
    """User+system CPU time of every live process in the server's process group (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def stop_server(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    process.wait(timeout=30)


def _wrk_script() -> Path:
    path = Path(tempfile.mkdtemp()) / "post.lua"
    body = json.dumps(BODY, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.body = "{body}"\n'
        "local created = 0\n"
        "response = function(status, headers, body) if status ~= 201 then print(status) end end\n",
        encoding="utf-8",
    )
    return path


async def _count(url: str, since_id: int) -> tuple[int, int]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.connect() as connection:
        complaints = (
            await connection.execute(
                sa.text("SELECT count(*) FROM complaints WHERE id > :i"), {"i": since_id}
            )
        ).scalar_one()
        jobs = (
            await connection.execute(
                sa.text(
                    "SELECT count(*) FROM jobs WHERE kind = 'analyse_complaint' "
                    "AND CAST(payload->>'complaint_id' AS INTEGER) > :i"
                ),
                {"i": since_id},
            )
        ).scalar_one()
    await engine.dispose()
    return int(complaints), int(jobs)


async def _max_id(url: str) -> int:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.connect() as connection:
        query = sa.text("SELECT coalesce(max(id), 0) FROM complaints")
        value = (await connection.execute(query)).scalar_one()
    await engine.dispose()
    return int(value)


def postgres_ticks() -> dict[int, int]:
    """CPU clock ticks (user+system) of each PostgreSQL process on this machine: backends and helpers."""
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name.startswith("postgres"):
            fields = rest.split()
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


def submit(url: str, seconds: int, connections: int, workers: int) -> dict[str, Any]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    port = _free_port()
    before = asyncio.run(_max_id(url))
    server = start_server(url, port, workers)
    cpu_before = group_cpu_seconds(server.pid)
    database_before = postgres_ticks()
    load_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                str(_wrk_script()),
                f"http://127.0.0.1:{port}/api/v1/complaints",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        cpu_used = group_cpu_seconds(server.pid) - cpu_before
        # The backends end with the server's connections: read them while the server still runs.
        database_after = postgres_ticks()
        load_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        stop_server(server)
    complaints, jobs = asyncio.run(_count(url, before))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    per = max(complaints, 1)
    database_ticks = sum(t - database_before.get(pid, 0) for pid, t in database_after.items())
    database_cpu = database_ticks / os.sysconf("SC_CLK_TCK")
    load_cpu = (load_after.ru_utime + load_after.ru_stime) - (load_before.ru_utime + load_before.ru_stime)
    total_cpu = cpu_used + database_cpu + load_cpu
    return {
        "wrk": output,
        "requests_per_second": float(rate.group(1)) if rate else None,
        "complaints_stored": complaints,
        "analysis_jobs_queued": jobs,
        "complaints_per_second_stored": round(complaints / seconds, 1),
        # Independent of other load on the machine: the server's own CPU per stored complaint.
        "server_cpu_ms_per_complaint": round(cpu_used * 1000 / per, 2),
        # PostgreSQL (when it runs on this machine) and the load generator share the same cores.
        "postgres_cpu_ms_per_complaint": round(database_cpu * 1000 / per, 2),
        "wrk_cpu_ms_per_complaint": round(load_cpu * 1000 / per, 2),
        "cpu_bound_ceiling_per_second_on_this_many_cores": round(
            (os.cpu_count() or 1) / max(cpu_used / per, 1e-9), 1
        ),
        # Server, database and load generator together on this machine's cores.
        "all_three_ceiling_per_second_on_this_many_cores": round(
            (os.cpu_count() or 1) / max(total_cpu / per, 1e-9), 1
        ),
    }


async def _burst(port: int, burst: int, kill_after: int, server: subprocess.Popen[bytes]) -> list[str]:
    """POST `burst` complaints with 32 in flight; SIGKILL the server after `kill_after` answers."""
    import httpx

    created: list[str] = []
    answered = 0
    killed = False
    semaphore = asyncio.Semaphore(32)

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal answered, killed
        async with semaphore:
            if killed:
                return
            try:
                response = await client.post(f"http://127.0.0.1:{port}/api/v1/complaints", json=BODY)
            except httpx.HTTPError:
                return  # the server died under this request: no 201, no promise made
            answered += 1
            if response.status_code == 201:
                created.append(response.json()["tracking_number"])
            if answered >= kill_after and not killed:
                killed = True
                os.killpg(server.pid, signal.SIGKILL)

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(client) for _ in range(burst)))
    return created


async def _verify(url: str, numbers: list[str], since_id: int) -> dict[str, Any]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.text(
                    "SELECT c.tracking_number, j.id IS NOT NULL FROM complaints c LEFT JOIN jobs j "
                    "ON j.dedupe_key = 'analyse:' || c.id WHERE c.tracking_number = ANY(:n)"
                ),
                {"n": numbers},
            )
        ).all()
        # Atomic intake: no complaint of the burst (answered or not) may exist without its analysis job.
        orphans = (
            await connection.execute(
                sa.text(
                    "SELECT count(*) FROM complaints c WHERE c.id > :i AND NOT EXISTS "
                    "(SELECT 1 FROM jobs j WHERE j.dedupe_key = 'analyse:' || c.id)"
                ),
                {"i": since_id},
            )
        ).scalar_one()
        stored = (
            await connection.execute(
                sa.text("SELECT count(*) FROM complaints WHERE id > :i"), {"i": since_id}
            )
        ).scalar_one()
    await engine.dispose()
    found = {number: has_job for number, has_job in rows}
    return {
        "acknowledged_201": len(numbers),
        "found_after_restart": len(found),
        "with_analysis_job": sum(1 for v in found.values() if v),
        "missing": sorted(set(numbers) - set(found))[:20],
        "stored_in_burst": int(stored),
        "stored_without_job": int(orphans),
    }


def crash(url: str, burst: int, kill_after: int) -> dict[str, Any]:
    port = _free_port()
    before = asyncio.run(_max_id(url))
    server = start_server(url, port, 1)
    try:
        created = asyncio.run(_burst(port, burst, kill_after, server))
    finally:
        stop_server(server, signal.SIGKILL)
    restarted = start_server(url, port, workers=1)  # the restart must find every acknowledged complaint
    try:
        result = asyncio.run(_verify(url, created, before))
    finally:
        stop_server(restarted)
    result["lost"] = result["acknowledged_201"] - result["with_analysis_job"]
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.web.bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--cases", type=int, default=100_000)
    render_parser = sub.add_parser("render")
    render_parser.add_argument("--requests", type=int, default=300)
    submit_parser = sub.add_parser("submit")
    submit_parser.add_argument("--seconds", type=int, default=20)
    submit_parser.add_argument("--connections", type=int, default=64)
    submit_parser.add_argument("--workers", type=int, default=2)
    crash_parser = sub.add_parser("crash")
    crash_parser.add_argument("--burst", type=int, default=400)
    crash_parser.add_argument("--kill-after", type=int, default=150)
    args = parser.parse_args(argv)
    url = bench_url()
    if args.command == "seed":
        started = time.monotonic()
        recreate_database(url)
        asyncio.run(_seed(url, args.cases))
        print(json.dumps({"cases": args.cases, "seconds": round(time.monotonic() - started, 1)}))
    elif args.command == "render":
        print(json.dumps(asyncio.run(_render(url, args.requests)), ensure_ascii=False, indent=2))
    elif args.command == "submit":
        result = submit(url, args.seconds, args.connections, args.workers)
        print(result.pop("wrk"))
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.command == "crash":
        print(json.dumps(crash(url, args.burst, args.kill_after), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

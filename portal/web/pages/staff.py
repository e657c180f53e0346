"""Staff pages: the inspector's queue, the case page with its actions, and the supervisor's centre."""

from __future__ import annotations

import csv
import io
import time
from typing import Annotated, Any
from urllib.parse import quote

import sqlalchemy as sa
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import knowledge
from portal.cases import CaseAccessDenied, CaseActionError, CaseNotFound
from portal.models import Job, JobState, Role
from portal.reference import taxonomy
from portal.situation import Scope, situation
from portal.staff_views import (
    ACTIONS_RU,
    QueueFilters,
    case_detail,
    queue,
    queue_csv,
)
from portal.states import CaseStatus
from portal.tracking import CASE_STATUS_RU
from portal.web.auth import requires
from portal.web.errors import error_handler
from portal.web.pages.common import commit_case_action, current_actor, flash, signed_in, take_flash, today

CASE_WORKERS = requires(Role.INSPECTOR, Role.SUPERVISOR)
CENTRE_VIEWERS = requires(Role.SUPERVISOR, Role.ANALYST)


def _to_login(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A page that needs sign-in sends people to the login form and back (GET only; forms get a 401)."""
    if request.method == "GET":
        return Redirect(path=f"/login?next={quote(str(request.url.path))}", status_code=303)
    return error_handler(request, exc)


def _filters(status: str, category: str, overdue: str, page: int) -> QueueFilters:
    return QueueFilters(status=status, category=category, overdue=overdue in ("1", "on", "true"), page=page)


@get("/queue", guards=[CASE_WORKERS])
async def queue_page(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    status: Annotated[str, QueryParameter(max_length=32)] = "",
    category: Annotated[str, QueryParameter(max_length=32)] = "",
    overdue: Annotated[str, QueryParameter(max_length=8)] = "",
    page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
) -> Template:
    actor = await current_actor(request, session)
    filters = _filters(status, category, overdue, page)
    data = await queue(session, actor, filters, today())
    return Template(
        template_name="staff/queue.html",
        context={
            **data,
            "filters": filters,
            "statuses": [(s.value, CASE_STATUS_RU.get(s.value, s.value)) for s in CaseStatus],
            "categories": taxonomy(),
            "user": signed_in(request),
            "flash": take_flash(request),
            "query": request.url.query or "",
        },
    )


@get("/queue.csv", guards=[CASE_WORKERS])
async def queue_export(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    status: Annotated[str, QueryParameter(max_length=32)] = "",
    category: Annotated[str, QueryParameter(max_length=32)] = "",
    overdue: Annotated[str, QueryParameter(max_length=8)] = "",
) -> Response[str]:
    actor = await current_actor(request, session)
    data = await queue(session, actor, _filters(status, category, overdue, 1), today())
    return Response(
        queue_csv(data["items"]),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="queue.csv"'},
    )


@get("/cases/{case_id:int}", guards=[CASE_WORKERS])
async def case_page(
    request: Request[Any, Any, Any], session: NamedDependency[AsyncSession], case_id: FromPath[int]
) -> Template:
    actor = await current_actor(request, session)
    try:
        detail = await case_detail(session, actor, case_id, today())
    except CaseNotFound as exc:
        raise NotFoundException(str(exc)) from None
    except CaseAccessDenied:
        raise PermissionDeniedException("Это дело другой инспекции.") from None
    return Template(
        template_name="staff/case.html",
        context={
            "c": detail,
            "kb": await _kb_for(request, detail),
            "user": signed_in(request),
            "flash": take_flash(request),
            "actions": ACTIONS_RU,
            "error": None,
        },
    )


async def _kb_for(request: Request[Any, Any, Any], detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Knowledge-base answers for the case's own problem text: what the inspector may cite in the answer."""
    own = ["".join(s["text"] for s in c["segments"] if s["problem"]) for c in detail["complaints"]]
    query = " ".join(own)[:500] or detail["category_name"]
    return list((await knowledge.search_kb(request.app.state.container, query, 3))["hits"])


@post("/cases/{case_id:int}/actions/{action:str}", guards=[CASE_WORKERS])
async def case_action(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    case_id: FromPath[int],
    action: FromPath[str],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    actor = await current_actor(request, session)
    if action not in ACTIONS_RU:
        raise NotFoundException("Неизвестное действие.")
    try:
        message = await commit_case_action(session, actor, case_id, action, data)
    except CaseActionError as exc:
        detail = await case_detail(session, actor, case_id, today())
        return Template(  # type: ignore[return-value]
            template_name="staff/case.html",
            context={
                "c": detail,
                "user": signed_in(request),
                "flash": [],
                "actions": ACTIONS_RU,
                "error": str(exc),
                "failed_action": action,
                "form": data,
            },
            status_code=422,
        )
    flash(request, message)
    return Redirect(path=f"/staff/cases/{case_id}", status_code=303)


async def _scope(request: Request[Any, Any, Any], session: AsyncSession) -> Scope:
    user = signed_in(request)
    try:
        return await Scope.for_viewer(session, user.role, user.inspection_id)
    except PermissionError:
        raise PermissionDeniedException("У вашей роли нет доступа к этой странице.") from None


# The centre's aggregates (KPI over 30 days included) take seconds at scale and change slowly: keep each
# scope's figures for a minute in this process.
CENTRE_TTL_SECONDS = 60.0
_centre_cache: dict[tuple[int | None, str], tuple[float, dict[str, Any]]] = {}


async def _situation(session: AsyncSession, scope: Scope) -> dict[str, Any]:
    day = today()
    key = (scope.region_id, day.isoformat())
    cached = _centre_cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    data = await situation(session, scope, day)
    if len(_centre_cache) > 200:
        _centre_cache.clear()
    _centre_cache[key] = (time.monotonic() + CENTRE_TTL_SECONDS, data)
    return data


@get("/centre", guards=[CENTRE_VIEWERS])
async def centre_page(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template:
    user = signed_in(request)
    data = await _situation(session, await _scope(request, session))
    overdue_cases: list[dict[str, Any]] = []
    if user.role in (Role.SUPERVISOR, Role.ADMIN):  # analysts see aggregates only
        actor = await current_actor(request, session)
        overdue_cases = (await queue(session, actor, QueueFilters(overdue=True), today()))["items"]
    return Template(
        template_name="staff/centre.html",
        context={"s": data, "user": user, "overdue_cases": overdue_cases, "flash": take_flash(request)},
    )


@get("/centre.csv", guards=[CENTRE_VIEWERS])
async def centre_export(
    request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
) -> Response[str]:
    data = await _situation(session, await _scope(request, session))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "name", "value"])
    for key in ("received_today", "in_work", "overdue", "urgent", "accidents", "triage"):
        writer.writerow(["total", key, data[key]])
    for row in data["by_category"]:
        writer.writerow(["category", row["name"], row["open"]])
    for row in data["by_region"]:
        writer.writerow(["region", row["region"], row["open"]])
    for row in data["employers_by_risk"]:
        writer.writerow(["employer_risk", row["category"], row["employers"]])
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="centre-{data["today"]}.csv"'},
    )


# --------------------------------------------------------------------------- jobs (admins)

ADMINS = requires()  # admins pass every guard; no other role is listed


@get("/jobs", guards=[ADMINS])
async def jobs_page(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template:
    """The dead-letter queue: jobs whose retries ran out, with their last error and a retry button."""
    counts = dict(
        (await session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state))).tuples().all()
    )
    dead = (
        await session.scalars(
            sa.select(Job).where(Job.state == JobState.DEAD).order_by(Job.id.desc()).limit(200)
        )
    ).all()
    return Template(
        template_name="staff/jobs.html",
        context={
            "counts": {state.value: counts.get(state, 0) for state in JobState},
            "dead": dead,
            "user": signed_in(request),
            "flash": take_flash(request),
        },
    )


@post("/jobs/{job_id:int}/retry", guards=[ADMINS])
async def job_retry(request: Request[Any, Any, Any], job_id: FromPath[int]) -> Redirect:
    retried = await request.app.state.container.queue.retry_dead(job_id)
    flash(
        request,
        f"Задача {job_id} снова в очереди." if retried else f"Задача {job_id} уже не в списке ошибок.",
    )
    return Redirect(path="/staff/jobs", status_code=303)


staff_router = Router(
    path="/staff",
    route_handlers=[
        queue_page,
        queue_export,
        case_page,
        case_action,
        centre_page,
        centre_export,
        jobs_page,
        job_retry,
    ],
    exception_handlers={NotAuthorizedException: _to_login},
    include_in_schema=False,
)

STAFF_HANDLERS: list[Any] = [staff_router]

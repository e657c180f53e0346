"""The inspector API: bearer tokens (`Authorization: Bearer tn_…`) and the same case actions as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from portal.cases import Actor, CaseAccessDenied, CaseActionError, CaseNotFound
from portal.models import Role
from portal.staff_views import ACTIONS_RU, QueueFilters, actor_for, queue, staff_case_json
from portal.tokens import user_for_token
from portal.web.errors import UnprocessableEntity
from portal.web.pages.common import commit_case_action, today

API_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ADMIN})


async def _actor(request: Request[Any, Any, Any], session: AsyncSession) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("Нужен токен доступа: заголовок Authorization: Bearer tn_…")
    user = await user_for_token(session, token.strip())
    if user is None:
        raise NotAuthorizedException("Токен недействителен или отозван.")
    await session.commit()  # keeps last_used_at
    if user.role not in API_ROLES:
        raise PermissionDeniedException("API дел доступно инспекторам и руководителям инспекций.")
    return await actor_for(session, user.id, user.role, user.inspection_id)


def _json_case_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "number", "category", "category_name", "status", "priority", "urgent")},
        "answer_due": item["due"].isoformat() if item["due"] else None,
        "overdue": item["overdue"],
        "inspector": item["inspector"],
    }


class StaffApiController(Controller):
    path = "/api/v1/staff/cases"
    tags = ["staff"]

    @get("/", summary="Очередь дел инспектора")
    async def list_cases(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        status: Annotated[str, QueryParameter(max_length=32)] = "",
        category: Annotated[str, QueryParameter(max_length=32)] = "",
        overdue: FromQuery[bool] = False,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
    ) -> dict[str, Any]:
        actor = await _actor(request, session)
        data = await queue(session, actor, QueueFilters(status, category, overdue, page), today())
        return {
            "items": [_json_case_row(i) for i in data["items"]],
            "page": data["page"],
            "has_next": data["has_next"],
        }

    @get("/{case_id:int}", summary="Дело")
    async def get_case(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession], case_id: FromPath[int]
    ) -> dict[str, Any]:
        actor = await _actor(request, session)
        try:
            return await staff_case_json(session, actor, case_id, today())
        except CaseNotFound as exc:
            raise NotFoundException(str(exc)) from None
        except CaseAccessDenied as exc:
            raise PermissionDeniedException(str(exc)) from None

    @post("/{case_id:int}/actions/{action:str}", status_code=200, summary="Действие по делу")
    async def act(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        case_id: FromPath[int],
        action: FromPath[str],
        data: JSONBody[dict[str, Any] | None] = None,
    ) -> dict[str, Any]:
        actor = await _actor(request, session)
        if action not in ACTIONS_RU:
            raise NotFoundException(f"Неизвестное действие. Доступны: {', '.join(ACTIONS_RU)}.")
        try:
            message = await commit_case_action(session, actor, case_id, action, dict(data or {}))
        except CaseActionError as exc:
            raise UnprocessableEntity({"action": str(exc)}) from None
        return {
            "ok": True,
            "message": message,
            "case": await staff_case_json(session, actor, case_id, today()),
        }

"""Small helpers shared by the page controllers: today's legal date, the actor, one-shot flash messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException, PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

from portal.cases import Actor, CaseAccessDenied, CaseActionError, CaseNotFound
from portal.routing_service import legal_date
from portal.staff_views import actor_for, perform_action
from portal.web.auth import SessionUser, session_user


def today() -> date:
    return legal_date(datetime.now(UTC))


def signed_in(request: Request[Any, Any, Any]) -> SessionUser:
    user = session_user(request)
    assert user is not None  # the route's guard admitted a signed-in user
    return user


async def current_actor(request: Request[Any, Any, Any], session: AsyncSession) -> Actor:
    user = signed_in(request)
    return await actor_for(session, user.id, user.role, user.inspection_id)


async def commit_case_action(
    session: AsyncSession, actor: Actor, case_id: int, action: str, fields: dict[str, Any]
) -> str:
    """Run one case action and commit it; returns the Russian confirmation.

    No access and no such case become 403 and 404; a CaseActionError (bad input, wrong state) is re-raised
    for the caller to show in its own way. Nothing is left half-done: every failure rolls back.
    """
    try:
        message = await perform_action(session, actor, case_id, action, fields)
        await session.commit()
    except CaseAccessDenied as exc:
        await session.rollback()
        raise PermissionDeniedException(str(exc)) from None
    except CaseNotFound as exc:
        await session.rollback()
        raise NotFoundException(str(exc)) from None
    except CaseActionError:
        await session.rollback()
        raise
    return message


def flash(request: Request[Any, Any, Any], message: str, kind: str = "ok") -> None:
    data = dict(request.session) if "session" in request.scope else {}
    data.setdefault("flash", [])
    data["flash"] = [*data["flash"], {"kind": kind, "text": message}][-5:]
    request.set_session(data)


def take_flash(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    if "session" not in request.scope or not request.session.get("flash"):
        return []
    data = dict(request.session)
    messages = data.pop("flash")
    request.set_session(data)
    return list(messages)

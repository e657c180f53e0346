"""Staff sign-in: server-side sessions, role guards and the login/logout pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Role, User
from portal.security import averify_nothing, averify_secret

STAFF_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN})


@dataclass(frozen=True)
class SessionUser:
    id: int
    login: str
    full_name: str
    role: Role
    inspection_id: int | None

    def as_session(self) -> dict[str, Any]:
        return {
            "user_id": self.id,
            "login": self.login,
            "full_name": self.full_name,
            "role": self.role.value,
            "inspection_id": self.inspection_id,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> SessionUser | None:
        if not data or "user_id" not in data:
            return None
        return cls(
            id=int(data["user_id"]),
            login=str(data["login"]),
            full_name=str(data["full_name"]),
            role=Role(data["role"]),
            inspection_id=data.get("inspection_id"),
        )


def session_user(connection: ASGIConnection[Any, Any, Any, Any]) -> SessionUser | None:
    return SessionUser.from_session(connection.session if "session" in connection.scope else {})


def requires(*roles: Role) -> Any:
    """A guard that admits signed-in users with one of the roles (an admin is admitted everywhere)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        user = session_user(connection)
        if user is None:
            raise NotAuthorizedException("Войдите в систему, чтобы продолжить.")
        if user.role != Role.ADMIN and user.role not in roles:
            raise PermissionDeniedException("У вашей роли нет доступа к этой странице.")

    return guard


async def authenticate(session: AsyncSession, login: str, password: str) -> SessionUser | None:
    user = await session.scalar(sa.select(User).where(User.login == login.strip().lower()))
    if user is None or not user.is_active:
        await averify_nothing(password)
        return None
    if not await averify_secret(user.password_hash, password):
        return None
    return SessionUser(user.id, user.login, user.full_name, user.role, user.inspection_id)


def home_for(user: SessionUser) -> str:
    if user.role == Role.EMPLOYER:
        return "/self-check"
    if user.role in (Role.SUPERVISOR, Role.ANALYST, Role.ADMIN):
        return "/staff/centre"
    return "/staff/queue"


@get("/login", include_in_schema=False)
async def login_page(
    next_url: Annotated[str | None, QueryParameter(name="next", max_length=500)] = None,
) -> Template:
    return Template(template_name="login.html", context={"error": None, "login": "", "next": next_url or ""})


@post("/login", include_in_schema=False)
async def login_submit(
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    state: State,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    login = (data.get("login") or "")[:64]
    user = await authenticate(session, login, (data.get("password") or "")[:256])
    if user is None:
        return Template(
            template_name="login.html",
            context={"error": "Неверный логин или пароль.", "login": login, "next": data.get("next", "")},
            status_code=401,
        )  # type: ignore[return-value]
    request.clear_session()  # a fresh session id on sign-in: no session fixation
    request.set_session(user.as_session())
    target = data.get("next") or ""
    # Only local paths: never an open redirect to another site.
    if not target.startswith("/") or target.startswith("//"):
        target = home_for(user)
    return Redirect(path=target, status_code=303)


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect(path="/", status_code=303)

"""Public JSON API additions: KB search, self-check checklists and assessments, open statistics."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from portal import knowledge
from portal.assessments import UnknownChecklist, get_checklist, run_assessment
from portal.selfcheck import load_checklists
from portal.web.errors import UnprocessableEntity


class AssessmentIn(BaseModel):
    answers: dict[str, str] = Field(description="id вопроса → yes | no | na", max_length=500)


class PublicApiController(Controller):
    path = "/api/v1"
    tags = ["public"]

    @get("/kb/search", summary="Поиск ответа в базе знаний")
    async def kb_search(
        self,
        state: State,
        q: Annotated[str, QueryParameter(min_length=1, max_length=500, description="Вопрос своими словами")],
        k: Annotated[int, QueryParameter(ge=1, le=20)] = 5,
    ) -> dict[str, Any]:
        return await knowledge.search_kb(state.container, q, k)

    @get("/checklists", summary="Чек-листы самопроверки работодателя")
    async def checklists(self) -> dict[str, Any]:
        return {
            "checklists": [
                {
                    "id": c.id,
                    "title": c.title,
                    "description": c.description,
                    "items": [
                        {"id": i.id, "question": i.question, "ref": i.ref, "severity": i.severity}
                        for i in c.items
                    ],
                }
                for c in sorted(load_checklists().values(), key=lambda c: c.title)
            ]
        }

    @post("/checklists/{checklist_id:str}/assessments", status_code=200, summary="Пройти самопроверку")
    async def assess(
        self,
        checklist_id: FromPath[str],
        data: JSONBody[AssessmentIn],
        session: NamedDependency[AsyncSession],
    ) -> dict[str, Any]:
        try:
            get_checklist(checklist_id)
            _assessment, result = await run_assessment(session, None, checklist_id, data.answers)
        except UnknownChecklist as exc:
            raise NotFoundException(str(exc)) from None
        except ValueError as exc:
            raise UnprocessableEntity({"answers": str(exc).split(". Un")[0].split(". Invalid")[0]}) from None
        return result

    @get("/stats", summary="Открытые данные: обращения по категориям, регионам и месяцам")
    async def stats(self, session: NamedDependency[AsyncSession]) -> dict[str, Any]:
        from portal.situation import MIN_PUBLISHED_COUNT, open_data

        return {"suppressed_below": MIN_PUBLISHED_COUNT, "rows": await open_data(session)}

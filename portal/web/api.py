"""The public JSON API (v1): a contract other clients rely on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from portal.container import Container
from portal.intake import ComplaintInput, IntakeError, find_complaint, submit_complaint
from portal.models import Channel
from portal.tracking import public_view
from portal.web.errors import UnprocessableEntity


class ContactIn(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)


class EmployerIn(BaseModel):
    name: str | None = Field(default=None, max_length=300)
    inn: str | None = Field(default=None, max_length=12)


class ComplaintIn(BaseModel):
    text: str = Field(max_length=20_000, description="Что произошло, своими словами")
    channel: Literal["web"] = "web"
    contact: ContactIn
    region: str | None = Field(default=None, max_length=120, description="Субъект РФ: название или код")
    employer: EmployerIn | None = None
    confidential: bool = Field(
        default=False, description="Не сообщать работодателю, кто обратился (ст. 358 ТК РФ)"
    )
    consent: bool = Field(description="Согласие на обработку персональных данных (152-ФЗ)")


class ComplaintCreated(BaseModel):
    tracking_number: str
    access_code: str
    status: str


class ComplaintsController(Controller):
    path = "/api/v1/complaints"
    tags = ["complaints"]

    @post("/", status_code=201, summary="Подать обращение")
    async def create(self, data: JSONBody[ComplaintIn], state: State) -> ComplaintCreated:
        container: Container = state.container
        settings = container.settings
        employer = data.employer or EmployerIn()
        try:
            result = await submit_complaint(
                container.sessions,
                ComplaintInput(
                    text=data.text,
                    channel=Channel.WEB,
                    consent=data.consent,
                    contact_name=data.contact.name,
                    contact_email=data.contact.email,
                    contact_phone=data.contact.phone,
                    region=data.region,
                    employer_name=employer.name,
                    employer_inn=employer.inn,
                    confidential=data.confidential,
                ),
                upload_dir=settings.uploads_path,
                max_attachments=settings.upload_max_files,
                max_bytes=settings.upload_max_bytes,
            )
        except IntakeError as exc:
            raise UnprocessableEntity(exc.errors) from None
        assert result.access_code is not None  # the web has no external id, so never a duplicate
        return ComplaintCreated(
            tracking_number=result.tracking_number, access_code=result.access_code, status=result.status.value
        )

    @get("/{tracking_number:str}", summary="Статус обращения по номеру и коду доступа")
    async def status(
        self,
        tracking_number: FromPath[str],
        session: NamedDependency[AsyncSession],
        code: Annotated[str, QueryParameter(min_length=1, max_length=32, description="Код доступа")],
    ) -> dict[str, Any]:
        complaint = await find_complaint(session, tracking_number, code)
        if complaint is None:
            raise NotFoundException("Обращение с таким номером и кодом не найдено.")
        return await public_view(session, complaint)

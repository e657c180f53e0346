"""Public pages: filing and tracking a complaint, the knowledge base, employers' self-check, statistics."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from portal import knowledge
from portal.assessments import UnknownChecklist, get_checklist, history, run_assessment
from portal.attachments import ALLOWED_TYPES, IncomingFile
from portal.container import Container
from portal.intake import MAX_TEXT, MIN_TEXT, ComplaintInput, IntakeError, find_complaint, submit_complaint
from portal.models import Channel, Role
from portal.reference import regions
from portal.routing_service import LEGAL_TIMEZONE
from portal.selfcheck import SEVERITY_LABELS, load_checklists
from portal.tracking import public_view
from portal.web.auth import session_user

log = logging.getLogger(__name__)
STATIC_CSS = Path(__file__).resolve().parents[1] / "static" / "app.css"

FORM_FIELDS = (
    "text",
    "employer_name",
    "employer_inn",
    "employer_address",
    "region",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _form_context(container: Container, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    settings = container.settings
    return {
        "regions": sorted(regions(), key=lambda r: r.name),
        "values": values,
        "errors": errors,
        "min_text": MIN_TEXT,
        "max_text": MAX_TEXT,
        "max_files": settings.upload_max_files,
        "max_mb": settings.upload_max_bytes // (1024 * 1024),
        "allowed": "JPG, PNG, WEBP, HEIC, PDF, DOC, DOCX, XLSX, ODT, TXT",
        "accept": ",".join(f".{ext}" for ext in sorted(set(ALLOWED_TYPES.values()))),
    }


@get("/complaint", include_in_schema=False)
async def complaint_form(state: State) -> Template:
    return Template(
        template_name="complaint_form.html",
        context=_form_context(state.container, {"confidential": False}, {}),
    )


async def _files(form: Any) -> list[IncomingFile]:
    files = []
    for upload in form.getall("attachments") if hasattr(form, "getall") else []:
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            if data:
                files.append(IncomingFile(name=upload.filename, data=data))
    return files


@post("/complaint", include_in_schema=False)
async def complaint_submit(request: Request[Any, Any, Any], state: State) -> Response[Any]:
    container: Container = state.container
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    values["confidential"] = form.get("confidential") == "on"
    consent = form.get("consent") == "on"
    text = str(values["text"])
    if values["employer_address"] and len(text) >= MIN_TEXT:
        # The intake has no address field yet: keep it in the text the inspector reads.
        text = f"{text}\n\nАдрес работодателя: {values['employer_address'][:300]}"
    try:
        files = await _files(form)
        result = await submit_complaint(
            container.sessions,
            ComplaintInput(
                text=text,
                channel=Channel.WEB,
                consent=consent,
                contact_name=values["contact_name"] or None,
                contact_email=values["contact_email"] or None,
                contact_phone=values["contact_phone"] or None,
                region=values["region"] or None,
                employer_name=values["employer_name"] or None,
                employer_inn=values["employer_inn"] or None,
                confidential=bool(values["confidential"]),
                attachments=files,
            ),
            upload_dir=container.settings.uploads_path,
            max_attachments=container.settings.upload_max_files,
            max_bytes=container.settings.upload_max_bytes,
        )
    except IntakeError as exc:
        errors = {key.replace(".", "_"): message for key, message in exc.errors.items()}
        return Template(  # type: ignore[return-value]
            template_name="complaint_form.html",
            context=_form_context(container, values, errors),
            status_code=422,
        )
    # Post/redirect/get: the code is shown once, from the session, and a reload does not file again.
    data = dict(request.session)
    data["filed"] = {"tracking_number": result.tracking_number, "access_code": result.access_code}
    request.set_session(data)
    return Redirect(path="/complaint/done", status_code=303)


@get("/complaint/done", include_in_schema=False)
async def complaint_done(request: Request[Any, Any, Any]) -> Response[Any]:
    data = dict(request.session)
    filed = data.pop("filed", None)
    if not filed:
        return Redirect(path="/track", status_code=303)
    request.set_session(data)
    return Template(template_name="complaint_done.html", context={"filed": filed})  # type: ignore[return-value]


@get("/track", include_in_schema=False)
async def track_form() -> Template:
    return Template(template_name="track.html", context={"view": None, "number": "", "not_found": False})


@post("/track", include_in_schema=False)
async def track_submit(
    session: NamedDependency[AsyncSession],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    number = (data.get("number") or "").strip()[:32]
    code = (data.get("code") or "").strip()[:32]
    complaint = await find_complaint(session, number, code) if number and code else None
    if complaint is None:
        # A wrong code and an unknown number get the same answer.
        return Template(
            template_name="track.html",
            context={"view": None, "number": number, "not_found": True},
            status_code=404,
        )
    view = await public_view(session, complaint)
    return Template(
        template_name="track.html", context={"view": _readable(view), "number": number, "not_found": False}
    )


def _readable(view: dict[str, Any]) -> dict[str, Any]:
    """Dates as people write them (22.12.2026) and times in Moscow time, the legal time of the terms."""

    def moment(value: str) -> str:
        return datetime.fromisoformat(value).astimezone(LEGAL_TIMEZONE).strftime("%d.%m.%Y %H:%M")

    return {
        **view,
        "received_at": moment(view["received_at"])[:10],
        "problems": [
            {
                **p,
                "answer_due": date.fromisoformat(p["answer_due"]).strftime("%d.%m.%Y")
                if p["answer_due"]
                else None,
            }
            for p in view["problems"]
        ],
        "timeline": [{**e, "at": moment(e["at"])} for e in view["timeline"]],
    }


# --------------------------------------------------------------------------- knowledge base


@get("/kb", include_in_schema=False)
async def kb_search_page(state: State, q: Annotated[str, QueryParameter(max_length=500)] = "") -> Template:
    result = await knowledge.search_kb(state.container, q, 8) if q.strip() else None
    return Template(template_name="kb_search.html", context={"q": q, "result": result})


@get("/kb/suggest", include_in_schema=False)
async def kb_suggest(
    state: State,
    q: Annotated[str, QueryParameter(max_length=500)] = "",
    text: Annotated[str, QueryParameter(max_length=20_000)] = "",
) -> Template:
    """HTMX partial: answers matching what the citizen is typing (the complaint form sends `text`)."""
    query = (q or text).strip()[-500:]
    result = await knowledge.search_kb(state.container, query, 3) if len(query) >= 15 else None
    return Template(template_name="_kb_suggest.html", context={"result": result})


@get("/kb/{article_id:str}", include_in_schema=False)
async def kb_article(article_id: FromPath[str]) -> Template:
    article = knowledge.get_article(article_id)
    if article is None:
        raise NotFoundException("Такой статьи нет в базе знаний.")
    return Template(template_name="kb_article.html", context={"article": article, "thanks": False})


@post("/kb/{article_id:str}/feedback", include_in_schema=False)
async def kb_feedback(
    article_id: FromPath[str],
    session: NamedDependency[AsyncSession],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    article = knowledge.get_article(article_id)
    if article is None:
        raise NotFoundException("Такой статьи нет в базе знаний.")
    await knowledge.record_feedback(session, article_id, data.get("helpful") == "yes", data.get("q", ""))
    await session.commit()
    return Template(template_name="kb_article.html", context={"article": article, "thanks": True})


# --------------------------------------------------------------------------- self-check


def _employer_id(request: Request[Any, Any, Any]) -> int | None:
    user = session_user(request)
    return user.id if user is not None and user.role == Role.EMPLOYER else None


@get("/self-check", include_in_schema=False)
async def self_check_list(
    request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
) -> Template:
    user_id = _employer_id(request)
    past = await history(session, user_id) if user_id else []
    return Template(
        template_name="selfcheck_list.html",
        context={"checklists": sorted(load_checklists().values(), key=lambda c: c.title), "history": past},
    )


@get("/self-check/{checklist_id:str}", include_in_schema=False)
async def self_check_form(checklist_id: FromPath[str]) -> Template:
    try:
        checklist = get_checklist(checklist_id)
    except UnknownChecklist as exc:
        raise NotFoundException(str(exc)) from None
    return Template(
        template_name="selfcheck_form.html", context={"checklist": checklist, "answers": {}, "error": None}
    )


@post("/self-check/{checklist_id:str}", include_in_schema=False)
async def self_check_submit(
    checklist_id: FromPath[str],
    request: Request[Any, Any, Any],
    session: NamedDependency[AsyncSession],
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    try:
        checklist = get_checklist(checklist_id)
    except UnknownChecklist as exc:
        raise NotFoundException(str(exc)) from None
    answers = {item.id: data[f"q_{item.id}"] for item in checklist.items if data.get(f"q_{item.id}")}
    download = data.get("download") == "1"
    try:
        assessment, result = await run_assessment(
            session, None if download else _employer_id(request), checklist_id, answers
        )
    except ValueError as exc:
        message = str(exc).split(". Un")[0].split(". Invalid")[0]  # the Russian half of the message
        return Template(  # type: ignore[return-value]
            template_name="selfcheck_form.html",
            context={"checklist": checklist, "answers": answers, "error": message},
            status_code=422,
        )
    if assessment is not None:
        await session.commit()
    context = {
        "checklist": checklist,
        "answers": answers,
        "result": result,
        "severity_labels": SEVERITY_LABELS,
        "standalone": download,
        # The downloaded file is opened offline: it carries its styles.
        "inline_css": Markup(STATIC_CSS.read_text(encoding="utf-8")) if download else "",
    }
    if download:
        return Template(  # type: ignore[return-value]
            template_name="selfcheck_report.html",
            context=context,
            media_type=MediaType.HTML,
            headers={"Content-Disposition": f'attachment; filename="self-check-{checklist.id}.html"'},
        )
    return Template(template_name="selfcheck_report.html", context=context)  # type: ignore[return-value]


# --------------------------------------------------------------------------- statistics


async def _open_data(session: AsyncSession) -> list[dict[str, Any]]:
    from portal.situation import open_data

    return await open_data(session)


@get("/stats", include_in_schema=False)
async def stats_page(session: NamedDependency[AsyncSession]) -> Template:
    from portal.situation import MIN_PUBLISHED_COUNT

    rows = await _open_data(session)
    # Totals add up the published cells only (a total minus its published cells would reveal a small
    # one); a row also says whether small groups were left out of it.
    totals: dict[str, dict[str, list[int]]] = {"category_name": {}, "region": {}, "month": {}}
    for row in rows:
        for column, by_value in totals.items():
            published_and_hidden = by_value.setdefault(row[column], [0, 0])
            if row["problems"] is None:
                published_and_hidden[1] += 1
            else:
                published_and_hidden[0] += row["problems"]

    def table(column: str, by_count: bool = True) -> list[tuple[str, int, bool]]:
        items = [(name, published, hidden > 0) for name, (published, hidden) in totals[column].items()]
        return sorted(items, key=lambda item: -item[1]) if by_count else sorted(items)

    return Template(
        template_name="stats.html",
        context={
            "by_category": table("category_name"),
            "by_region": table("region"),
            "by_month": table("month", by_count=False),
            "min_published": MIN_PUBLISHED_COUNT,
        },
    )


@get("/stats/open-data.csv", include_in_schema=False)
async def open_data_csv(session: NamedDependency[AsyncSession]) -> Response[str]:
    from portal.situation import open_data_csv as to_csv

    return Response(
        to_csv(await _open_data(session)),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="trudnadzor-open-data.csv"'},
    )


@get("/stats/open-data.json", include_in_schema=False)
async def open_data_json(session: NamedDependency[AsyncSession]) -> dict[str, Any]:
    return {"rows": await _open_data(session)}


PUBLIC_HANDLERS: list[Any] = [
    complaint_form,
    complaint_submit,
    complaint_done,
    track_form,
    track_submit,
    kb_search_page,
    kb_suggest,
    kb_article,
    kb_feedback,
    self_check_list,
    self_check_form,
    self_check_submit,
    stats_page,
    open_data_csv,
    open_data_json,
]

"""The complaint dialog: problem (text, photos, documents) → employer → region → contact →
confidentiality → consent → confirmation → tracking number and access code.

Handlers only translate: the complaint is filed by `portal.intake.submit_complaint`.
"""

from __future__ import annotations

import io
import re
from typing import Any

from aiogram import Bot, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bots.channels import Uploads, file_complaint
from bots.telegram import texts
from bots.telegram.regions import common_regions, match_region
from bots.telegram.routing import RouterSpec
from bots.telegram.texts import BACK, CANCEL, inline
from portal.attachments import IncomingFile
from portal.container import Container
from portal.intake import (
    EMAIL_RE,
    INN_RE,
    MAX_TEXT,
    MIN_TEXT,
    PHONE_RE,
    ComplaintInput,
    IntakeError,
)
from portal.models import Channel

router = RouterSpec("complaint")


class ComplaintForm(StatesGroup):
    describe = State()
    employer = State()
    region = State()
    contact = State()
    confidential = State()
    consent = State()
    confirm = State()


STEPS = [
    ComplaintForm.describe,
    ComplaintForm.employer,
    ComplaintForm.region,
    ComplaintForm.contact,
    ComplaintForm.confidential,
    ComplaintForm.consent,
    ComplaintForm.confirm,
]
NEXT = ("Дальше »", "c:next")
SKIP = ("Пропустить", "c:skip")


def _describe_prompt(limit_files: int, limit_mb: int) -> str:
    return (
        "Опишите, что случилось: кто работодатель, что нарушено, с какого времени, сколько людей "
        f"затронуто. Можно приложить фото или документы (до {limit_files} файлов, "
        f"до {limit_mb} МБ каждый).\n\n"
        "Длинный рассказ можно отправить несколькими сообщениями."
    )


async def start_complaint(
    message: Message, state: FSMContext, container: Container, prefill: str = ""
) -> None:
    await state.clear()
    await state.set_state(ComplaintForm.describe)
    await state.update_data(text=prefill, files=[])
    settings = container.settings
    if prefill:
        await message.answer(
            "Перенесли ваш вопрос в жалобу. Допишите подробности или нажмите «Дальше».",
            reply_markup=inline([NEXT], [CANCEL]),
        )
    else:
        await message.answer(
            _describe_prompt(settings.upload_max_files, settings.upload_max_bytes // (1024 * 1024)),
            reply_markup=inline([CANCEL]),
        )


async def ask(step: State, message: Message, state: FSMContext) -> None:
    """Move to a step and ask its question (also used by «Назад»)."""
    await state.set_state(step)
    data = await state.get_data()
    if step == ComplaintForm.describe:
        await message.answer(
            f"Текст жалобы сейчас ({len(data.get('text', ''))} символов) можно дополнить. "
            "Когда всё готово — «Дальше».",
            reply_markup=inline([NEXT], [CANCEL]),
        )
    elif step == ComplaintForm.employer:
        await message.answer(
            "Как называется работодатель? Если знаете ИНН (10 или 12 цифр), добавьте его.",
            reply_markup=inline([SKIP], [BACK, CANCEL]),
        )
    elif step == ComplaintForm.region:
        buttons = [(r.name, f"c:region:{r.code}") for r in common_regions()]
        await message.answer(
            "В каком регионе вы работаете? Выберите или напишите название "
            "(например, «Свердловская область»).",
            reply_markup=inline(
                *[buttons[i : i + 2] for i in range(0, len(buttons), 2)], [SKIP], [BACK, CANCEL]
            ),
        )
    elif step == ComplaintForm.contact:
        await message.answer(
            "Как к вам обращаться? Напишите фамилию, имя и, если хотите, телефон или e-mail.\n"
            "Ответ в любом случае придёт сюда, в Telegram.",
            reply_markup=inline([("Не указывать", "c:skip")], [BACK, CANCEL]),
        )
    elif step == ComplaintForm.confidential:
        await message.answer(
            "Скрыть от работодателя, что жалоба от вас? Инспектор обязан сохранить это в тайне "
            "(ст. 358 Трудового кодекса).",
            reply_markup=inline([("Да, скрыть", "c:conf:yes"), ("Не нужно", "c:conf:no")], [BACK, CANCEL]),
        )
    elif step == ComplaintForm.consent:
        await message.answer(
            "Согласны ли вы на обработку ваших персональных данных для рассмотрения жалобы? "
            "Без согласия жалобу принять нельзя.",
            reply_markup=inline(
                [("Согласен(на)", "c:consent:yes"), ("Не согласен(на)", "c:consent:no")], [BACK, CANCEL]
            ),
        )
    else:
        await message.answer(
            _summary(data), reply_markup=inline([("Отправить жалобу", "c:send")], [BACK, CANCEL])
        )


def _summary(data: dict[str, Any]) -> str:
    text = data.get("text", "")
    preview = text if len(text) <= 700 else text[:700] + "…"
    files = data.get("files", [])
    lines = [
        "Проверьте жалобу перед отправкой:",
        "",
        preview,
        "",
        f"Файлы: {len(files) or 'нет'}",
        f"Работодатель: {data.get('employer_name') or '—'}"
        + (f", ИНН {data['employer_inn']}" if data.get("employer_inn") else ""),
        f"Регион: {data.get('region_name') or '—'}",
        f"Как обращаться: {data.get('contact_name') or '—'}",
        f"Телефон: {data.get('contact_phone') or '—'}, e-mail: {data.get('contact_email') or '—'}",
        f"Скрыть от работодателя: {'да' if data.get('confidential') else 'нет'}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- navigation


@router.callback_query(F.data == "c:back")
async def back(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    current = await state.get_state()
    index = next((i for i, step in enumerate(STEPS) if step.state == current), None)
    if index is None or not isinstance(callback.message, Message):
        return
    await ask(STEPS[max(0, index - 1)], callback.message, state)


# --------------------------------------------------------------------------- 1. the problem


@router.message(ComplaintForm.describe, F.text & ~F.text.startswith("/"))
async def describe_text(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    current = data.get("text", "")
    addition = (message.text or "").strip()
    combined = f"{current}\n{addition}".strip() if current else addition
    if len(combined) > MAX_TEXT:
        await message.answer(
            f"Получается слишком длинно: можно до {MAX_TEXT} символов. "
            "Сократите или приложите документ файлом.",
            reply_markup=inline([NEXT], [CANCEL]),
        )
        return
    await state.update_data(text=combined)
    await message.answer(
        f"Записали ({len(combined)} символов). Можно дописать, приложить фото или документы. "
        "Когда всё готово — нажмите «Дальше».",
        reply_markup=inline([NEXT], [CANCEL]),
    )


@router.message(ComplaintForm.describe, F.photo | F.document)
async def describe_file(message: Message, state: FSMContext, container: Container) -> None:
    settings = container.settings
    data = await state.get_data()
    files: list[dict[str, Any]] = list(data.get("files", []))
    item: dict[str, Any]
    if message.photo:
        photo = message.photo[-1]  # the largest size
        item = {"file_id": photo.file_id, "name": f"photo_{len(files) + 1}.jpg", "size": photo.file_size or 0}
    else:
        assert message.document is not None
        document = message.document
        item = {
            "file_id": document.file_id,
            "name": document.file_name or "document",
            "size": document.file_size or 0,
        }
    if len(files) >= settings.upload_max_files:
        await message.answer(
            f"Можно приложить не более {settings.upload_max_files} файлов. Этот файл не добавлен."
        )
        return
    if item["size"] > settings.upload_max_bytes:
        await message.answer(
            f"Файл слишком большой: можно до {settings.upload_max_bytes // (1024 * 1024)} МБ. "
            "Этот файл не добавлен."
        )
        return
    files.append(item)
    text = data.get("text", "")
    caption = (message.caption or "").strip()
    if caption:
        text = f"{text}\n{caption}".strip()[:MAX_TEXT]
    await state.update_data(files=files, text=text)
    await message.answer(
        f"Файл добавлен ({len(files)} из {settings.upload_max_files}). Когда всё готово — нажмите «Дальше».",
        reply_markup=inline([NEXT], [CANCEL]),
    )


@router.message(ComplaintForm.describe)
async def describe_other(message: Message) -> None:
    await message.answer(
        "Принимаем текст, фото и документы (PDF, Word, Excel). "
        "Голосовые сообщения и видео пока не принимаем.",
        reply_markup=inline([NEXT], [CANCEL]),
    )


@router.callback_query(ComplaintForm.describe, F.data == "c:next")
async def describe_done(callback: CallbackQuery, state: FSMContext) -> None:
    text = (await state.get_data()).get("text", "")
    if len(text.strip()) < MIN_TEXT:
        await callback.answer(f"Опишите подробнее — хотя бы {MIN_TEXT} символов.", show_alert=True)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.employer, callback.message, state)


# --------------------------------------------------------------------------- 2. employer, 3. region


INN_IN_TEXT = re.compile(r"(?<!\d)(\d{12}|\d{10})(?!\d)")


@router.message(ComplaintForm.employer, F.text & ~F.text.startswith("/"))
async def employer(message: Message, state: FSMContext) -> None:
    text = (message.text or "")[:500]
    found = INN_IN_TEXT.search(text)
    inn = found.group(1) if found and INN_RE.match(found.group(1)) else None
    rest = re.sub(r"\bИНН\b[:\s]*", " ", INN_IN_TEXT.sub(" ", text), flags=re.IGNORECASE)
    name = " ".join(rest.replace(",", " ").split())[:300] or None
    await state.update_data(employer_name=name, employer_inn=inn)
    await ask(ComplaintForm.region, message, state)


@router.callback_query(ComplaintForm.employer, F.data == "c:skip")
async def employer_skip(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(employer_name=None, employer_inn=None)
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.region, callback.message, state)


@router.message(ComplaintForm.region, F.text & ~F.text.startswith("/"))
async def region_text(message: Message, state: FSMContext) -> None:
    found = match_region((message.text or "")[:200])
    if len(found) == 1:
        await state.update_data(region_code=found[0].code, region_name=found[0].name)
        await ask(ComplaintForm.contact, message, state)
    elif found:
        buttons = [[(r.name, f"c:region:{r.code}")] for r in found[:8]]
        await message.answer("Уточните, какой регион:", reply_markup=inline(*buttons, [BACK, CANCEL]))
    else:
        await message.answer(
            "Не нашли такой регион. Напишите название полностью, например «Ростовская область», "
            "или нажмите «Пропустить».",
            reply_markup=inline([SKIP], [BACK, CANCEL]),
        )


@router.callback_query(ComplaintForm.region, F.data.startswith("c:region:"))
async def region_button(callback: CallbackQuery, state: FSMContext) -> None:
    from bots.telegram.regions import by_code

    await callback.answer()
    region = by_code((callback.data or "").rsplit(":", 1)[-1])
    if region is None or not isinstance(callback.message, Message):
        return
    await state.update_data(region_code=region.code, region_name=region.name)
    await ask(ComplaintForm.contact, callback.message, state)


@router.callback_query(ComplaintForm.region, F.data == "c:skip")
async def region_skip(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(region_code=None, region_name=None)
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.contact, callback.message, state)


# --------------------------------------------------------------------------- 4. contact


EMAIL_IN_TEXT = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
PHONE_IN_TEXT = re.compile(r"\+?\d[\d()\-\s]{5,18}\d")


@router.message(ComplaintForm.contact, F.contact)
async def contact_shared(message: Message, state: FSMContext) -> None:
    assert message.contact is not None
    name = " ".join(filter(None, [message.contact.first_name, message.contact.last_name])) or None
    await state.update_data(contact_name=name, contact_phone=message.contact.phone_number, contact_email=None)
    await ask(ComplaintForm.confidential, message, state)


@router.message(ComplaintForm.contact, F.text & ~F.text.startswith("/"))
async def contact_text(message: Message, state: FSMContext) -> None:
    text = (message.text or "")[:500]
    email = EMAIL_IN_TEXT.search(text)
    rest = EMAIL_IN_TEXT.sub(" ", text)
    phone = PHONE_IN_TEXT.search(rest)
    rest = PHONE_IN_TEXT.sub(" ", rest)
    problems = []
    if email and not EMAIL_RE.match(email.group(0)):
        problems.append("Проверьте адрес электронной почты.")
    if phone and not PHONE_RE.match(phone.group(0)):
        problems.append("Проверьте номер телефона.")
    if problems:
        await message.answer(
            " ".join(problems), reply_markup=inline([("Не указывать", "c:skip")], [BACK, CANCEL])
        )
        return
    name = " ".join(rest.replace(",", " ").replace(";", " ").split())[:200] or None
    await state.update_data(
        contact_name=name,
        contact_email=email.group(0) if email else None,
        contact_phone=phone.group(0).strip() if phone else None,
    )
    await ask(ComplaintForm.confidential, message, state)


@router.callback_query(ComplaintForm.contact, F.data == "c:skip")
async def contact_skip(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(contact_name=None, contact_email=None, contact_phone=None)
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.confidential, callback.message, state)


# --------------------------------------------------------------------------- 5. confidentiality, 6. consent


@router.callback_query(ComplaintForm.confidential, F.data.in_({"c:conf:yes", "c:conf:no"}))
async def confidential(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(confidential=callback.data == "c:conf:yes")
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.consent, callback.message, state)


@router.callback_query(ComplaintForm.consent, F.data == "c:consent:yes")
async def consent_given(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.update_data(consent=True)
    if isinstance(callback.message, Message):
        await ask(ComplaintForm.confirm, callback.message, state)


@router.callback_query(ComplaintForm.consent, F.data == "c:consent:no")
async def consent_refused(callback: CallbackQuery) -> None:
    await callback.answer(
        "Без согласия на обработку персональных данных жалобу принять нельзя. "
        "Можно вернуться и согласиться или отменить.",
        show_alert=True,
    )


# --------------------------------------------------------------------------- 7. confirm and file


@router.callback_query(ComplaintForm.confirm, F.data == "c:send")
async def send(callback: CallbackQuery, state: FSMContext, container: Container, bot: Bot) -> None:
    message = callback.message
    if not isinstance(message, Message):
        await callback.answer(texts.STALE_BUTTON)
        return
    await callback.answer("Отправляем…")
    data = await state.get_data()
    settings = container.settings
    files = [
        IncomingFile(item["name"], await _download(bot, item["file_id"])) for item in data.get("files", [])
    ]
    complaint = ComplaintInput(
        text=data.get("text", ""),
        channel=Channel.TELEGRAM,
        consent=bool(data.get("consent")),
        # The confirmation message is the complaint: pressing «Отправить» twice files it once.
        external_id=f"{message.chat.id}:{message.message_id}",
        contact_name=data.get("contact_name"),
        contact_email=data.get("contact_email"),
        contact_phone=data.get("contact_phone"),
        telegram_chat_id=message.chat.id,
        region=data.get("region_code"),
        employer_name=data.get("employer_name"),
        employer_inn=data.get("employer_inn"),
        confidential=bool(data.get("confidential")),
        attachments=files,
    )
    try:
        result = await file_complaint(container.sessions, complaint, Uploads.from_settings(settings))
    except IntakeError as exc:
        await message.answer(
            "Жалобу пока нельзя отправить:\n" + "\n".join(f"— {text}" for text in exc.errors.values()),
            reply_markup=inline([BACK, CANCEL]),
        )
        return
    await state.clear()
    if result.duplicate:
        await message.answer(
            f"Эта жалоба уже подана, номер обращения {result.tracking_number}.",
            reply_markup=texts.menu_keyboard(),
        )
        return
    await message.answer(
        "Жалоба подана.\n\n"
        f"Номер обращения: {result.tracking_number}\n"
        f"Код доступа: {result.access_code}\n\n"
        "Сохраните номер и код: по ним можно узнать статус обращения («Статус обращения»). "
        "Сообщения о ходе рассмотрения будут приходить сюда.",
        reply_markup=texts.menu_keyboard(),
    )


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    await bot.download(file_id, destination=buffer)
    return buffer.getvalue()

"""What the bot says, in plain Russian, and its keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

MENU_COMPLAINT = "Подать жалобу"
MENU_STATUS = "Статус обращения"
MENU_QUESTION = "Задать вопрос"
MENU_SELFCHECK = "Самопроверка работодателя"
MENU_ITEMS = (MENU_COMPLAINT, MENU_STATUS, MENU_QUESTION, MENU_SELFCHECK)
CANCEL_WORDS = ("отмена", "отменить", "стоп")

GREETING = (
    "Здравствуйте! Это бот инспекции труда.\n\n"
    "Здесь можно пожаловаться на нарушение трудовых прав (например, задержку зарплаты или "
    "незаконное увольнение), узнать, что происходит с обращением, задать вопрос или проверить себя, "
    "если вы работодатель.\n\nВыберите, что нужно сделать:"
)
HELP = (
    "Команды:\n/start — главное меню\n/complaint — подать жалобу\n/status — статус обращения\n"
    "/question — задать вопрос\n/selfcheck — самопроверка работодателя\n"
    "/cancel — отменить то, что делаете сейчас"
)
CANCELLED = "Отменено. Черновик удалён. Выберите, что нужно сделать:"
STALE = "Прошло больше суток, и незаконченный черновик удалён. Начните, пожалуйста, заново."
THROTTLED = "Слишком много сообщений подряд. Подождите минуту, пожалуйста."
UNKNOWN_COMMAND = "Такой команды нет. " + HELP
STICKER = "Стикеры мы, к сожалению, не понимаем 🙂 Напишите словами или выберите действие в меню."
EDITED = (
    "Изменения в уже отправленных сообщениях не учитываются. "
    "Если нужно что-то исправить, отправьте исправление новым сообщением."
)
NOT_UNDERSTOOD = "Не совсем понял. Выберите действие в меню ниже."
NOT_UNDERSTOOD_IN_DIALOG = "Ответьте, пожалуйста, текстом или нажмите кнопку. Отменить — /cancel."
STALE_BUTTON = "Эта кнопка уже не действует."


def menu_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=MENU_COMPLAINT), KeyboardButton(text=MENU_STATUS)],
            [KeyboardButton(text=MENU_QUESTION), KeyboardButton(text=MENU_SELFCHECK)],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def inline(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row] for row in rows
        ]
    )


BACK = ("« Назад", "c:back")
CANCEL = ("Отменить", "c:cancel")

"""What every handler needs: the shared services, the user's language, and sending a reply."""

from __future__ import annotations

from typing import Any

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.database import User
from bot.replies import Reply
from bot.services import Services
from handlers.keyboards import html_chunks, reply_keyboard

__all__ = [
    "CHANNEL",
    "Context",
    "chat_of",
    "language_of",
    "say",
    "send_replies",
    "send_reply",
    "services",
    "user_of",
]

CHANNEL = "telegram"

Context = ContextTypes.DEFAULT_TYPE
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply | None


def services(context: Context) -> Services:
    """The one typed way into the services opened in post_init."""
    found: Any = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def user_of(update: Update) -> User | None:
    """The sender as the core knows users: the channel and Telegram's user id."""
    user = update.effective_user
    return User(CHANNEL, str(user.id)) if user else None


def chat_of(user: User) -> int | None:
    """Where to write to a stored user: their private chat, if they came through Telegram."""
    return int(user.id) if user.channel == CHANNEL else None


async def language_of(update: Update, context: Context) -> str:
    user = update.effective_user
    return await services(context).language_of(
        user_of(update), user.language_code if user else None
    )


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    services_: Services,
    *,
    feedback: bool = False,
    menu: bool = False,
) -> None:
    """Send a core reply as HTML; buttons go on the last chunk, then a file and a map location."""
    chunks = html_chunks(reply.text, reply.lang)
    keyboard: ReplyMarkup = reply_keyboard(reply, services_.texts, feedback=feedback, menu=menu)
    if reply.request_phone:
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(reply.phone_label, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    elif reply.remove_keyboard and keyboard is None:
        keyboard = ReplyKeyboardRemove()
    if reply.document is None:
        for number, chunk in enumerate(chunks, 1):
            await bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard if number == len(chunks) else None,
                disable_web_page_preview=True,
            )
    else:
        name, content = reply.document
        await bot.send_document(
            chat_id,
            InputFile(content, filename=name),
            caption=chunks[0][:1024],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    if reply.location:
        latitude, longitude = reply.location
        await bot.send_location(chat_id, latitude=latitude, longitude=longitude)


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply], services_: Services) -> None:
    for reply in replies:
        await send_reply(bot, chat_id, reply, services_)


async def say(
    bot: Bot,
    chat_id: int,
    text: str,
    lang: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send one of the bot's own texts: escaped HTML, right-to-left when Arabic."""
    for number, chunk in enumerate(chunks := html_chunks(text, lang), 1):
        markup = reply_markup if number == len(chunks) else None
        await bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML, reply_markup=markup)

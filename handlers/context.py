"""What every handler needs: the shared services, the user's language, and sending a reply."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.replies import Reply
from bot.services import Services
from handlers.keyboards import html_chunks, reply_keyboard

__all__ = ["Context", "language_of", "say", "send_reply", "services"]

Context = ContextTypes.DEFAULT_TYPE


def services(context: Context) -> Services:
    """The one typed way into the services opened in post_init."""
    found: Any = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


async def language_of(update: Update, context: Context) -> str:
    user = update.effective_user
    return await services(context).language_of(
        user.id if user else None, user.language_code if user else None
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
    """Send a core reply as HTML; buttons go on the last chunk, the map location after it."""
    chunks = html_chunks(reply.text, reply.lang)
    keyboard = reply_keyboard(reply, services_.texts, feedback=feedback, menu=menu)
    for number, chunk in enumerate(chunks, 1):
        await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if number == len(chunks) else None,
            disable_web_page_preview=True,
        )
    if reply.location:
        latitude, longitude = reply.location
        await bot.send_location(chat_id, latitude=latitude, longitude=longitude)


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
